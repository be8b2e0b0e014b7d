package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// The scale test's backlog, sized for a 2-core machine: every manual bot
// reads its own portal key (so its work items are its own) from one
// `docket portal`, and one bot runs every minute from the scheduler. A
// coding-holds run takes about 12 s here.
const (
	scaleCodingBots = 7 // coding-holds runs enqueued at once
	scaleClaimsBots = 2 // claim-scrubber runs enqueued at once
	scaleAccounts   = 90
	scaleClaims     = 24
	scaleLatency    = 40 * time.Millisecond
	scaleWorkers    = 3
)

// TestScaleAndFaults runs three `docket worker` processes, a scheduler and
// `docket serve` on one Redis and one PostgreSQL (private to the test, so
// they can be restarted) through a backlog of bot runs against the demo
// portals while it (a) kills a worker with SIGKILL, (b) restarts Redis,
// (c) restarts PostgreSQL and (d) kills a worker's Chromium, each while
// runs are in progress. Every work item must exist exactly once with one
// history entry, every run must succeed (interrupted ones on a later
// attempt), every failed attempt must be one a fault broke, runs must
// spread over the workers, every attempt's end must be in the audit log,
// and no Chromium may be left behind. How long each fault took to recover
// from is printed.
//
// DOCKET_TEST_SCALE_LOGS=DIR keeps every process's log in DIR;
// DOCKET_TEST_SCALE_REPORT=FILE writes the figures to FILE.
func TestScaleAndFaults(t *testing.T) {
	began := time.Now()
	bin := buildDocketBinary(t)
	rs := startRedis(t)
	pg := startPostgres(t)
	t.Logf("private Redis at %s and PostgreSQL at %s", rs.URL, pg.URL)
	dir := t.TempDir()

	portal := startProc(t, "portal", bin, "portal", "--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0",
		"--demo-accounts", strconv.Itoa(scaleAccounts), "--demo-claims", strconv.Itoa(scaleClaims),
		"--demo-latency", scaleLatency.String(), "--log-level", "warn")
	urls := portal.waitOutput(t, regexp.MustCompile(`coding-worklist at (\S+) [\s\S]*claim-scrubber at (\S+) `), 60*time.Second)

	// One portal key per bot, all on the same demo portals.
	var defs []scaleBot
	for i := 1; i <= scaleCodingBots; i++ {
		defs = append(defs, scaleBot{fmt.Sprintf("holds-%d", i), "coding-holds", fmt.Sprintf("coding-%d", i), urls[1], "coder", ""})
	}
	for i := 1; i <= scaleClaimsBots; i++ {
		defs = append(defs, scaleBot{fmt.Sprintf("claims-%d", i), "claim-scrubber", fmt.Sprintf("claims-%d", i), urls[2], "biller", ""})
	}
	defs = append(defs, scaleBot{"holds-cron", "coding-holds", "coding-cron", urls[1], "coder", "* * * * *"})
	var conf strings.Builder
	fmt.Fprintf(&conf, "database_url: %q\nredis_url: %q\nevidence_url: %q\nlog_level: info\nworker: {concurrency: 1}\nportals:\n",
		pg.URL, rs.URL, "file://"+filepath.Join(dir, "evidence"))
	for _, d := range defs {
		fmt.Fprintf(&conf, "  %s: {url: %q, username: %s, password: demo-password}\n", d.portal, d.url, d.user)
	}
	conf.WriteString("bots:\n")
	for _, d := range defs {
		fmt.Fprintf(&conf, "  - {name: %s, kind: %s, portal: %s, schedule: %q, max_retry: 8, timeout: 3m, retry_delay: 2s}\n",
			d.name, d.kind, d.portal, d.schedule)
	}
	cfgPath := filepath.Join(dir, "docket.yaml")
	mustf(t, os.WriteFile(cfgPath, []byte(conf.String()), 0o600), "write config")
	if out, err := exec.Command(bin, "migrate", "--config", cfgPath, "--data-dir", filepath.Join(dir, "migrate")).CombinedOutput(); err != nil {
		t.Fatalf("docket migrate: %v\n%s", err, out)
	}

	procs := []*proc{portal}
	start := func(name string, args ...string) *proc {
		p := startProc(t, name, bin, append(args, "--config", cfgPath, "--data-dir", filepath.Join(dir, name))...)
		procs = append(procs, p)
		return p
	}
	serve := start("serve", "serve", "--http-addr", "127.0.0.1:0")
	sched := start("scheduler", "scheduler", "--metrics-addr", "127.0.0.1:0")
	var workers []*scaleWorker
	for i := 1; i <= scaleWorkers; i++ {
		label := fmt.Sprintf("worker-%d", i)
		workers = append(workers, &scaleWorker{proc: start(label, "worker", "--metrics-addr", "127.0.0.1:0"),
			label: label, dataDir: filepath.Join(dir, label)})
	}
	if logDir := os.Getenv("DOCKET_TEST_SCALE_LOGS"); logDir != "" {
		t.Cleanup(func() {
			for _, p := range procs {
				_ = os.WriteFile(filepath.Join(logDir, p.name+".log"), []byte(p.stderr.String()), 0o644)
			}
		})
	}
	serveAddr := serve.waitOutput(t, regexp.MustCompile(`/metrics at http://(\S+)`), 60*time.Second)[1]
	sched.waitOutput(t, regexp.MustCompile(`metrics at http://\S+/metrics`), 60*time.Second)
	for _, w := range workers {
		w.name = w.waitOutput(t, regexp.MustCompile(`docket worker (\S+): metrics at`), 60*time.Second)[1]
		// Run records must tell the processes apart: the default name is host:pid.
		if !strings.HasSuffix(w.name, ":"+strconv.Itoa(w.cmd.Process.Pid)) {
			t.Fatalf("%s calls itself %q in run records; want host:%d", w.label, w.name, w.cmd.Process.Pid)
		}
	}

	// The backlog is enqueued the way `docket run` does it; the scheduler
	// adds holds-cron's slot at once and then every minute.
	ctx := context.Background()
	st := openTestStore(t, pg.URL)
	opt, err := redis.ParseURL(rs.URL)
	mustf(t, err, "redis url")
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	enq := tasks.NewEnqueuer(asynq.NewClientFromRedisClient(rdb), st, nil)
	backlogAt := time.Now()
	for _, d := range defs {
		if d.schedule != "" {
			continue
		}
		b, err := st.Bot(ctx, d.name)
		mustf(t, err, "bot %s", d.name)
		_, err = enq.EnqueueNow(ctx, b)
		mustf(t, err, "enqueue %s", d.name)
	}
	t.Logf("backlog enqueued %s after the test began", backlogAt.Sub(began).Round(100*time.Millisecond))
	w := &runWatch{t: t, st: st, workers: workers, attempts: map[string]map[int]*attemptSeen{}, runs: map[string]orchestrator.Run{}}
	var faults []*fault

	// (a) SIGKILL a worker in the middle of a run, once all three have
	// taken runs. Nothing replaces it: a survivor gets its run back once
	// asynq's lease has expired and a recovery sweep finds it.
	victim := workers[0]
	var killed orchestrator.Run
	w.until(2*time.Minute, "every worker to take runs and worker-1 to be in the middle of one", func() bool {
		r, ok := w.runningOn(victim.name)
		if !ok || len(w.workersSeen()) < scaleWorkers || r.Records < 5 || r.Records > scaleAccounts/2 {
			return false
		}
		killed = r
		return true
	})
	mustf(t, victim.cmd.Process.Signal(syscall.SIGKILL), "kill %s", victim.label)
	<-victim.exited
	victim.killed = true
	kill := &fault{name: "worker SIGKILL", at: time.Now(), snap: map[string]int{killed.ID: killed.Attempts}, direct: true}
	faults = append(faults, kill)
	waitNoChromium(t, victim.dataDir, 15*time.Second)
	kill.note = fmt.Sprintf("its chromium gone in %s", time.Since(kill.at).Round(10*time.Millisecond))
	t.Logf("killed %s (%s) during run %s at %d records; %s", victim.label, victim.name, killed.ID, killed.Records, kill.note)

	// (b) restart Redis (SHUTDOWN, then start again on the same port and
	// append-only file) and (c) PostgreSQL (fast shutdown: every
	// connection is dropped), each while runs are in progress.
	faults = append(faults, w.serviceFault("Redis restart", serveAddr, rs.restart))
	faults = append(faults, w.serviceFault("PostgreSQL restart", serveAddr, pg.restart))

	// (d) kill the browser process of a live worker's Chromium in the
	// middle of a run attempt that began after the earlier faults.
	after := faults[len(faults)-1].settled
	var (
		crashed  *scaleWorker
		crashRun orchestrator.Run
		browser  int
	)
	w.until(2*time.Minute, "a live worker in the middle of a fresh run attempt", func() bool {
		for _, wk := range workers {
			r, ok := w.runningOn(wk.name)
			if wk.killed || !ok || r.Records < 3 || w.attempts[r.ID][r.Attempts].seen.Before(after) {
				continue
			}
			if pid := chromiumBrowser(wk.dataDir); pid != 0 {
				crashed, crashRun, browser = wk, r, pid
				return true
			}
		}
		return false
	})
	relaunches := strings.Count(crashed.stderr.String(), `"chromium relaunched"`)
	mustf(t, syscall.Kill(browser, syscall.SIGKILL), "kill chromium %d", browser)
	crash := &fault{name: "chromium SIGKILL", at: time.Now(), snap: map[string]int{crashRun.ID: crashRun.Attempts}, direct: true}
	faults = append(faults, crash)
	t.Logf("killed chromium %d of %s during run %s at %d records", browser, crashed.label, crashRun.ID, crashRun.Records)
	w.until(2*time.Minute, crashed.label+" to relaunch chromium", func() bool {
		return strings.Count(crashed.stderr.String(), `"chromium relaunched"`) > relaunches
	})
	crash.note = fmt.Sprintf("%s relaunched chromium after %s", crashed.label, time.Since(crash.at).Round(10*time.Millisecond))

	// Every run ends, the killed worker's last; then the scheduler stops
	// and whatever it enqueued meanwhile ends too.
	w.until(4*time.Minute, "every run to end", w.allDone)
	sched.stop(t)
	w.until(2*time.Minute, "every run to end after the scheduler stopped", w.allDone)
	backlogDone := time.Since(backlogAt)

	// Every run succeeded, and the runs spread over the workers.
	var failed []string
	finished := map[string]int{}
	for _, r := range w.runs {
		if r.Status != orchestrator.RunSucceeded {
			failed = append(failed, fmt.Sprintf("%s %s after %d attempts: %s", r.ID, r.Status, r.Attempts, r.Error))
		}
		finished[r.Worker]++
	}
	if len(failed) > 0 {
		t.Errorf("runs that did not succeed:\n%s\nworker problems:\n%s", strings.Join(failed, "\n"), problemsOf(workers))
	}
	if live := finished[workers[1].name] * finished[workers[2].name]; live == 0 || len(w.workersSeen()) < scaleWorkers {
		t.Errorf("runs did not spread: attempts on %d workers, finished per worker %v", len(w.workersSeen()), finished)
	}
	// Every work item exactly once, with one history entry.
	for _, d := range defs {
		want := scaleAccounts
		if d.kind == "claim-scrubber" {
			want = w.fullRead(d.name) // a claim has several edits
		}
		items, history, dups := itemsOnce(t, st, d.portal)
		if items != want || history != want || dups != 0 {
			t.Errorf("portal %s: %d work items, %d history entries, %d duplicates; want %d, %d and 0", d.portal, items, history, dups, want, want)
		}
	}
	// Every interrupted run recovered on a later attempt, and no attempt
	// failed that a fault did not break.
	if r := w.runs[killed.ID]; r.Attempts <= killed.Attempts || r.Worker == victim.name {
		t.Errorf("no survivor took over the killed worker's run: %+v", r)
	}
	if !w.failed(crashRun.ID, crashRun.Attempts) {
		t.Errorf("killing chromium did not break run %s attempt %d", crashRun.ID, crashRun.Attempts)
	}
	explained := map[attemptKey]bool{}
	for _, f := range faults {
		for _, k := range w.interrupted(f, faults) {
			explained[k] = true
		}
	}
	for _, k := range w.failedAttempts() {
		if !explained[k] {
			t.Errorf("run %s attempt %d failed though no fault hit it; the workers logged:\n%s", k.run, k.n, attemptFailures(workers, k.run))
		}
	}

	// Stop everything: no Chromium may be left, nothing may have panicked,
	// and every process but the killed worker exits cleanly.
	for _, p := range procs {
		p.stop(t)
	}
	for _, wk := range workers {
		waitNoChromium(t, wk.dataDir, 15*time.Second)
	}
	for _, p := range procs {
		if p == victim.proc {
			continue
		}
		if p.err != nil {
			t.Errorf("%s exited with %v; stderr:\n%s", p.name, p.err, tail(p.stderr.String(), 3000))
		}
		if s := p.stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "fatal error") {
			t.Errorf("%s panicked:\n%s", p.name, tail(s, 4000))
		}
	}
	// Every attempt that ended is in the audit log, the ones a database
	// restart broke included (the killed worker's attempt never ended),
	// and the audit and evidence hash chains, appended to by three
	// workers at once, verify.
	audit, err := st.AuditLog(ctx, 0, 1000000)
	mustf(t, err, "audit log")
	ends := map[string]int{}
	for _, a := range audit {
		if id, ok := strings.CutPrefix(a.Actor, "run:"); ok && strings.HasPrefix(a.Action, "run.") {
			ends[id]++
		}
	}
	for id, r := range w.runs {
		want := r.Attempts
		if id == killed.ID {
			want--
		}
		if ends[id] != want {
			t.Errorf("run %s: %d attempt ends in the audit log, want %d", id, ends[id], want)
		}
	}
	if out, err := exec.Command(bin, "audit", "verify", "--config", cfgPath, "--data-dir", filepath.Join(dir, "audit")).CombinedOutput(); err != nil {
		t.Errorf("docket audit verify: %v\n%s", err, out)
	}
	ev, err := st.EvidenceChain(ctx, 0, 1000000)
	mustf(t, err, "evidence chain")
	if err := orchestrator.VerifyEvidenceChain(ev, ""); err != nil {
		t.Errorf("evidence chain: %v", err)
	}

	w.report(faults, backlogAt, backlogDone, finished, len(defs))
}

