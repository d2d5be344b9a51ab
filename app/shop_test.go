package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

func TestCatalogListsTheDemoProducts(t *testing.T) {
	s := apptest.New(t)
	res := s.Client(t).Get("/").Expect(t, http.StatusOK)
	for _, want := range []string{"Classic Cotton Tee", "Studio Headphones", "$24.00", `action="/cart/items"`, `name="csrf-token"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("catalog lacks %q", want)
		}
	}
	if got := strings.Count(res.Body, `class="product-card"`); got < 12 {
		t.Errorf("catalog shows %d products, want at least 12", got)
	}
}

func TestProductPage(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	res := c.Get("/products/stoneware-mug").Expect(t, http.StatusOK)
	for _, want := range []string{"Stoneware Mug", "$16.00", `name="quantity"`, `<label for="quantity">`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("product page lacks %q", want)
		}
	}
	t.Run("an unknown slug is a 404 page in the layout", func(t *testing.T) {
		res := c.Get("/products/no-such-thing").Expect(t, http.StatusNotFound)
		if !strings.Contains(res.Body, "couldn&#39;t find that product") || !strings.Contains(res.Body, `class="site-header"`) {
			t.Errorf("404 page: %s", res.Body)
		}
	})
	t.Run("an unknown path is a 404 page", func(t *testing.T) {
		c.Get("/nowhere/at/all").Expect(t, http.StatusNotFound)
	})
}

func TestOpsEndpoints(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"METRICS_TOKEN": metricsToken}})
	c := s.Client(t)
	c.Get("/healthz").Expect(t, http.StatusOK)
	res := c.Get("/readyz").Expect(t, http.StatusOK)
	if !strings.Contains(res.Body, `"database":"ok"`) {
		t.Errorf("readyz: %s", res.Body)
	}
	c.Get("/").Expect(t, http.StatusOK)
	res = c.Do(http.MethodGet, "/metrics", nil, http.Header{"Authorization": {"Bearer " + metricsToken}}).Expect(t, http.StatusOK)
	if !strings.Contains(res.Body, `storefront_http_requests_total{code="200",method="GET",route="/"}`) {
		t.Errorf("metrics lack the catalog request:\n%s", res.Body[:min(len(res.Body), 3000)])
	}
	t.Run("readyz fails when the database is gone", func(t *testing.T) {
		s.App.DB().Close()
		c.Get("/readyz").Expect(t, http.StatusServiceUnavailable)
	})
}

func TestAssetsAreHashedAndCachedForAYear(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	home := c.Get("/").Body
	i := strings.Index(home, `href="/assets/css/app.`)
	if i < 0 {
		t.Fatal("no hashed stylesheet link")
	}
	href := home[i+6:]
	href = href[:strings.Index(href, `"`)]
	res := c.Do(http.MethodGet, href, nil, http.Header{"Accept-Encoding": {"gzip"}}).Expect(t, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control = %q", cc)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("stylesheet not gzipped")
	}
	c.Get("/assets/css/app.css").Expect(t, http.StatusNotFound)
}

func productID(t *testing.T, s *apptest.Server, slug string) string {
	t.Helper()
	p, err := models.ProductBySlug(t.Context(), s.App.DB().DB, slug)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func addForm(id, qty string) url.Values {
	return url.Values{"product_id": {id}, "quantity": {qty}}
}

func TestNULBytesAndBadUTF8InPathsAreNotFound(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	for _, path := range []string{"/products/%00", "/products/a%ffb", "/orders/SF-%00", "/orders/%c3%28"} {
		c.Get(path).Expect(t, http.StatusNotFound)
	}
}
