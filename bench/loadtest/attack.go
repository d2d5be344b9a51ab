package main

import (
	"fmt"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// stats summarises the results of one or more attacks on one target.
type stats struct {
	requests int
	ok       int           // answered with the expected status
	elapsed  time.Duration // wall time of the attacks (summed over rounds)
	codes    map[uint16]int
	errors   map[string]int // transport errors and unexpected statuses
	lat      []time.Duration
}

func newStats() *stats { return &stats{codes: map[uint16]int{}, errors: map[string]int{}} }

// rps is requests answered as expected per second of attack.
func (s *stats) rps() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(s.ok) / s.elapsed.Seconds()
}

// quantile of the latencies (exact: every latency is kept).
func (s *stats) quantile(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	slices.Sort(s.lat)
	i := int(q*float64(len(s.lat))+0.5) - 1
	return s.lat[max(0, min(i, len(s.lat)-1))]
}

func (s *stats) failed() int { return s.requests - s.ok }

func (s *stats) five() int {
	n := 0
	for code, c := range s.codes {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// attackOptions are the load generator's settings for one attack.
type attackOptions struct {
	rate     vegeta.Rate // Freq 0 = as fast as the connections allow
	duration time.Duration
	conns    int
}

// attack runs one vegeta attack and feeds every result to check, which returns the target's name and whether
// the answer was the expected one. Results are grouped by name; each name touched gets the attack's wall time.
func attack(name string, tr vegeta.Targeter, o attackOptions, check func(*vegeta.Result) (string, bool), into map[string]*stats) {
	a := vegeta.NewAttacker(
		vegeta.Workers(uint64(o.conns)), vegeta.MaxWorkers(uint64(o.conns)),
		vegeta.Connections(o.conns), vegeta.MaxConnections(o.conns),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(30*time.Second),
	)
	start := time.Now()
	touched := map[string]bool{}
	for res := range a.Attack(tr, o.rate, o.duration, name) {
		key, ok := check(res)
		st := into[key]
		if st == nil {
			st = newStats()
			into[key] = st
		}
		touched[key] = true
		st.requests++
		st.codes[res.Code]++
		st.lat = append(st.lat, res.Latency)
		switch {
		case ok:
			st.ok++
		case res.Error != "":
			st.errors[res.Error]++
		default:
			st.errors[fmt.Sprintf("status %d", res.Code)]++
		}
	}
	elapsed := time.Since(start)
	for key := range touched {
		into[key].elapsed += elapsed // rounds of the same target add up
	}
}

// maxRate is vegeta's "as fast as the workers go": each of the conns workers sends its next request as soon as
// the previous one is answered (a closed loop of conns connections).
var maxRate = vegeta.Rate{Freq: 0}

// statusIs is a check for a target that must answer with one status.
func statusIs(name string, code uint16) func(*vegeta.Result) (string, bool) {
	return func(r *vegeta.Result) (string, bool) { return name, r.Error == "" && r.Code == code }
}
