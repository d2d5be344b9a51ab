//go:build !bench

package app

import (
	"context"
	"errors"
)

// errNoBench is the answer of the load run's hooks in a binary built without `-tags bench`: the ceiling renders
// a page through net/http/httptest and the profiles expose net/http/pprof, so only bin/storefront-bench (built by
// make bench) carries them.
var errNoBench = errors.New("this binary was built without -tags bench (make bench builds bin/storefront-bench)")

// StartBenchCeiling refuses: see errNoBench.
func (a *App) StartBenchCeiling(context.Context, string) error {
	return errNoBench
}

// EnableBenchProfiles refuses: see errNoBench.
func (a *App) EnableBenchProfiles() error { return errNoBench }
