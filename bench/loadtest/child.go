package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is one storefront process under test: its own loopback port, temporary directory (no .env is read
// there), SQLite database and log file.
type child struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	dir     string
	dbPath  string
	logPath string
	logFile *os.File
	exited  chan struct{} // closed when the process has ended
	// ready is the time from starting the process to the first 200 of /readyz.
	ready time.Duration
}

// childOptions change how a child is started.
type childOptions struct {
	dbPath string            // an existing database to serve; "" = a new empty one in the child's directory
	env    map[string]string // more environment (Stripe settings for an outside simulator)
	args   []string          // after "serve"
}

// webhookSecret is the STRIPE_WEBHOOK_SECRET every child gets, so the load test can sign events.
const webhookSecret = "whsec_loadtest_5f1c0d2b9a8e7f6a5b4c3d2e1f0a9b8c"

// startChild starts the binary as `serve` and waits until /readyz answers 200.
func startChild(ctx context.Context, bin string, o childOptions) (*child, error) {
	dir, err := os.MkdirTemp("", "storefront-loadtest-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &child{dir: dir, base: "http://127.0.0.1:" + strconv.Itoa(port), dbPath: o.dbPath, logPath: filepath.Join(dir, "storefront.log")}
	if c.dbPath == "" {
		c.dbPath = filepath.Join(dir, "storefront.db")
	}
	if c.logFile, err = os.Create(c.logPath); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	env := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "TMPDIR": os.TempDir(),
		"PORT": strconv.Itoa(port), "BASE_URL": c.base, "DATABASE_URL": "sqlite://" + c.dbPath,
		"STRIPE_WEBHOOK_SECRET": webhookSecret, "SESSION_SECRET": "loadtest-session-secret-0123456789abcdef",
		"LOG_FORMAT": "json", "LOG_LEVEL": "info", "METRICS_TOKEN": metricsToken, // as in production
		"TRUSTED_PROXIES": "127.0.0.1/32", // the load generator is the proxy of many shoppers (see shopperIP)
	}
	for k, v := range childEnv {
		env[k] = v
	}
	for k, v := range o.env {
		env[k] = v
	}
	args := append([]string{"serve"}, o.args...)
	if profileDir != "" {
		args = append(args, "--bench-profiles")
	}
	c.cmd = exec.Command(bin, args...)
	c.cmd.Dir = dir
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stdout, c.cmd.Stderr = c.logFile, c.logFile
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		c.logFile.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	c.exited = make(chan struct{})
	go func() { c.cmd.Wait(); close(c.exited) }()
	if err := c.waitReady(ctx, start); err != nil {
		c.stop()
		return nil, fmt.Errorf("%w\n%s", err, tail(c.logText(), 20))
	}
	return c, nil
}

// waitReady polls /readyz every millisecond. The server listens before it opens the database, so once the port
// accepts, a request simply waits until the app serves it.
func (c *child) waitReady(ctx context.Context, start time.Time) error {
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.exited:
			return errors.New("storefront exited before it was ready")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		res, err := client.Get(c.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				c.ready = time.Since(start)
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("storefront was not ready within 60 s")
}

// stop sends SIGTERM (the shop finishes in-flight requests) and removes the child's directory.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	c.logFile.Close()
	if keepLogs != "" {
		_ = os.MkdirAll(keepLogs, 0o755)
		_ = copyFile(c.logPath, filepath.Join(keepLogs, filepath.Base(c.dir)+".log"))
	}
	os.RemoveAll(c.dir)
}

// peakRSS is the child's high-water mark of resident memory (VmHWM), in bytes.
func (c *child) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/PID/status")
}

// logText is everything the child logged so far.
func (c *child) logText() string {
	b, _ := os.ReadFile(c.logPath)
	return string(b)
}

// logLine is the part of the child's JSON log lines the load test reads.
type logLine struct {
	Level     string `json:"level"`
	Msg       string `json:"msg"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Duration  int64  `json:"duration"` // nanoseconds (slog's JSON handler)
	RequestID string `json:"request_id"`
	Err       string `json:"err"`
}

// logLines parses the child's JSON log.
func (c *child) logLines() []logLine {
	var out []logLine
	sc := bufio.NewScanner(bytes.NewReader([]byte(c.logText())))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

// sqliteBusy counts log lines that show SQLite refusing for a lock (SQLITE_BUSY / SQLITE_LOCKED).
func (c *child) sqliteBusy() int {
	n := 0
	for line := range strings.Lines(c.logText()) {
		l := strings.ToLower(line)
		if strings.Contains(l, "database is locked") || strings.Contains(l, "sqlite_busy") ||
			strings.Contains(l, "database table is locked") || strings.Contains(l, "sqlite_locked") {
			n++
		}
	}
	return n
}

// metricsToken is the children's METRICS_TOKEN (the load generator scrapes /metrics with it).
const metricsToken = "loadtest-metrics-token-0123456789abcdef"

// metric sums every series of a counter or gauge on /metrics (labels ignored) whose labels contain filter.
func (c *child) metric(name, filter string) (float64, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("metrics: status %d", res.StatusCode)
	}
	var sum float64
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		if filter != "" && !strings.Contains(line, filter) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, fmt.Errorf("metric %s: %w", name, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func tail(s string, lines int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}
