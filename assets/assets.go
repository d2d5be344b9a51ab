// Package assets embeds the stylesheet, scripts and images and serves them under content-hashed URLs,
// so that browsers may cache them for a year and still see every change at once.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed css js images
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/assets/"

// Assets knows every embedded file by name and by hashed URL.
type Assets struct {
	dir    string            // set by FromDir: files are read from disk at each request (development)
	byName map[string]string // "css/app.css" → "/assets/css/app.1a2b3c4d5e.css"
	byURL  map[string]file   // "css/app.1a2b3c4d5e.css" → file
}

type file struct {
	name string
	body []byte
}

// New reads the embedded files and computes their hashed URLs.
func New() (*Assets, error) {
	a := &Assets{byName: map[string]string{}, byURL: map[string]file{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.byName[name] = Prefix + hashed
		a.byURL[hashed] = file{name: name, body: body}
		return nil
	})
	return a, err
}

// Path returns the hashed URL of an asset ("css/app.css" → "/assets/css/app.1a2b3c4d5e.css").
// An unknown name returns the placeholder image so a bad image path never breaks a page.
func (a *Assets) Path(name string) string {
	if a.dir != "" {
		return a.diskPath(name)
	}
	if p, ok := a.byName[name]; ok {
		return p
	}
	return a.byName["images/placeholder.svg"]
}

// Has reports whether an asset of that name is embedded.
func (a *Assets) Has(name string) bool {
	if a.dir != "" {
		return a.onDisk(name)
	}
	_, ok := a.byName[name]
	return ok
}

// ServeHTTP serves a hashed asset with long-lived cache headers; other paths are 404.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.dir != "" {
		a.serveDisk(w, r)
		return
	}
	f, ok := a.byURL[strings.TrimPrefix(r.URL.Path, Prefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(f.name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	w.Write(f.body)
}
