package stripesim

import (
	_ "embed"
	"net/http"
	"strings"
)

//go:embed page/index.html
var tryItPage string

// servePage serves the page where a person tries the stand-in by hand.
func (s *Sim) servePage(w http.ResponseWriter, r *http.Request) {
	page := strings.NewReplacer("{{BASE}}", s.cfg.BasePath, "{{PK}}", s.cfg.PublishableKey).Replace(tryItPage)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(page))
}
