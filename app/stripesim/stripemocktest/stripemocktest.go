// Package stripemocktest starts stripe-mock for tests that check request shapes against Stripe's OpenAPI spec.
package stripemocktest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Start builds and starts stripe-mock (the module's tool, which validates requests against Stripe's OpenAPI
// spec) on a free loopback port for the test, stops it at cleanup, and returns the API base for stripe-go's
// BackendConfig.URL. Without Go or stripe-mock the test is skipped with a notice, or fails when CI=true.
func Start(t testing.TB) (apiBase string) {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("stripe-mock unavailable: "+format, args...)
		}
		t.Logf("NOTICE: skipping, stripe-mock unavailable: "+format, args...)
		t.SkipNow()
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		unavailable("no go command: %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "stripe-mock")
	build := exec.Command(goBin, "build", "-o", bin, "github.com/stripe/stripe-mock")
	if out, err := build.CombinedOutput(); err != nil {
		unavailable("go build github.com/stripe/stripe-mock: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// HTTPS goes to a unix socket so that nothing binds a public port.
	cmd := exec.CommandContext(ctx, bin, "-http-addr", "127.0.0.1:0", "-https-unix", filepath.Join(dir, "https.sock"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		unavailable("pipe: %v", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		unavailable("start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`Listening for HTTP at address: (\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr := <-found:
		return "http://" + strings.TrimSpace(addr)
	case <-time.After(30 * time.Second):
		unavailable("it did not report its address within 30s")
	}
	return ""
}
