package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
)

func TestBrowserCatalogToCart(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.Click(chromedp.CSS(`a.product-card__link[href="/products/desk-planter"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#quantity`)),
		chromedp.SetValue(chromedp.CSS(`#quantity`), "2"),
		chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cart-table`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.cart-table tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table, "Desk Planter") || !strings.Contains(table, "$44.00") {
		t.Errorf("cart table: %q", table)
	}
	count, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.cart-count`)))
	if err != nil || strings.TrimSpace(count) != "2" {
		t.Errorf("header cart count %q (%v)", count, err)
	}
}
