package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// table collects the rows of the one table the load run prints.
type table struct {
	rows [][]string // part, what, measured, target, met
}

func (t *table) add(part, what, measured, target, met string) {
	t.rows = append(t.rows, []string{part, what, measured, target, met})
}

func (t *table) failed(part, what string, err error) {
	t.add(part, what, "FAILED: "+strings.ReplaceAll(err.Error(), "\n", " "), "", "no")
}

func (t *table) pages(r pagesResult) {
	enc := "no Accept-Encoding"
	if r.encoding == "gzip" {
		enc = "Accept-Encoding: gzip"
	}
	ceiling := r.ceiling.rps()
	t.add("1", "ceiling ("+enc+"): a bare net/http server sending the catalog's bytes from memory",
		"capacity "+rate(r.ceiling, "req/s")+latencies(r.ceiling)+errorsOf(r.ceiling), "", "")
	for _, p := range []struct {
		name        string
		max, steady *stats
	}{{"catalog `GET /` (" + enc + ")", r.catalog, r.catalogSteady}, {"product `GET /products/classic-tee` (" + enc + ")", r.product, r.productSteady}} {
		share := p.max.rps() / ceiling
		met := share >= 0.80 && p.steady.quantile(0.99) < 20*time.Millisecond && p.max.failed()+p.steady.failed() == 0
		t.add("1", p.name, fmt.Sprintf("capacity %s = **%.0f %% of ceiling**%s · at %s req/s (60 %% of ceiling): p50 %s, **p99 %s**",
			rate(p.max, "req/s"), share*100, latencies(p.max), thousands(r.steadyRate), ms(p.steady.quantile(0.5)),
			ms(p.steady.quantile(0.99)))+errorsOf(p.max)+errorsOf(p.steady),
			"≥ 80 % of ceiling, p99 < 20 ms", yes(met))
	}
}

func (t *table) webhooks(r webhooksResult) {
	if r.err != nil {
		t.failed("2", r.what, r.err)
		return
	}
	target, met := "", ""
	if r.target {
		target = "≥ 3,000 events/s, all applied ≤ 1 s after"
		met = yes(r.ack.rps() >= 3000 && r.appliedAfter <= time.Second && r.ack.failed() == 0 && r.retried == 0)
	}
	t.add("2", r.what, fmt.Sprintf("%s acknowledged (%d in %s; %s)%s · all applied %s after the burst · %.0f retried",
		rate(r.ack, "events/s"), r.acked, r.ack.elapsed.Round(100*time.Millisecond), r.realShare, latencies(r.ack),
		ms(r.appliedAfter), r.retried)+errorsOf(r.ack), target, met)
}

func (t *table) confirm(r confirmResult) {
	what := fmt.Sprintf("checkout `POST /checkout/confirm`, %d/s, simulator without latency", r.rate)
	if r.err != nil {
		t.failed("3", what, r.err)
		return
	}
	over := quantiles(r.overhead)
	met := over(0.5) <= 3*time.Millisecond && r.client.failed() == 0
	t.add("3", what, fmt.Sprintf("%d confirms · shop's time (access log) p50 %s, p99 %s · simulator's handler p50 %s · "+
		"**overhead (shop − simulator) p50 %s, p99 %s** · as the client saw it p50 %s, p99 %s",
		len(r.server), ms(quantiles(r.server)(0.5)), ms(quantiles(r.server)(0.99)), ms(quantiles(r.sim)(0.5)),
		ms(over(0.5)), ms(over(0.99)), ms(r.client.quantile(0.5)), ms(r.client.quantile(0.99)))+errorsOf(r.client),
		"overhead p50 ≤ 3 ms", yes(met))
}

func (t *table) mixed(r mixedResult) {
	what := "mixed: pages, cart adds and views, checkouts, webhooks at once"
	if r.err != nil {
		t.failed("4", what, r.err)
		return
	}
	errs := r.total.failed()
	met := errs == 0 && r.busy == 0 && r.peakRSS < 150<<20
	t.add("4", what, fmt.Sprintf("%s · %d errors · %d 5xx · %d SQLITE_BUSY in the log · peak RSS %.0f MiB",
		rate(r.total, "req/s"), errs, r.total.five(), r.busy, float64(r.peakRSS)/(1<<20))+errorsOf(r.total),
		"0 errors, 0 SQLITE_BUSY, RSS < 150 MiB", yes(met))
	if r.ranOut {
		t.add("4", "· note", "the prepared paying carts ran out before the end: later checkout slots viewed a cart", "", "")
	}
	for _, kind := range slices.Sorted(maps.Keys(r.byKind)) {
		st := r.byKind[kind]
		t.add("4", "· "+kind, rate(st, "req/s")+latencies(st)+fmt.Sprintf(" · %d errors", st.failed()), "", "")
	}
}

func (t *table) startup(r startupResult) {
	if r.err != nil {
		t.failed("5", "start → ready", r.err)
		return
	}
	row := func(what string, ds []time.Duration, note string) {
		q := quantiles(ds)
		met := q(0.5) < 300*time.Millisecond
		t.add("5", what, fmt.Sprintf("median %s (min %s, max %s, %d starts)%s", ms(q(0.5)), ms(q(0)), ms(q(1)), len(ds), note),
			"< 300 ms", yes(met))
	}
	row("start → `/readyz` 200, empty database (all migrations, demo catalog)", r.empty, "")
	if len(r.million) > 0 {
		row(fmt.Sprintf("start → `/readyz` 200, %s orders", thousands(r.orders)), r.million, "; database "+r.dbNote)
	}
}

// print writes the table as Markdown with aligned columns.
func (t *table) print(w io.Writer) {
	head := []string{"#", "what", "measured", "target", "met"}
	width := make([]int, len(head))
	for _, r := range append([][]string{head}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(r []string) {
		var sb strings.Builder
		for i, c := range r {
			sb.WriteString("| " + c + strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + " ")
		}
		fmt.Fprintln(w, sb.String()+"|")
	}
	line(head)
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
}

func rate(st *stats, unit string) string {
	return fmt.Sprintf("%s %s", thousands(int(st.rps()+0.5)), unit)
}

func latencies(st *stats) string {
	return fmt.Sprintf(" · p50 %s, p99 %s", ms(st.quantile(0.5)), ms(st.quantile(0.99)))
}

func errorsOf(st *stats) string {
	if len(st.errors) == 0 {
		return ""
	}
	var parts []string
	for _, e := range slices.Sorted(maps.Keys(st.errors)) {
		parts = append(parts, fmt.Sprintf("%d× %s", st.errors[e], e))
	}
	return " · errors: " + strings.Join(parts, "; ")
}

func quantiles(ds []time.Duration) func(float64) time.Duration {
	s := &stats{lat: slices.Clone(ds)}
	return s.quantile
}

func ms(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}
