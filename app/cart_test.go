package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

var cartLine = regexp.MustCompile(`action="/cart/items/([0-9A-Z]{26})"`)

func TestCartAddChangeRemove(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	mug := productID(t, s, "stoneware-mug")

	res := c.PostForm("/cart/items", addForm(mug, "2")).Expect(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/cart" {
		t.Fatalf("redirect to %q", res.Header.Get("Location"))
	}
	cart := c.Get("/cart").Expect(t, http.StatusOK)
	if !strings.Contains(cart.Body, "Stoneware Mug") || !strings.Contains(cart.Body, `data-testid="subtotal">$32.00`) {
		t.Fatalf("cart after adding 2 mugs:\n%s", cart.Body)
	}
	if !strings.Contains(cart.Body, `class="cart-count" aria-label="2 items in cart">2<`) {
		t.Errorf("header cart count is not 2")
	}

	t.Run("adding the same product again merges the line", func(t *testing.T) {
		c.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)
		body := c.Get("/cart").Body
		if n := len(cartLine.FindAllString(body, -1)); n != 1 {
			t.Fatalf("%d cart lines, want 1", n)
		}
		if !strings.Contains(body, `$48.00`) {
			t.Errorf("subtotal of 3 mugs missing")
		}
	})

	line := cartLine.FindStringSubmatch(c.Get("/cart").Body)[1]
	t.Run("changing the quantity", func(t *testing.T) {
		c.PostForm("/cart/items/"+line, url.Values{"quantity": {"5"}}).Expect(t, http.StatusSeeOther)
		if body := c.Get("/cart").Body; !strings.Contains(body, `data-testid="subtotal">$80.00`) {
			t.Errorf("subtotal after quantity 5 is wrong")
		}
	})
	t.Run("quantity 0 removes the line", func(t *testing.T) {
		c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
		c.PostForm("/cart/items/"+line, url.Values{"quantity": {"0"}}).Expect(t, http.StatusSeeOther)
		body := c.Get("/cart").Body
		if strings.Contains(body, "Stoneware Mug") || !strings.Contains(body, "Canvas Tote") {
			t.Errorf("mug not removed or tote lost")
		}
	})
	t.Run("remove button", func(t *testing.T) {
		tote := cartLine.FindStringSubmatch(c.Get("/cart").Body)[1]
		c.PostForm("/cart/items/"+tote+"/delete", url.Values{}).Expect(t, http.StatusSeeOther)
		if body := c.Get("/cart").Body; !strings.Contains(body, "Your cart is empty") {
			t.Errorf("cart not empty after removing the last line")
		}
	})
}

func TestCartSurvivesARestart(t *testing.T) {
	dbURL := apptest.DatabaseURL(t)
	secret := strings.Repeat("s", 40)
	opts := apptest.Options{Env: map[string]string{"DATABASE_URL": dbURL, "SESSION_SECRET": secret}}
	first := apptest.New(t, opts)
	c := first.Client(t)
	c.PostForm("/cart/items", addForm(productID(t, first, "cedar-candle"), "1")).Expect(t, http.StatusSeeOther)
	u, _ := url.Parse(first.URL)
	cookies := c.HTTP.Jar.Cookies(u)
	first.Close()

	second := apptest.New(t, opts)
	c2 := second.Client(t)
	u2, _ := url.Parse(second.URL)
	c2.HTTP.Jar.SetCookies(u2, cookies)
	if body := c2.Get("/cart").Body; !strings.Contains(body, "Cedar Candle") {
		t.Fatal("the cart did not survive a restart")
	}
}

