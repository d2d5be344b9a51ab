package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
)

func TestAssetsDirShowsEditsOnReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "css"), 0o755); err != nil {
		t.Fatal(err)
	}
	css := filepath.Join(dir, "css", "app.css")
	if err := os.WriteFile(css, []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := apptest.New(t, apptest.Options{Env: map[string]string{"ASSETS_DIR": dir}})
	c := s.Client(t)
	if page := c.Get("/").Expect(t, http.StatusOK); !strings.Contains(page.Body, `href="/assets/css/app.css"`) {
		t.Fatalf("catalog does not link the stylesheet from disk:\n%s", page.Body)
	}
	res := c.Get("/assets/css/app.css").Expect(t, http.StatusOK)
	if res.Body != "body{color:red}" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("served %q with Cache-Control %q", res.Body, res.Header.Get("Cache-Control"))
	}
	if err := os.WriteFile(css, []byte("body{color:blue}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/assets/css/app.css").Expect(t, http.StatusOK); res.Body != "body{color:blue}" {
		t.Errorf("after an edit: %q", res.Body)
	}
	c.Get("/assets/../go.mod").Expect(t, http.StatusNotFound)
	c.Get("/assets/css/missing.css").Expect(t, http.StatusNotFound)
}
