package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Fulfillment statuses of an order.
const (
	FulfillmentUnfulfilled = "unfulfilled"
	FulfillmentShipped     = "shipped"
)

// FulfillmentStatuses lists every fulfillment status, in order.
var FulfillmentStatuses = []string{FulfillmentUnfulfilled, FulfillmentShipped}

// ShippableStatuses are the order statuses an admin may ship: paid, and paid with part of it refunded.
var ShippableStatuses = []string{StatusPaid, StatusPartiallyRefunded}

// KindShipped is the timeline entry of an order marked shipped.
const KindShipped = "order.shipped"

// Shippable reports whether an order in this status may be marked shipped.
func Shippable(status string) bool {
	for _, s := range ShippableStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// ErrNotShippable is returned when an order's status does not allow shipping (not paid, refunded, disputed…).
var ErrNotShippable = errors.New("only paid or partially refunded orders can be shipped")

// ShipInput is the "Mark as shipped" form as typed.
type ShipInput struct {
	Carrier        string
	TrackingNumber string
}

// Clean trims the input and reports what to fix, by field name.
func (in ShipInput) Clean() (ShipInput, FieldErrors) {
	in.Carrier = strings.Join(strings.Fields(in.Carrier), " ")
	in.TrackingNumber = strings.TrimSpace(in.TrackingNumber)
	errs := FieldErrors{}
	switch {
	case in.Carrier == "":
		errs["carrier"] = "Enter the carrier, such as UPS, USPS, FedEx or DHL."
	case len(in.Carrier) > 64 || !printable(in.Carrier):
		errs["carrier"] = "Enter the carrier's name in at most 64 characters."
	}
	switch {
	case in.TrackingNumber == "":
		errs["tracking_number"] = "Enter the tracking number from the shipping label."
	case len(in.TrackingNumber) > 64 || !printable(in.TrackingNumber):
		errs["tracking_number"] = "Enter the tracking number as printed on the label: letters, digits and dashes, at most 64 characters."
	}
	return in, errs
}

func printable(s string) bool {
	if !queryable(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// MarkShipped marks a paid order shipped and queues its "shipped" email, in one transaction (with a timeline
// entry by the admin). It is idempotent: an order already shipped is returned unchanged with false, so a form
// sent twice ships once and emails once. An order that is not paid is ErrNotShippable.
func MarkShipped(ctx context.Context, db *gorm.DB, orderID string, in ShipInput, by string) (Order, bool, error) {
	var (
		o       Order
		shipped bool
	)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx
		if tx.Dialector.Name() == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Where("id = ?", orderID).Take(&o).Error; err != nil {
			return notFound(err)
		}
		if o.FulfillmentStatus == FulfillmentShipped {
			return nil
		}
		if !Shippable(o.Status) {
			return ErrNotShippable
		}
		now := time.Now().UTC()
		err := tx.Model(&Order{}).Where("id = ? AND fulfillment_status = ?", o.ID, FulfillmentUnfulfilled).
			Updates(map[string]any{"fulfillment_status": FulfillmentShipped, "carrier": in.Carrier,
				"tracking_number": in.TrackingNumber, "shipped_at": now, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("mark shipped: %w", err)
		}
		detail := "carrier=" + in.Carrier + " tracking_number=" + in.TrackingNumber
		if by != "" {
			detail += " by=" + by
		}
		ev := OrderEvent{OrderID: o.ID, Source: "admin", Kind: KindShipped, FromStatus: o.Status, ToStatus: o.Status, Detail: detail}
		if err := tx.Create(&ev).Error; err != nil {
			return fmt.Errorf("add order event: %w", err)
		}
		if _, err := QueueEmail(ctx, tx, OutboxEmail{OrderID: o.ID, Kind: EmailShipped, Recipient: o.Email}); err != nil {
			return err
		}
		o.FulfillmentStatus, o.Carrier, o.TrackingNumber, o.ShippedAt = FulfillmentShipped, in.Carrier, in.TrackingNumber, &now
		shipped = true
		return nil
	})
	return o, shipped, err
}

// CountPaidNotShipped counts the orders waiting to be shipped: paid (or partly refunded) and unfulfilled.
func CountPaidNotShipped(ctx context.Context, db *gorm.DB) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&Order{}).
		Where("fulfillment_status = ? AND status IN ?", FulfillmentUnfulfilled, ShippableStatuses).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count orders to ship: %w", err)
	}
	return n, nil
}

// Carriers are the carriers whose tracking pages the shop links to, by the names admins pick from.
var Carriers = []string{"UPS", "USPS", "FedEx", "DHL", "Royal Mail", "Canada Post", "Australia Post", "La Poste", "PostNL"}

// trackingURLs maps a carrier's name (lower case, without spaces) to its public tracking page.
var trackingURLs = map[string]string{
	"ups":           "https://www.ups.com/track?tracknum=",
	"usps":          "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
	"fedex":         "https://www.fedex.com/fedextrack/?trknbr=",
	"dhl":           "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=",
	"royalmail":     "https://www.royalmail.com/track-your-item#/tracking-results/",
	"canadapost":    "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=",
	"australiapost": "https://auspost.com.au/mypost/track/details/",
	"laposte":       "https://www.laposte.fr/outils/suivre-vos-envois?code=",
	"postnl":        "https://jouw.postnl.nl/track-and-trace/",
}

// TrackingURL is the tracking page of a parcel at a well-known carrier, or "" for another carrier.
func TrackingURL(carrier, trackingNumber string) string {
	key := strings.ToLower(strings.Join(strings.Fields(carrier), ""))
	key = strings.TrimSuffix(strings.ReplaceAll(key, ".", ""), "express")
	base, ok := trackingURLs[key]
	if !ok || trackingNumber == "" {
		return ""
	}
	return base + url.QueryEscape(trackingNumber)
}

// FulfillmentToShip filters the orders list to the paid orders not shipped yet.
const FulfillmentToShip = "to_ship"

// whereFulfillment narrows an orders query to a fulfillment filter.
func whereFulfillment(q *gorm.DB, f string) *gorm.DB {
	switch f {
	case "":
		return q
	case FulfillmentToShip:
		return q.Where("fulfillment_status = ? AND status IN ?", FulfillmentUnfulfilled, ShippableStatuses)
	}
	return q.Where("fulfillment_status = ?", f)
}
