package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactRemovesSecretsCardsAndEmails(t *testing.T) {
	cases := map[string]string{
		"key sk_test_51HqLyjWDarjtT1zdp7dc in text":        "key [redacted] in text",
		"rk_live_abcDEF123":                                "[redacted]",
		"whsec_abc123_def":                                 "[redacted]",
		"pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjc": "[redacted]",
		"cuss_secret_O2U1v5vdE9m4vUaNm4xMJ8qKfffNaeAnxvYs": "[redacted]",
		"card 4242 4242 4242 4242 declined":                "card [redacted-number] declined",
		"card 4000000000000002":                            "card [redacted-number]",
		"mail jenny.rosen@example.com now":                 "mail j•••@example.com now",
		"order SF-8K2D-QX7M-4PZN-T9WA":                     "order SF-8K2D-QX7M-4PZN-T9WA",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTheLoggerRedactsEveryAttribute(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(Config{LogFormat: "json", LogLevel: "debug"}, &buf)
	log.With("who", "jenny.rosen@example.com").Error("charge failed for 4242424242424242",
		"err", errors.New(`{"payment_intent":{"client_secret":"pi_1_secret_2"}}`),
		"password", "hunter2", "group", slog.GroupValue(slog.String("key", "sk_live_XYZ123")))
	out := buf.String()
	for _, leak := range []string{"jenny.rosen@", "4242424242424242", "pi_1_secret_2", "hunter2", "sk_live_XYZ123"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line holds %q: %s", leak, out)
		}
	}
}
