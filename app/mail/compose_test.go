package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

func TestEmailsSpeakTheOrdersLanguage(t *testing.T) {
	shipped := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	order := func(locale string) models.Order {
		return models.Order{
			Number: "SF-7Q2", Locale: locale, Currency: "usd", Subtotal: 4800, Shipping: 500, Total: 5300,
			ShippingName: "Jenny Rosen", ShippingLine1: "Hauptstraße 1", ShippingCity: "Berlin", ShippingPostal: "10115",
			ShippingCountry: "DE", Carrier: "DHL", TrackingNumber: "JJD000390007", ShippedAt: &shipped, RefundedAmount: 500,
			Items: []models.OrderItem{{Name: "Canvas Tote", Quantity: 2, UnitPrice: 2400}},
		}
	}
	c := Composer{BaseURL: "https://shop.example", From: "Storefront <shop@example.com>"}
	tests := []struct {
		locale, kind string
		want         []string
	}{
		{"de", models.EmailOrderConfirmation, []string{"Ihre Bestellung SF-7Q2", "Guten Tag Jenny Rosen,", "53,00", "Deutschland", "Zwischensumme"}},
		{"de", models.EmailShipped, []string{"SF-7Q2", "29. November 2026", "DHL", "Sendungsnummer: JJD000390007"}},
		{"de", models.EmailRefund, []string{"Erstattung zu Ihrer Bestellung SF-7Q2", "5,00", "Bisher erstattet"}},
		{"fr", models.EmailOrderConfirmation, []string{"SF-7Q2", "Bonjour Jenny Rosen,", "Allemagne"}},
		{"id", models.EmailShipped, []string{"Pesanan SF-7Q2 Anda sudah dikirim", "Nomor resi: JJD000390007"}},
		{"", models.EmailOrderConfirmation, []string{"Your order SF-7Q2 is confirmed", "Hello Jenny Rosen,", "$53.00", "Germany"}},
	}
	for _, tt := range tests {
		t.Run(tt.locale+" "+tt.kind, func(t *testing.T) {
			r, err := c.Render(context.Background(), order(tt.locale), models.OutboxEmail{Kind: tt.kind, Amount: 500, Recipient: "jenny@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Subject, "SF-7Q2") {
				t.Errorf("subject %q lacks the order number", r.Subject)
			}
			all := r.Subject + "\n" + r.Text
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("lacks %q:\n%s", w, all)
				}
			}
			lang := tt.locale
			if lang == "" {
				lang = "en"
			}
			if !strings.Contains(r.HTML, `<html lang="`+lang+`">`) {
				t.Errorf("HTML is not marked %s", lang)
			}
			if tt.locale != "" && (strings.Contains(all, "Hello") || strings.Contains(all, "Your order")) {
				t.Errorf("English in the %s email:\n%s", tt.locale, all)
			}
		})
	}
}
