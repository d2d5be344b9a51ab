// Package webhooks receives Stripe events into a durable inbox and applies them to orders: verified on
// receipt, stored once by event id, acknowledged at once, applied by workers that several app instances may
// run against one database, retried with backoff, never lost across a crash.
package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
	"gorm.io/gorm"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/models"
)

// MaxBody is the largest event body accepted (Stripe's events are far smaller).
const MaxBody = 64 << 10

// Errors of Receive: the event is refused and Stripe is told why.
var (
	ErrSignature  = apperr.New(apperr.Malformed, "signature_invalid", "The Stripe-Signature header does not verify.")
	ErrAPIVersion = apperr.New(apperr.Malformed, "api_version_mismatch",
		"The event's API version is not the one this shop is pinned to; update the webhook endpoint's API version.")
	// ErrNoSecret: STRIPE_WEBHOOK_SECRET is unset, so no event can be verified and every one is refused (an
	// empty secret would let anyone sign events). 503: Stripe keeps retrying until the secret is set.
	ErrNoSecret = apperr.New(apperr.Busy, "webhook_secret_missing",
		"This shop cannot verify Stripe events yet: STRIPE_WEBHOOK_SECRET is unset.")
)

// FixNoSecret says how to set the webhook secret; logged at start and with the first refused event.
const FixNoSecret = "create the webhook endpoint BASE_URL/webhooks/stripe in the Stripe Dashboard (Developers → Webhooks), " +
	"or run `stripe listen --forward-to localhost:PORT/webhooks/stripe`, and set STRIPE_WEBHOOK_SECRET to its whsec_… secret"

// Inbox verifies and stores events.
type Inbox struct {
	DB      *gorm.DB
	Secret  string
	Log     *slog.Logger
	Metrics *Metrics
	// Wake, when set, is told that a new event waits (the local worker applies it at once).
	Wake func()

	noSecretLogged sync.Once
	group          groupCommit // concurrent deliveries are stored together
}

// Receive verifies the signature (with Stripe's default tolerance) and the API release train, then stores the
// event once. It reports whether the event is a duplicate.
func (in *Inbox) Receive(ctx context.Context, payload []byte, signature string) (duplicate bool, err error) {
	if in.Secret == "" {
		in.Metrics.rejected.WithLabelValues("no_secret").Inc()
		in.noSecretLogged.Do(func() {
			in.Log.ErrorContext(ctx, "webhooks refused: STRIPE_WEBHOOK_SECRET is unset", "fix", FixNoSecret)
		})
		return false, ErrNoSecret
	}
	var ev stripe.Event
	err = webhook.ValidatePayload(payload, signature, in.Secret) // Stripe's default tolerance
	if err == nil {
		ev, err = decodeEvent(payload)
	}
	if err != nil {
		in.Metrics.rejected.WithLabelValues("signature").Inc()
		in.Log.WarnContext(ctx, "webhook refused: bad signature", "reason", signatureReason(err))
		return false, ErrSignature
	}
	if Train(ev.APIVersion) != Train(stripe.APIVersion) {
		in.Metrics.rejected.WithLabelValues("api_version").Inc()
		in.Log.ErrorContext(ctx, "webhook refused: API version mismatch", "event", ev.ID, "event_type", ev.Type,
			"event_api_version", ev.APIVersion, "expected", stripe.APIVersion,
			"fix", "set the webhook endpoint's API version to "+stripe.APIVersion+" in the Stripe Dashboard (Developers → Webhooks), or create a new endpoint with that version")
		rej := models.WebhookRejection{Reason: "api_version", EventID: ev.ID, EventType: string(ev.Type),
			APIVersion: ev.APIVersion, ReceivedAt: time.Now().UTC()}
		if err := models.RecordWebhookRejection(ctx, in.DB, &rej); err != nil {
			in.Log.ErrorContext(ctx, "record webhook rejection", "err", err)
		}
		return false, ErrAPIVersion
	}
	now := time.Now().UTC()
	row := &models.WebhookEvent{ID: ev.ID, Type: string(ev.Type), APIVersion: ev.APIVersion, Created: ev.Created,
		Payload: string(payload), Status: models.InboxPending, NextAttemptAt: now, ReceivedAt: now}
	stored, err := in.group.store(in.DB, row)
	if err != nil {
		return false, fmt.Errorf("store webhook event: %w", err)
	}
	in.Metrics.received.WithLabelValues(string(ev.Type)).Inc()
	if !stored {
		in.Metrics.duplicates.Inc()
		in.Log.InfoContext(ctx, "webhook duplicate acknowledged", "event", ev.ID, "event_type", ev.Type)
		return true, nil
	}
	if in.Wake != nil {
		in.Wake()
	}
	return false, nil
}

// Train is the release train of an API version: "2025-08-27.basil" → "basil".
func Train(version string) string {
	if i := strings.LastIndexByte(version, '.'); i >= 0 {
		return version[i+1:]
	}
	return version
}

func signatureReason(err error) string {
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		return "missing Stripe-Signature"
	case errors.Is(err, webhook.ErrTooOld):
		return "timestamp outside the tolerance"
	case errors.Is(err, webhook.ErrInvalidHeader):
		return "malformed Stripe-Signature"
	case errors.Is(err, webhook.ErrNoValidSignature):
		return "no valid signature (check STRIPE_WEBHOOK_SECRET)"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "body is not JSON"
	}
	return "unverifiable"
}

// StoreFetched adds an event read from Stripe's Events API (the reconciler's recovery of missed webhooks)
// to the inbox, unless it is there already. It reports whether it was new.
//
// An event is rendered in the API version it was created with, whatever version reads it, so recovered events
// pass the same API-version check as webhooks: one of another release train is refused and recorded, never
// applied with a shape the shop does not decode.
func (in *Inbox) StoreFetched(ctx context.Context, ev *stripe.Event) (bool, error) {
	if Train(ev.APIVersion) != Train(stripe.APIVersion) {
		rej := models.WebhookRejection{Reason: "api_version", EventID: ev.ID, EventType: string(ev.Type),
			APIVersion: ev.APIVersion, ReceivedAt: time.Now().UTC()}
		first, err := models.RecordWebhookRejectionOnce(ctx, in.DB, &rej)
		if err != nil {
			return false, fmt.Errorf("record webhook rejection: %w", err)
		}
		if first {
			in.Metrics.rejected.WithLabelValues("api_version").Inc()
			in.Log.ErrorContext(ctx, "recovered event refused: API version mismatch", "event", ev.ID, "event_type", ev.Type,
				"event_api_version", ev.APIVersion, "expected", stripe.APIVersion,
				"fix", "set the account's default API version (or the webhook endpoint's) to "+stripe.APIVersion)
		}
		return false, nil
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return false, fmt.Errorf("encode event: %w", err)
	}
	now := time.Now().UTC()
	stored, err := models.StoreWebhookEvent(ctx, in.DB, &models.WebhookEvent{ID: ev.ID, Type: string(ev.Type),
		APIVersion: ev.APIVersion, Created: ev.Created, Payload: string(payload), Status: models.InboxPending,
		NextAttemptAt: now, ReceivedAt: now})
	if err != nil {
		return false, fmt.Errorf("store fetched event: %w", err)
	}
	if stored {
		in.Metrics.received.WithLabelValues(string(ev.Type)).Inc()
		if in.Wake != nil {
			in.Wake()
		}
	}
	return stored, nil
}
