package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/klauspost/compress/flate"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/views"
)

// The catalog and product pages of a first-time visitor (no session: no cart, no flash, not signed in) differ
// only in the visitor's CSRF token. Such a page is rendered once per catalog snapshot with a marker in place of
// the token, kept split at the marker, and served by writing the parts with the visitor's token between them:
// no template, no allocation per request but the response buffer. For clients that accept gzip the parts are
// kept compressed too, each ending on a byte boundary, and the token goes between them as a stored (literal)
// deflate block: a page costs a copy and a CRC, not a compression.

// tokenMarker stands for the CSRF token in a cached page. Letters and digits only: templ escapes nothing in it.
const tokenMarker = "sfcsrftokenmarker7d3f0a9c1b"

// cachedPage is a rendered page split at its CSRF token.
type cachedPage struct {
	plain [][]byte // the page's bytes between the tokens
	gz    [][]byte // each part deflated on its own; all but the last end with a sync flush, the last is final
	size  int      // total length of plain
}

func newCachedPage(html []byte) (*cachedPage, error) {
	p := &cachedPage{plain: bytes.Split(html, []byte(tokenMarker))}
	var fw *flate.Writer
	for i, part := range p.plain {
		p.size += len(part)
		var buf bytes.Buffer
		var err error
		if fw == nil {
			fw, err = flate.NewWriter(&buf, flate.DefaultCompression)
		} else {
			fw.Reset(&buf)
		}
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(part); err != nil {
			return nil, err
		}
		if i < len(p.plain)-1 {
			err = fw.Flush() // ends on a byte boundary, not final: the token's stored block follows
		} else {
			err = fw.Close()
		}
		if err != nil {
			return nil, err
		}
		p.gz = append(p.gz, buf.Bytes())
	}
	return p, nil
}

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // deflate, no name, no time, unknown OS

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write sends the page with token in place of the marker, gzip-encoded when gz.
func (p *cachedPage) write(w http.ResponseWriter, token string, gz bool) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 256<<10 {
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	buf.Reset()
	h := w.Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if !gz {
		for i, part := range p.plain {
			if i > 0 {
				buf.WriteString(token)
			}
			buf.Write(part)
		}
	} else {
		h.Set(echo.HeaderContentEncoding, "gzip") // set before writing: the compress middleware passes it through
		buf.Write(gzipHeader)
		crc := uint32(0)
		for i, part := range p.gz {
			if i > 0 {
				// A stored block: BFINAL=0, BTYPE=00 (one zero byte once aligned), LEN, NLEN, the bytes.
				var hdr [5]byte
				binary.LittleEndian.PutUint16(hdr[1:], uint16(len(token)))
				binary.LittleEndian.PutUint16(hdr[3:], ^uint16(len(token)))
				buf.Write(hdr[:])
				buf.WriteString(token)
				crc = crc32.Update(crc, crc32.IEEETable, []byte(token))
			}
			buf.Write(part)
			crc = crc32.Update(crc, crc32.IEEETable, p.plain[i])
		}
		var trailer [8]byte
		binary.LittleEndian.PutUint32(trailer[:4], crc)
		binary.LittleEndian.PutUint32(trailer[4:], uint32(p.size+len(token)*(len(p.plain)-1)))
		buf.Write(trailer[:])
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values(echo.HeaderAcceptEncoding) {
		for _, enc := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(enc), ";")
			if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
				q := strings.ReplaceAll(params, " ", "")
				return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
			}
		}
	}
	return false
}

// renderShopPage renders a shop page, from the snapshot's cache when the visitor is a first-time one (the
// page's only per-visitor part is then the CSRF token). key names the page within the snapshot; the cache keeps
// one copy per language. A URL with a query string is rendered afresh (the picker's return path is part of the
// page, and caching every query a stranger makes up would grow without bound).
func (a *App) renderShopPage(c echo.Context, snap *catalogSnapshot, key string, p views.Page, page func(views.Page) templ.Component) error {
	if p.Flash != nil || p.SignedIn || p.CartCount != 0 || p.Refresh != 0 || c.Request().URL.RawQuery != "" {
		return render(c, http.StatusOK, page(p))
	}
	key += "|" + p.L.Locale().String()
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language, Cookie")
	cp, err := snap.page(key, func() (*cachedPage, error) {
		marked := p
		marked.CSRFToken = tokenMarker
		var buf bytes.Buffer
		if err := page(marked).Render(context.WithoutCancel(c.Request().Context()), &buf); err != nil { // shared by every waiting visitor
			return nil, fmt.Errorf("render %s: %w", key, err)
		}
		return newCachedPage(buf.Bytes())
	})
	if err != nil {
		return err
	}
	return cp.write(c.Response(), templ.EscapeString(p.CSRFToken), acceptsGzip(c.Request()))
}

// page returns the snapshot's cached page under key, rendering it with render the first time (once: requests
// that arrive meanwhile wait for that render rather than each making their own).
func (s *catalogSnapshot) page(key string, render func() (*cachedPage, error)) (*cachedPage, error) {
	v, ok := s.pages.Load(key)
	if !ok {
		v, _ = s.pages.LoadOrStore(key, &pageEntry{})
	}
	e := v.(*pageEntry)
	e.once.Do(func() { e.page, e.err = render() })
	return e.page, e.err
}

// pageEntry is one cached page of a snapshot, rendered once.
type pageEntry struct {
	once sync.Once
	page *cachedPage
	err  error
}
