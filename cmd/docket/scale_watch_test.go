package main

// The scale test's bookkeeping: the faults it caused, every run and attempt
// it saw, and the figures it reports.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// fault is one thing the test broke.
type fault struct {
	name    string
	at      time.Time
	outage  time.Duration  // how long a restarted service did not answer
	back    time.Time      // when it answered again
	ready   time.Duration  // from the fault until serve's /readyz said ready
	settled time.Time      // when the runs it caught had failed or gone on
	snap    map[string]int // run id → the attempt in progress at the fault
	// direct is set when the fault hit the snapshot's attempts themselves
	// (a killed worker or browser); otherwise it broke the attempts that
	// failed between the fault and settled.
	direct bool
	note   string
}

type attemptKey struct {
	run string
	n   int
}

// attemptSeen is an attempt of a run as the test's polling saw it.
type attemptSeen struct {
	worker string
	seen   time.Time // first seen
	ended  time.Time // first seen over
	failed bool
}

// runWatch follows every run through the system of record.
type runWatch struct {
	t        *testing.T
	st       *sqlstore.Store
	workers  []*scaleWorker
	runs     map[string]orchestrator.Run
	attempts map[string]map[int]*attemptSeen
}

func (w *runWatch) poll() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	runs, err := w.st.Runs(ctx, "", 100000)
	if err != nil {
		return // PostgreSQL is restarting
	}
	now := time.Now()
	for _, r := range runs {
		w.runs[r.ID] = r
		as := w.attempts[r.ID]
		if as == nil {
			as = map[int]*attemptSeen{}
			w.attempts[r.ID] = as
		}
		for n := 1; n <= r.Attempts; n++ {
			if as[n] == nil {
				as[n] = &attemptSeen{seen: now}
			}
		}
		if r.Attempts > 0 {
			as[r.Attempts].worker = r.Worker
		}
		for n, a := range as {
			if a.ended.IsZero() && (n < r.Attempts || r.Status != orchestrator.RunRunning) {
				a.ended = now
				a.failed = n < r.Attempts || r.Status != orchestrator.RunSucceeded
			}
		}
	}
}

