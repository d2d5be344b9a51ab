package payments

// Stripe's minimum charge amounts, in minor units of each currency (Stripe's table "Minimum and maximum charge
// amounts"; HUF is charged in two decimals by the API). A total below a currency's minimum cannot be charged.
var minimumCharge = map[string]int64{
	"usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500, "dkk": 250,
	"eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300,
	"nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}

// MaximumCharge is the largest amount Stripe charges in one payment, in minor units (8 digits).
const MaximumCharge = 99_999_999

// MinimumCharge is Stripe's smallest chargeable amount in a currency, in minor units. For a currency outside
// Stripe's table the minimum is what USD 0.50 converts to on the day; without a rate at hand the shop refuses
// below 50 minor units and leaves the rest to Stripe's amount_too_small.
func MinimumCharge(currency string) int64 {
	if m, ok := minimumCharge[currency]; ok {
		return m
	}
	return 50
}
