// Package views holds the templ components of every page; components take small view models only.
package views

import (
	"strings"

	"github.com/storefront/storefront/i18n"
)

// Page is what the shared layout needs on every page.
type Page struct {
	Title     string
	CSRFToken string
	CartCount int64
	Simulated bool
	Flash     *Flash
	SignedIn  bool
	Currency  string
	Asset     func(name string) string
	// Admin marks the admin's pages: the header leaves out the shopper's sign-in and cart.
	Admin bool
	// Refresh, when positive, reloads the page after that many seconds (orders still settling).
	Refresh int
	// L speaks the request's locale: { p.L.T("cart.empty") }. The zero value speaks English.
	L i18n.Localizer
	// Path is the page's path and query, where the language picker returns to; "" for a page answering a
	// form, which the picker leaves for the catalog.
	Path string
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // info, success, error
	Message string
}

// Money formats an amount of the page's currency for the page's locale.
func (p Page) Money(amount int64) string { return p.L.Money(amount, p.Currency) }

// Image returns the URL of a product image: uploads are served as they are, embedded ones hashed.
func (p Page) Image(image string) string {
	if strings.HasPrefix(image, "/") {
		return image
	}
	if image == "" {
		image = "images/placeholder.svg"
	}
	return p.Asset(image)
}