// scaleBot is a bot of the scale test and the portal key it reads.
type scaleBot struct{ name, kind, portal, url, user, schedule string }

type scaleWorker struct {
	*proc
	label   string // worker-N
	name    string // what it records in runs: host:pid
	dataDir string
	killed  bool
}

func problemsOf(workers []*scaleWorker) string {
	var b strings.Builder
	for _, w := range workers {
		fmt.Fprintf(&b, "--- %s (%s)\n%s\n", w.label, w.name, w.problems())
	}
	return b.String()
}

// attemptFailures is what the workers logged about failed attempts of run.
func attemptFailures(workers []*scaleWorker, run string) string {
	var out []string
	for _, w := range workers {
		for _, l := range strings.Split(w.stderr.String(), "\n") {
			var e struct {
				Msg   string `json:"msg"`
				RunID string `json:"run_id"`
				Error string `json:"error"`
			}
			if json.Unmarshal([]byte(l), &e) == nil && e.Msg == "run attempt failed" && e.RunID == run {
				out = append(out, w.label+": "+e.Error)
			}
		}
	}
	return strings.Join(out, "\n")
}

// itemsOnce counts a portal's work items, their history entries and items
// that share an external id.
func itemsOnce(t *testing.T, st orchestrator.Store, portal string) (items, history, dups int) {
	t.Helper()
	list, err := st.Items(context.Background(), orchestrator.ItemFilter{Portal: portal, Limit: 100000})
	mustf(t, err, "items of %s", portal)
	seen := map[string]bool{}
	for _, it := range list {
		if seen[it.ExternalID] {
			dups++
		}
		seen[it.ExternalID] = true
		h, err := st.History(context.Background(), it.ID)
		mustf(t, err, "history of %s/%s", portal, it.ExternalID)
		history += len(h)
	}
	return len(list), history, dups
}

// chromiumBrowser is the pid of the browser process (not a helper) of the
// Chromium running under dir, or 0.
func chromiumBrowser(dir string) int {
	isChromium := func(pid int) bool {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		return err == nil && strings.Contains(filepath.Base(exe), "chrom")
	}
	for _, pid := range chromiumUnder(dir) {
		if !isChromium(pid) {
			continue // the leakless guard names chromium in its arguments
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// After the command name come the state and the parent's pid.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); !isChromium(ppid) {
			return pid
		}
	}
	return 0
}

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

// serviceFault restarts a service while runs are in progress on the live
// workers. It returns once serve is ready again, every attempt the restart
// caught has failed or gone on, and a worker has taken a task from the
// queue since.
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
		return !w.firstAttemptAfter(f.back).IsZero()
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