// until polls the runs until cond holds, failing after within.
func (w *runWatch) until(within time.Duration, what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for {
		w.poll()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out after %s waiting for %s\nruns:\n%s\nworker problems:\n%s", within, what, w.table(), problemsOf(w.workers))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (w *runWatch) table() string {
	var lines []string
	for _, r := range w.runs {
		lines = append(lines, fmt.Sprintf("%-36s %-9s attempts %d worker %-20s records %3d %s", r.ID, r.Status, r.Attempts, r.Worker, r.Records, r.Error))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// runningOn is the run a worker is in the middle of, if any.
func (w *runWatch) runningOn(worker string) (orchestrator.Run, bool) {
	for _, r := range w.runs {
		if r.Status == orchestrator.RunRunning && r.Worker == worker {
			return r, true
		}
	}
	return orchestrator.Run{}, false
}

func (w *runWatch) workersSeen() map[string]bool {
	seen := map[string]bool{}
	for _, as := range w.attempts {
		for _, a := range as {
			if a.worker != "" {
				seen[a.worker] = true
			}
		}
	}
	return seen
}

func (w *runWatch) attemptsBy(worker string) int {
	n := 0
	for _, as := range w.attempts {
		for _, a := range as {
			if a.worker == worker {
				n++
			}
		}
	}
	return n
}

func (w *runWatch) failed(id string, n int) bool {
	a := w.attempts[id][n]
	return a != nil && a.failed
}

func (w *runWatch) failedAttempts() []attemptKey {
	var keys []attemptKey
	for id, as := range w.attempts {
		for n, a := range as {
			if a.failed {
				keys = append(keys, attemptKey{id, n})
			}
		}
	}
	return keys
}

func (w *runWatch) allDone() bool {
	for _, r := range w.runs {
		if !r.Status.Done() {
			return false
		}
	}
	return len(w.runs) > 0
}

// fullRead is how many records a succeeded run of bot read in its last
// attempt: everything its portal shows.
func (w *runWatch) fullRead(bot string) int {
	for _, r := range w.runs {
		if r.Bot == bot && r.Status == orchestrator.RunSucceeded {
			return r.Records
		}
	}
	return -1
}

// interrupted lists the attempts f broke.
func (w *runWatch) interrupted(f *fault, all []*fault) []attemptKey {
	var keys []attemptKey
	if f.direct {
		for id, n := range f.snap {
			if w.failed(id, n) {
				keys = append(keys, attemptKey{id, n})
			}
		}
		return keys
	}
	hitDirectly := map[attemptKey]bool{}
	for _, g := range all {
		for id, n := range g.snap {
			hitDirectly[attemptKey{id, n}] = g.direct
		}
	}
	for _, k := range w.failedAttempts() {
		a := w.attempts[k.run][k.n]
		if !hitDirectly[k] && !a.ended.Before(f.at) && !a.ended.After(f.settled) {
			keys = append(keys, k)
		}
	}
	return keys
}

// staleConnWindow is how long after a restarted service answers again a
// connection the restart broke can still fail an operation. database/sql
// with pgx's driver pings a connection before reuse only when it sat idle
// over a second, so a connection last used just before the fault fails the
// first statement sent on it within that second (PostgreSQL's 57P01,
// "terminating connection due to administrator command"), even after the
// run it serves has written progress on a fresh connection. (The store
// pings the rest once one has failed so: one such failure per process.)
const staleConnWindow = 3 * time.Second

// serviceFault restarts a service while runs are in progress on the live
// workers. It returns once serve is ready again, every attempt the restart
// caught has failed or gone on, a worker has taken a task from the queue
// since, and staleConnWindow has passed.
func (w *runWatch) serviceFault(name, serveAddr string, restart func(*testing.T) time.Duration) *fault {
	w.t.Helper()
	snap := map[string]int{}
	w.until(2*time.Minute, "a run in progress before the "+name, func() bool {
		clear(snap)
		progress := false
		for _, wk := range w.workers {
			if r, ok := w.runningOn(wk.name); ok && !wk.killed {
				snap[r.ID] = r.Attempts
				progress = progress || r.Records > 0
			}
		}
		return progress
	})
	f := &fault{name: name, at: time.Now(), snap: snap}
	f.outage = restart(w.t)
	f.back = time.Now()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get("http://" + serveAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(f.back) > time.Minute {
			w.t.Fatalf("serve not ready a minute after the %s", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.ready = time.Since(f.at)
	base := map[string]int{} // records at the first reading after the restart
	w.until(3*time.Minute, "the runs the "+name+" caught to fail or go on, and a task to be taken", func() bool {
		for id, n := range snap {
			r := w.runs[id]
			if _, ok := base[id]; !ok {
				base[id] = r.Records
			}
			ended := !w.attempts[id][n].ended.IsZero()
			if !ended && (r.Attempts != n || r.Records <= base[id]) {
				return false
			}
		}
		return !w.firstAttemptAfter(f.back).IsZero() && time.Since(f.back) > staleConnWindow
	})
	f.settled = time.Now()
	w.t.Logf("%s: down %s, serve ready after %s", name, f.outage.Round(10*time.Millisecond), f.ready.Round(10*time.Millisecond))
	return f
}

// firstAttemptAfter is when the first attempt that started after t was
// seen, or zero.
func (w *runWatch) firstAttemptAfter(t time.Time) time.Time {
	var first time.Time
	for _, as := range w.attempts {
		for _, a := range as {
			if a.seen.After(t) && (first.IsZero() || a.seen.Before(first)) {
				first = a.seen
			}
		}
	}
	return first
}

// report prints how long each fault took to recover from, in the test log
// and on stdout so that `make test` shows the figures.
func (w *runWatch) report(faults []*fault, backlogAt time.Time, backlogDone time.Duration, finished map[string]int, portals int) {
	var lines []string
	out := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	attempts := 0
	for _, r := range w.runs {
		attempts += r.Attempts
	}
	out("scale: %d workers, a scheduler and serve on one Redis and PostgreSQL: %d runs (%d attempts) over %d portals done in %s",
		len(w.workers), len(w.runs), attempts, portals, backlogDone.Round(time.Second))
	var dist []string
	for _, wk := range w.workers {
		state := ""
		if wk.killed {
			state = " (killed)"
		}
		dist = append(dist, fmt.Sprintf("%s%s %d/%d", wk.label, state, w.attemptsBy(wk.name), finished[wk.name]))
	}
	out("scale: attempts/runs finished per worker: %s", strings.Join(dist, ", "))
	round := func(d time.Duration) time.Duration {
		if d >= 10*time.Second {
			return d.Round(time.Second)
		}
		return d.Round(10 * time.Millisecond)
	}
	for _, f := range faults {
		line := fmt.Sprintf("scale: %-18s at +%-4s", f.name, f.at.Sub(backlogAt).Round(time.Second))
		if f.outage > 0 {
			line += fmt.Sprintf(" down %s, serve ready after %s;", round(f.outage), round(f.ready))
		}
		hit := w.interrupted(f, faults)
		line += fmt.Sprintf(" %d of %d runs in progress interrupted", len(hit), len(f.snap))
		if len(hit) > 0 {
			var retried, recovered time.Time
			for _, k := range hit {
				if b := w.attempts[k.run][k.n+1]; b != nil && (retried.IsZero() || b.seen.Before(retried)) {
					retried = b.seen
				}
				if r := w.runs[k.run]; r.FinishedAt.After(recovered) {
					recovered = r.FinishedAt
				}
			}
			line += fmt.Sprintf(", retried after %s, recovered in %s", round(retried.Sub(f.at)), round(recovered.Sub(f.at)))
		}
		if !f.back.IsZero() {
			line += fmt.Sprintf("; next task taken %s after", round(w.firstAttemptAfter(f.back).Sub(f.at)))
		}
		if f.note != "" {
			line += "; " + f.note
		}
		out("%s", line)
	}
	for _, l := range lines {
		w.t.Log(l)
		fmt.Println(l)
	}
	// go test shows a passing test's output only with -v, so `make test`
	// has the figures written to a file it prints at the end.
	if path := os.Getenv("DOCKET_TEST_SCALE_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			w.t.Errorf("scale report: %v", err)
		}
	}
}
