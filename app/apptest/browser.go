package apptest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser starts headless Chromium (Debian's package) for one test and returns its tab's context.
// Without Chromium the test is skipped with a notice, except with CI=true, where that is a failure.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium not found and CI=true: install Debian's chromium package (apt-get install chromium)")
		}
		fmt.Fprintf(os.Stderr, "NOTICE: %s skipped: no Chromium found (apt-get install chromium)\n", t.Name())
		t.Skip("no Chromium found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	ctx, cancelBrowser := chromedp.NewContext(ctx, chromedp.WithAllocatorOptions(
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	))
	t.Cleanup(func() {
		cancelBrowser()
		cancel()
	})
	return ctx
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
