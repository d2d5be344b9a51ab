package assets

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

// FromDir serves the assets from a folder on disk (ASSETS_DIR, for development): every request reads the file
// again and browsers revalidate each time, so an edited stylesheet or script shows on the next reload without
// a rebuild. URLs carry no content hash in this mode.
func FromDir(dir string) (*Assets, error) {
	a := &Assets{dir: dir}
	if !a.onDisk("css/app.css") {
		return nil, fmt.Errorf("%s has no css/app.css; point it at the repository's assets folder", dir)
	}
	return a, nil
}

func (a *Assets) onDisk(name string) bool {
	st, err := fs.Stat(os.DirFS(a.dir), name)
	return err == nil && !st.IsDir()
}

func (a *Assets) diskPath(name string) string {
	if !a.onDisk(name) {
		name = "images/placeholder.svg"
	}
	return Prefix + name
}

func (a *Assets) serveDisk(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	if !fs.ValidPath(name) || !a.onDisk(name) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, os.DirFS(a.dir), name)
}