func TestCartRefusesBadInput(t *testing.T) {
	s := apptest.New(t)
	mug := productID(t, s, "stoneware-mug")
	headphones := productID(t, s, "studio-headphones") // 3 in stock

	cases := []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"quantity 0", addForm(mug, "0"), http.StatusUnprocessableEntity, "Enter a quantity from 1 to 99."},
		{"a negative quantity", addForm(mug, "-3"), http.StatusUnprocessableEntity, "Enter a quantity from 1 to 99."},
		{"a huge quantity", addForm(mug, "99999999999999999999"), http.StatusUnprocessableEntity, "Enter a quantity from 1 to 99."},
		{"a quantity that is not a number", addForm(mug, "two"), http.StatusUnprocessableEntity, "Enter a quantity from 1 to 99."},
		{"more than in stock", addForm(headphones, "4"), http.StatusUnprocessableEntity, "Only 3 of Studio Headphones left in stock."},
		{"an unknown product", addForm("01ARZ3NDEKTSV4RRFFQ69G5FAV", "1"), http.StatusNotFound, "no longer for sale"},
		{"a forged product id", addForm("1 OR 1=1", "1"), http.StatusNotFound, "no longer for sale"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused and changes nothing", func(t *testing.T) {
			c := s.Client(t)
			res := c.PostForm("/cart/items", tc.form).Expect(t, tc.status)
			if !strings.Contains(res.Body, tc.msg) {
				t.Errorf("no %q in:\n%s", tc.msg, res.Body)
			}
			if !strings.Contains(c.Get("/cart").Body, "Your cart is empty") {
				t.Error("the cart changed")
			}
		})
	}

	t.Run("a missing or wrong CSRF token is refused", func(t *testing.T) {
		c := s.Client(t)
		c.Get("/")
		form := addForm(mug, "1")
		form.Set("csrf_token", "forged")
		res := c.PostForm("/cart/items", form).Expect(t, http.StatusForbidden)
		if !strings.Contains(res.Body, "Reload the page") {
			t.Errorf("CSRF page: %s", res.Body)
		}
		res = c.Do(http.MethodPost, "/cart/items", strings.NewReader(addForm(mug, "1").Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusBadRequest {
			t.Errorf("no token: status %d", res.StatusCode)
		}
		if !strings.Contains(c.Get("/cart").Body, "Your cart is empty") {
			t.Error("the cart changed")
		}
	})

	t.Run("another shopper's cart line is not found", func(t *testing.T) {
		owner := s.Client(t)
		owner.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)
		line := cartLine.FindStringSubmatch(owner.Get("/cart").Body)[1]
		other := s.Client(t)
		other.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)
		other.PostForm("/cart/items/"+line+"/delete", url.Values{}).Expect(t, http.StatusNotFound)
		other.PostForm("/cart/items/"+line, url.Values{"quantity": {"9"}}).Expect(t, http.StatusNotFound)
		if !strings.Contains(owner.Get("/cart").Body, `data-testid="subtotal">$16.00`) {
			t.Error("the owner's cart changed")
		}
	})

	t.Run("bad quantities on a cart line", func(t *testing.T) {
		c := s.Client(t)
		c.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)
		line := cartLine.FindStringSubmatch(c.Get("/cart").Body)[1]
		for _, q := range []string{"-1", "abc", "100", ""} {
			c.PostForm("/cart/items/"+line, url.Values{"quantity": {q}}).Expect(t, http.StatusUnprocessableEntity)
		}
	})

	t.Run("a tampered cart cookie starts a fresh session", func(t *testing.T) {
		c := s.Client(t)
		res := c.Do(http.MethodGet, "/cart", nil, http.Header{"Cookie": {"sf_session=tampered-value"}}).Expect(t, http.StatusOK)
		if !strings.Contains(res.Body, "Your cart is empty") {
			t.Error("tampered cookie did not give an empty cart")
		}
	})
}

func TestStockIsCheckedWhenChangingQuantity(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	c.PostForm("/cart/items", addForm(productID(t, s, "studio-headphones"), "1")).Expect(t, http.StatusSeeOther)
	line := cartLine.FindStringSubmatch(c.Get("/cart").Body)[1]
	res := c.PostForm("/cart/items/"+line, url.Values{"quantity": {"4"}}).Expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Only 3 of Studio Headphones left in stock.") {
		t.Errorf("no stock message")
	}
	var it models.CartItem
	s.App.DB().Where("id = ?", line).Take(&it)
	if it.Quantity != 1 {
		t.Errorf("quantity changed to %d", it.Quantity)
	}
}
