//go:build !bench

package app

import "errors"

// BenchCeilingPath is where a binary built with `-tags bench` serves the load test's ceiling (bench_ceiling.go).
const BenchCeilingPath = "/__bench/ceiling"

// EnableBenchCeiling refuses: the ceiling, which renders a page through net/http/httptest, is compiled only into
// binaries built with `-tags bench`, so the shop's own binary carries no test code.
func (a *App) EnableBenchCeiling() error {
	return errors.New("--bench-ceiling: this binary was built without -tags bench (make bench builds bin/storefront-bench)")
}
