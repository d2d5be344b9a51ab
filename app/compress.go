package app

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
)

// compressMinSize is the smallest response worth compressing: below one packet, gzip saves nothing.
const compressMinSize = 1024

// compress gzips responses of compressMinSize bytes and more for clients that accept gzip (pages, CSS, JS, SVG).
//
// Why not Echo's Gzip middleware: it takes a gzip writer (about 0.8 MiB of compressor state) from its pool when
// a request starts and keeps it until the request ends, so a server with 64 requests in flight, most of them
// waiting for the database or for Stripe, holds 64 writers: that was half the shop's memory under load.
// gzhttp (klauspost/compress) takes one only once a response has reached compressMinSize, that is while the
// page is being written, and none for redirects, webhook acknowledgements and small JSON answers.
// /metrics is left alone: Prometheus' handler compresses by itself.
func compress() echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.EnableZstd(false))
	if err != nil {
		panic(err) // the options above are constants; NewWrapper refuses only invalid ones
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if strings.HasPrefix(c.Path(), "/metrics") {
				return next(c)
			}
			res := c.Response()
			orig := res.Writer
			defer func() { res.Writer = orig }() // a panic leaves through here too: recoverPanics writes on orig
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					// Render the error page now, while the compressing writer is open (it is closed when wrap returns).
					c.Error(err)
				}
			})).ServeHTTP(orig, c.Request())
			return nil
		}
	}
}
