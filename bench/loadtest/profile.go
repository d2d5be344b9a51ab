package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// profileDir, when set (-profiles DIR), is where a CPU profile of each timed run and a heap profile after it are
// saved (go tool pprof DIR/NAME.cpu.pprof). The children serve them with the hidden --bench-profiles flag.
var profileDir string

// profile records a CPU profile of the child for d under name, and a heap profile when it ends; wait for it
// with the returned function. Without -profiles it does nothing.
func profile(c *child, name string, d time.Duration) (wait func()) {
	if profileDir == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		secs := max(1, int(d.Round(time.Second)/time.Second))
		if err := save(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", c.base, secs), name+".cpu.pprof"); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: cpu profile:", err)
		}
		if err := save(c.base+"/debug/pprof/heap", name+".heap.pprof"); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: heap profile:", err)
		}
	}()
	return func() { <-done }
}

func save(url, name string) error {
	res, err := http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", url, res.StatusCode)
	}
	f, err := os.Create(filepath.Join(profileDir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}
