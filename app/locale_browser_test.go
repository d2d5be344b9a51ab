package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// TestBrowserLanguagePicker switches the footer's picker to Deutsch on the cart page, without any script,
// and reads the German page it comes back to.
func TestBrowserLanguagePicker(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/cart"),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .locale-picker`)),
		chromedp.SetValue(chromedp.CSS(`#locale-select`), "de"),
		chromedp.Click(chromedp.CSS(`.locale-picker button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if loc != s.URL+"/cart" {
		t.Errorf("the picker went to %s, want back to the cart", loc)
	}
	if h1, empty, nav := text("h1"), text(".empty-state"), text(".site-nav"); h1 != "Ihr Warenkorb" ||
		!strings.Contains(empty, "Ihr Warenkorb ist leer.") || !strings.Contains(nav, "Anmelden") {
		t.Errorf("not German: h1 %q, %q, nav %q", h1, empty, nav)
	}
	selected, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#locale-select`)))
	if err != nil {
		t.Fatal(err)
	}
	if selected != "de" {
		t.Errorf("the picker shows %q, want de", selected)
	}
	// The choice stays for the next page.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.site-nav a[href="/"]`)), chromedp.WaitVisible(chromedp.CSS(`.product-grid`))); err != nil {
		t.Fatal(err)
	}
	if btn := text(".product-card__form button"); btn != "In den Warenkorb" {
		t.Errorf("catalog button %q, want In den Warenkorb", btn)
	}
}

// overflowJS lists what sticks out at the current width: the page scrolling sideways, or a button, label,
// heading or table cell whose text is wider than its box (German words are long).
const overflowJS = `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push("page " + document.documentElement.scrollWidth + " > " + window.innerWidth);
  }
  for (const el of document.querySelectorAll(".btn, button, label, h1, h2, th, td, select, .site-nav a, .flash, .stock, .price")) {
    const r = el.getBoundingClientRect();
    const head = el.closest("thead");
    if (r.width === 0 || el.closest(".visually-hidden") || (head && getComputedStyle(head).position === "absolute")) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "auto") {
      out.push(el.tagName.toLowerCase() + "." + el.className + " '" + el.textContent.trim().slice(0, 40) + "' " + el.scrollWidth + " > " + el.clientWidth);
    }
    if (r.right > window.innerWidth + 1) {
      out.push(el.tagName.toLowerCase() + "." + el.className + " '" + el.textContent.trim().slice(0, 40) + "' ends at " + Math.round(r.right));
    }
  }
  return out.join("\n");
})()`

// TestBrowserGermanPagesFit walks the shop in German at desktop and phone widths: nothing may stick out of
// its box. With LOCALE_SCREENSHOTS=dir it saves each page there.
func TestBrowserGermanPagesFit(t *testing.T) {
	s := newAccountServer(t)
	ctx := apptest.Browser(t)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	shots := os.Getenv("LOCALE_SCREENSHOTS")
	check := func(name string) {
		t.Helper()
		for _, w := range []struct {
			name   string
			width  int64
			height int64
		}{{"desktop", 1280, 1600}, {"phone", 390, 844}} {
			do(chromedp.EmulateViewport(w.width, w.height))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS))
			if err != nil {
				t.Fatal(err)
			}
			if got != "" {
				t.Errorf("%s at %d px: sticks out:\n%s", name, w.width, got)
			}
			if shots == "" {
				continue
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, name+"-"+w.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	do(chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.locale-picker`)),
		chromedp.SetValue(chromedp.CSS(`#locale-select`), "de"),
		chromedp.Click(chromedp.CSS(`.locale-picker button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] .product-grid`)))
	check("catalog")
	do(chromedp.Navigate(s.URL+"/products/stoneware-mug"), chromedp.WaitVisible(chromedp.CSS(`.add-to-cart`)))
	check("product")
	do(chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.cart-table`)))
	do(chromedp.Navigate(s.URL+"/products/city-daypack"), chromedp.WaitVisible(chromedp.CSS(`.add-to-cart`)),
		chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.cart-table`)))
	check("cart")
	do(chromedp.Navigate(s.URL+"/account/signup"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/signup"]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "kurz"),
		chromedp.Click(chromedp.CSS(`form[action="/account/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form-errors`)))
	check("signup-errors")
	do(chromedp.Navigate(s.URL+"/account/login"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/login"]`)))
	check("login")
	const email, password = "ein.sehr.langer.name@beispiel-unternehmen.example", "correct horse battery"
	do(chromedp.Navigate(s.URL+"/account/signup"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/signup"]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email), chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/account/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/account/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/logout"]`)))
	u := userByEmail(t, s, email)
	seedOrders(t, s, time.Now(), 3, func(i int, o *models.Order) {
		o.UserID = &u.ID
		o.Number = fmt.Sprintf("SF-DE%03d", i)
		o.Status = []string{models.StatusPaid, models.StatusPartiallyRefunded, models.StatusRequiresAction}[i]
	})
	do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.account-orders`)))
	check("account")
}
