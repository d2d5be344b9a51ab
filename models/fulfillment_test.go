package models

import "testing"

func TestTrackingURL(t *testing.T) {
	for _, tc := range []struct{ carrier, number, want string }{
		{"UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
		{"usps", "9400 1000", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400+1000"},
		{"FedEx", "794698570890", "https://www.fedex.com/fedextrack/?trknbr=794698570890"},
		{"DHL Express", "JD0146", "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=JD0146"},
		{" Royal  Mail ", "AB123", "https://www.royalmail.com/track-your-item#/tracking-results/AB123"},
		{"Local courier", "42", ""},
		{"UPS", "", ""},
	} {
		if got := TrackingURL(tc.carrier, tc.number); got != tc.want {
			t.Errorf("TrackingURL(%q, %q) = %q, want %q", tc.carrier, tc.number, got, tc.want)
		}
	}
}

func TestShipInputClean(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   ShipInput
		errs []string
	}{
		{"a carrier and a number are fine", ShipInput{"  UPS ", " 1Z9 "}, nil},
		{"both are required", ShipInput{" ", ""}, []string{"carrier", "tracking_number"}},
		{"control characters are refused", ShipInput{"UPS", "1Z\x00"}, []string{"tracking_number"}},
		{"long values are refused", ShipInput{string(make([]byte, 65)), "1"}, []string{"carrier"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := tc.in.Clean()
			if len(errs) != len(tc.errs) {
				t.Fatalf("errors %v, want %v", errs, tc.errs)
			}
			for _, f := range tc.errs {
				if errs[f] == "" {
					t.Errorf("no error for %s", f)
				}
			}
			if len(errs) == 0 && (got.Carrier != "UPS" || got.TrackingNumber != "1Z9") {
				t.Errorf("not trimmed: %+v", got)
			}
		})
	}
}
