// Package checkout holds the checkout and order pages.
package checkout

// Summary is the order summary beside the checkout form (also swapped in after a discount change).
type Summary struct {
	Lines    []Line
	Subtotal int64
	Discount int64
	Code     string
	Shipping int64
	Total    int64
}

// Line is one product line of a summary.
type Line struct {
	Name      string
	Image     string
	Quantity  int64
	UnitPrice int64
}

// Form is the shopper's email and shipping address, with errors by field name.
type Form struct {
	Email, Name, Line1, Line2, City, State, PostalCode, Country string
	Errors                                                      map[string]string
}

// Country is an option of the country select.
type Country struct{ Code, Name string }

// Config is the JSON block the checkout script reads (script#checkout-config).
type Config struct {
	PublishableKey  string `json:"publishableKey"`
	Amount          int64  `json:"amount"`
	Currency        string `json:"currency"`
	CustomerSession string `json:"customerSession,omitempty"`
	ConfirmURL      string `json:"confirmUrl"`
	ReturnURL       string `json:"returnUrl"`
	DiscountURL     string `json:"discountUrl"`
	// RequireCVCRecollection: the Payment Element asks for a saved card's CVC again, as the PaymentIntent
	// requires (REQUIRE_CVC_RECOLLECTION).
	RequireCVCRecollection bool `json:"requireCvcRecollection,omitempty"`
	// Locale is the page's language, for Stripe(pk, {locale}); Messages are the script's own strings (js.*) in
	// it, with their {{.Name}} placeholders for the script to fill.
	Locale   string            `json:"locale"`
	Messages map[string]string `json:"messages"`
	// PendingAction is set when the cart's order waits for the shopper's bank (3-D Secure): the page offers
	// to finish it with stripe.handleNextAction, or to pay another way on the same PaymentIntent.
	PendingAction *PendingAction `json:"pendingAction,omitempty"`
}

// PendingAction is an authentication the shopper can finish from the checkout page.
type PendingAction struct {
	ClientSecret string `json:"clientSecret"`
	NextURL      string `json:"nextUrl"`
}

// Page is everything the checkout page shows.
type Page struct {
	Summary      Summary
	Form         Form
	Config       Config
	Countries    []Country
	StripeJSURL  string
	ScriptURL    string
	DiscountNote string // why a code was dropped, or a discount form error
}
