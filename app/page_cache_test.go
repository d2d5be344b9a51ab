package app_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
)

var csrfMetaRe = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

// firstVisit gets path as a first-time visitor (no cookies) and returns the decoded page and its sf_csrf cookie.
func firstVisit(t *testing.T, s *apptest.Server, path string, gz bool) (page, cookie string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	var body io.Reader = res.Body
	if gz {
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s with gzip: Content-Encoding %q", path, res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(res.Body) // checks the CRC and the length at the end
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("GET %s (gzip %v): %v", path, gz, err)
	}
	for _, c := range res.Cookies() {
		if c.Name == "sf_csrf" {
			cookie = c.Value
		}
	}
	return string(b), cookie
}

func TestFirstTimeVisitorsGetTheCachedPageWithTheirOwnCSRFToken(t *testing.T) {
	s := apptest.New(t)
	for _, path := range []string{"/", "/products/classic-tee"} {
		plain1, tok1 := firstVisit(t, s, path, false)
		plain2, tok2 := firstVisit(t, s, path, false)
		zipped, tok3 := firstVisit(t, s, path, true)
		if tok1 == "" || tok1 == tok2 || tok2 == tok3 {
			t.Fatalf("%s: CSRF cookies %q %q %q, want three different tokens", path, tok1, tok2, tok3)
		}
		for _, v := range []struct{ page, token string }{{plain1, tok1}, {plain2, tok2}, {zipped, tok3}} {
			m := csrfMetaRe.FindStringSubmatch(v.page)
			if m == nil || m[1] != v.token {
				t.Fatalf("%s: page's csrf-token %v, want the visitor's cookie %q", path, m, v.token)
			}
			if strings.Contains(v.page, "sfcsrftokenmarker") {
				t.Fatalf("%s: the token marker reached the page", path)
			}
			if !strings.Contains(v.page, `name="csrf_token" value="`+v.token+`"`) && path == "/" {
				t.Fatalf("%s: the add-to-cart forms do not carry the visitor's token", path)
			}
		}
		// Apart from the tokens, every visitor gets the same page, compressed or not.
		if strings.ReplaceAll(plain1, tok1, "T") != strings.ReplaceAll(zipped, tok3, "T") ||
			strings.ReplaceAll(plain1, tok1, "T") != strings.ReplaceAll(plain2, tok2, "T") {
			t.Fatalf("%s: pages differ beyond the CSRF token", path)
		}
	}
}

func TestAVisitorWithACartGetsThePageRenderedForThem(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	pid := productID(t, s, "classic-tee")
	c.PostForm("/cart/items", map[string][]string{"product_id": {pid}, "quantity": {"2"}})
	page := c.Get("/").Body
	if !bytes.Contains([]byte(page), []byte("2 items in cart")) {
		t.Fatalf("the catalog of a shopper with 2 items does not say so")
	}
}
