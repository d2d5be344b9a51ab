// Command storefront is the whole shop in one binary: serve (default), migrate, seed, admin, doctor, reconcile,
// stripe-sim.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/joho/godotenv"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/models"
)

const usage = `usage: storefront [command]

commands:
  serve        serve the shop (default)
  migrate      apply database migrations and exit
  seed         add the demo catalog when the catalog is empty
  admin        admin create --email E: create or update an admin (password from stdin)
  doctor       run the go-live checklist (--json); exits non-zero when a required check fails
  reconcile    settle stuck orders from Stripe once (also runs every RECONCILE_INTERVAL in serve)
  stripe-sim   run the offline Stripe simulator alone (--port N)
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errNotReady) {
			fmt.Fprintln(os.Stderr, "storefront:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "stripe-sim":
		return runStripeSim(ctx, args, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args, os.Stdin, stdout)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, args, stderr)
	case "reconcile":
		return runReconcile(ctx, cfg, log, stdout)
	case "migrate":
		db, v, err := openMigrated(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintf(stdout, "database at migration version %d\n", v)
		return nil
	case "seed":
		db, _, err := openMigrated(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := models.SeedDemoCatalog(ctx, db.DB)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintln(stdout, "catalog already has products; nothing added")
		} else {
			fmt.Fprintf(stdout, "added %d demo products\n", n)
		}
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// openMigrated opens DATABASE_URL and applies pending migrations, returning the schema version.
func openMigrated(ctx context.Context, databaseURL string) (*models.DB, int64, error) {
	db, err := models.Open(ctx, databaseURL)
	if err != nil {
		return nil, 0, err
	}
	v, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, v, nil
}

// loadConfig reads .env (when present; the environment wins) and validates the settings.
func loadConfig() (app.Config, error) {
	fileEnv, err := godotenv.Read(".env")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return app.Config{}, fmt.Errorf(".env: %w", err)
	}
	return app.LoadConfig(func(k string) (string, bool) {
		if v, ok := os.LookupEnv(k); ok {
			return v, true
		}
		v, ok := fileEnv[k]
		return v, ok
	})
}

func serve(ctx context.Context, cfg app.Config, log *slog.Logger, args []string, stderr io.Writer) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("PORT: cannot listen on %d (%v); choose a free port", cfg.Port, err)
	}
	if cfg.MemoryLimit > 0 {
		// The runtime read GOMEMLIMIT already when set; this applies the shop's default when it is not.
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	for _, arg := range args { // hidden: --bench-ceiling=ADDR, in bin/storefront-bench only (bench/README.md)
		if addr, ok := strings.CutPrefix(arg, "--bench-ceiling="); ok {
			if err := a.StartBenchCeiling(ctx, addr); err != nil {
				return err
			}
		}
	}
	if slices.Contains(args, "--bench-profiles") { // hidden: for make bench only
		if err := a.EnableBenchProfiles(); err != nil {
			return err
		}
	}
	demo, err := a.CreateDemoAdmin(ctx)
	if err != nil {
		return err
	}
	if cfg.Simulated && !app.IsLoopbackURL(cfg.BaseURL) {
		log.Warn("the Stripe simulator is on at a public BASE_URL (STRIPE_SIMULATOR=on): anyone can read and change its payments; for demos only")
	}
	log.Info("serving", "url", cfg.BaseURL, "simulated_payments", cfg.Simulated, "database", app.RedactDSN(cfg.DatabaseURL))
	if cfg.LogFormat == "text" { // JSON logs stay one record per line for machines
		banner, err := a.Banner(ctx, demo)
		if err != nil {
			return err
		}
		io.WriteString(stderr, banner)
	}
	return a.Serve(ctx, ln)
}
