package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
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
	// The coding-holds flow reads the worklist at its largest page size
	// (100), all 90 accounts at once; the faults below need runs that
	// report progress page by page, so the pack runs here from packs_dir
	// at the portal's default page size of 25.
	packsDir := filepath.Join(dir, "packs")
	copyPackAt(t, "../../bots/packs/coding-worklist", filepath.Join(packsDir, "coding-worklist"), "largest: 100", "largest: 25")
	fmt.Fprintf(&conf, "database_url: %q\nredis_url: %q\nevidence_url: %q\nledger_key_file: %q\npacks_dir: %q\nlog_level: info\nworker: {concurrency: 1}\npoliteness: {sessions: 64, requests_per_second: 100000}\nportals:\n",
		pg.URL, rs.URL, "file://"+filepath.Join(dir, "evidence"), filepath.Join(dir, "ledger.key"), packsDir)
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
	backlogAt := time.Now()
	var backlog []orchestrator.Bot
	for _, d := range defs {
		if d.schedule != "" {
			continue
		}
		b, err := st.Bot(ctx, d.name)
		mustf(t, err, "bot %s", d.name)
		backlog = append(backlog, b)
	}
	enqueueNow(t, st, rdb, backlog...)
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
