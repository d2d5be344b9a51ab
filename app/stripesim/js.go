package stripesim

import (
	"embed"
	"net/http"
)

//go:embed js/core.js js/payment_element.js js/stripe.js js/stripe.css
var standInJSFiles embed.FS

// standInStripeJS joins the parts of the stand-in Stripe.js into one script
// whose declarations live in one function scope.
func standInStripeJS() ([]byte, error) {
	out := []byte("(function () {\n'use strict';\n")
	messages, err := standInMessages()
	if err != nil {
		return nil, err
	}
	out = append(out, messages...)
	for _, name := range []string{"js/core.js", "js/payment_element.js", "js/stripe.js"} {
		b, err := standInJSFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
		out = append(out, '\n')
	}
	return append(out, "})();\n"...), nil
}

// serveJS serves the stand-in Stripe.js.
func (s *Sim) serveJS(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	js, err := standInStripeJS()
	if err != nil {
		http.Error(w, "stand-in Stripe.js missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(js)
}

// serveCSS serves the stand-in Stripe.js stylesheet.
func (s *Sim) serveCSS(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	css, err := standInJSFiles.ReadFile("js/stripe.css")
	if err != nil {
		http.Error(w, "stand-in Stripe.js stylesheet missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(css)
}
