// Command loadtest is the load run of `make bench`: it starts the real storefront binary as a child process on
// a free loopback port (temporary SQLite database, built-in Stripe simulator), drives it with the vegeta
// library, and prints one Markdown table of what it measured against the targets in bench/README.md. It
// asserts nothing: numbers are measured, and read by people.
//
//	go build -tags bench -o bin/storefront-bench . && go run ./bench/loadtest -bin bin/storefront-bench
//
// The binary is built with -tags bench so that it has the ceiling of part 1 (`serve --bench-ceiling`).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is the load run's settings (flags).
type config struct {
	bin         string
	duration    time.Duration // per load run
	conns       int
	confirmRate int
	orders      int
	startRuns   int
	parts       map[string]bool
	postgres    string // a PostgreSQL server URL: part 2 also runs on a database made there (two instances)
}

// keepLogs, when set, is where each child's log is copied before its directory is removed.
var keepLogs string

// childEnv is added to every child's environment (-child-env).
var childEnv = map[string]string{}

func main() {
	var cfg config
	var parts string
	flag.StringVar(&cfg.bin, "bin", "bin/storefront-bench", "the storefront binary to run (built with -tags bench)")
	flag.DurationVar(&cfg.duration, "duration", 6*time.Second, "length of each timed load run")
	flag.IntVar(&cfg.conns, "conns", 64, "connections (and vegeta workers) at most")
	flag.IntVar(&cfg.confirmRate, "confirm-rate", 100, "checkout confirms per second in part 3")
	flag.IntVar(&cfg.orders, "orders", 1_000_000, "orders in the large database of part 5 (0 = skip it)")
	flag.IntVar(&cfg.startRuns, "start-runs", 5, "starts per database in part 5")
	flag.StringVar(&parts, "parts", "pages,webhooks,confirm,mixed,startup", "which parts to run")
	flag.StringVar(&cfg.postgres, "postgres", "", "PostgreSQL URL (a database the run may CREATE DATABASE from): part 2 also runs on PostgreSQL with two instances")
	flag.StringVar(&profileDir, "profiles", "", "save a CPU and a heap profile of each timed run into this directory")
	flag.StringVar(&keepLogs, "keep-logs", "", "copy every child's log into this directory")
	flag.Func("child-env", "KEY=VALUE added to every child's environment (repeatable; e.g. GODEBUG=gctrace=1)", func(kv string) error {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("want KEY=VALUE")
		}
		childEnv[k] = v
		return nil
	})
	flag.Parse()
	if profileDir != "" {
		if err := os.MkdirAll(profileDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
	}
	cfg.parts = map[string]bool{}
	for _, p := range strings.Split(parts, ",") {
		cfg.parts[strings.TrimSpace(p)] = true
	}
	if _, err := os.Stat(cfg.bin); err != nil {
		fmt.Fprintf(os.Stderr, "loadtest: %v (build it first: go build -tags bench -o %s .)\n", err, cfg.bin)
		os.Exit(1)
	}
	cfg.bin, _ = filepath.Abs(cfg.bin) // children run in their own directories
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	t := &table{}
	loadBefore := loadAverage()
	began := time.Now()
	progress := func(s string) { fmt.Fprintf(os.Stderr, "loadtest: %s (%.0f s)\n", s, time.Since(began).Seconds()) }

	if cfg.parts["pages"] || cfg.parts["webhooks"] {
		port, err := freePort()
		if err != nil {
			return err
		}
		ceiling := fmt.Sprintf("127.0.0.1:%d", port)
		c, err := startChild(ctx, cfg.bin, childOptions{args: []string{"--bench-ceiling=" + ceiling}})
		if err != nil {
			return err
		}
		if cfg.parts["pages"] {
			progress("part 1: catalog and product pages against the ceiling")
			for _, r := range runPages(c, "http://"+ceiling, cfg) {
				t.pages(r)
			}
		}
		if cfg.parts["webhooks"] {
			progress("part 2: webhook ingestion")
			for _, r := range runWebhooks(ctx, c, cfg) {
				t.webhooks(r)
			}
		}
		c.stop()
	}
	if cfg.parts["webhooks"] && cfg.postgres != "" {
		progress("part 2: webhook ingestion on PostgreSQL, two instances")
		t.webhooks(runWebhooksPostgres(ctx, cfg.bin, cfg))
	}
	if cfg.parts["confirm"] {
		progress("part 3: checkout confirm")
		t.confirm(runConfirm(ctx, cfg.bin, cfg))
	}
	if cfg.parts["mixed"] {
		progress("part 4: mixed run")
		t.mixed(runMixed(ctx, cfg.bin, cfg))
	}
	if cfg.parts["startup"] {
		progress("part 5: start to ready")
		t.startup(runStartup(ctx, cfg.bin, cfg))
	}
	progress("done")

	fmt.Printf("\nStorefront load run, %s: %s, %d cores (GOMAXPROCS %d), %s, %d connections on loopback, %s per run.\n",
		began.UTC().Format("2006-01-02 15:04 MST"), cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(),
		cfg.conns, cfg.duration)
	fmt.Printf("Load average before %s, after %s (the load generator shares the machine with the shop).\n\n", loadBefore, loadAverage())
	t.print(os.Stdout)
	return nil
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAverage is the 1-, 5- and 15-minute load of /proc/loadavg.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
