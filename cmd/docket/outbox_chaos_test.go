package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
)

// TestOutboxChaos resolves write-back tasks while the things between the
// database and the portal fail: `docket serve` (the outbox dispatcher) is
// killed with SIGKILL right after a resolution commits, the test's own
// redis-server is down while one commits and while serve tries to send it,
// or both. After each fault the
// processes come back; at the end every resolved write-back has acted on
// the portal exactly once (one note per account, counted at the portal
// simulator) and its run succeeded.
func TestOutboxChaos(t *testing.T) {
	const loops = 9
	began := time.Now()
	bin := buildDocketBinary(t)
	rs := startRedis(t)

	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: 13, Accounts: loops})
	mustf(t, err, "portal")
	site := httptest.NewServer(portal)
	defer site.Close()
	user, pass := portal.Credentials()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "docket.db")
	cfgPath := writeFile(t, "docket.yaml", fmt.Sprintf(`
database_url: %s
redis_url: %s
log_level: info
politeness: {sessions: 64, requests_per_second: 100000} # a local simulator, like the demo's portals
portals:
  coding-worklist: {url: %q, username: %q, password: %q}
bots:
  - {name: writeback, kind: writeback, portal: coding-worklist, max_retry: 3, timeout: 2m, retry_delay: 1s}
`, dbPath, rs.URL, site.URL, user, pass))

	serveRe := regexp.MustCompile(`/metrics at http://(\S+)`)
	startServe := func(n int) *proc {
		p := startProc(t, fmt.Sprintf("serve-%d", n), bin, "serve", "--config", cfgPath, "--http-addr", "127.0.0.1:0",
			"--data-dir", filepath.Join(dir, "serve"))
		p.waitOutput(t, serveRe, 60*time.Second)
		return p
	}
	serve := startServe(0)
	worker := startProc(t, "worker", bin, "worker", "--config", cfgPath, "--worker-name", "chaos-worker",
		"--data-dir", filepath.Join(dir, "worker"), "--metrics-addr", "127.0.0.1:0")

	// The people's side runs here, on the same database: items, tasks and
	// resolutions, as the inbox would write them.
	ctx := context.Background()
	st := openTestStore(t, dbPath)
	cal, err := orchestrator.NewCalendar(orchestrator.CalendarConfig{})
	mustf(t, err, "calendar")
	queues, err := orchestrator.NewQueues(cal, orchestrator.DefaultQueues()...)
	mustf(t, err, "queues")
	wb, err := tasks.NewWriteBacks(orchestrator.Bot{Name: tasks.BotWriteBack, Kind: "writeback", Portal: PortalCodingWorklist,
		MaxRetry: 3, Timeout: 2 * time.Minute, Enabled: true})
	mustf(t, err, "write-backs")
	svc, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: queues, WriteBack: wb})
	mustf(t, err, "task service")

	type resolved struct {
		account string
		task    orchestrator.HumanTask
	}
	var done []resolved
	unsentAtFault, refused := 0, 0
	for i, acct := range portal.Accounts() {
		u, err := orchestrator.NewItemUpsert("holds@chaos", time.Now(), orchestrator.Observation{Portal: PortalCodingWorklist,
			ExternalID: acct.Number, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding,
			Data: map[string]string{"account_number": acct.Number}})
		mustf(t, err, "observation")
		res, err := st.UpsertItem(ctx, u)
		mustf(t, err, "upsert")
		task, _, err := svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "chaos", Queue: orchestrator.QueueCoding}, "run:holds@chaos")
		mustf(t, err, "open task")
		resolve := func() {
			d, err := svc.Resolve(ctx, task.ID, 0, "coder.ann", orchestrator.Resolution{Outcome: "code_corrected"})
			mustf(t, err, "resolve task %d", task.ID)
			done = append(done, resolved{account: acct.Number, task: d})
		}
		unsent := func() {
			m, err := st.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+orchestrator.WriteBackRunID(task.ID))
			mustf(t, err, "outbox message")
			if m.SentAt.IsZero() {
				unsentAtFault++
			}
		}
		switch i % 3 {
		case 0: // serve dies between the commit and the enqueue
			resolve()
			_ = serve.cmd.Process.Kill()
			<-serve.exited
			unsent()
			serve = startServe(i + 1)
		case 1: // Redis is down when the resolution commits, and when serve tries to send it
			rs.stop(t)
			resolve()
			unsent()
			key := orchestrator.JobWriteBack + ":" + orchestrator.WriteBackRunID(task.ID)
			waitFor(t, 15*time.Second, "serve to try the job while Redis is down", func() bool {
				m, err := st.OutboxMessage(ctx, key)
				return err == nil && m.Attempts > 0 && m.LastError != ""
			})
			refused++
			rs.start(t)
		case 2: // both: Redis down, serve killed, then both back
			rs.stop(t)
			resolve()
			_ = serve.cmd.Process.Kill()
			<-serve.exited
			unsent()
			rs.start(t)
			serve = startServe(i + 1)
		}
	}
	if unsentAtFault == 0 {
		t.Fatal("no fault hit a resolution before its enqueue; the test proves nothing")
	}
	t.Logf("%d resolutions, %d of them still unsent when the fault hit, %d refused by a Redis that was down, %s",
		len(done), unsentAtFault, refused, time.Since(began).Round(100*time.Millisecond))

	// Everything drains: the outbox empties and every run ends.
	waitFor(t, 90*time.Second, "the outbox to drain and every write-back to end", func() bool {
		s, err := st.OutboxStats(ctx)
		if err != nil || s.Unsent != 0 {
			return false
		}
		for _, r := range done {
			run, err := st.Run(ctx, r.task.WriteBackRunID)
			if err != nil || !run.Status.Done() {
				return false
			}
		}
		return true
	})
	notes := map[string]int{}
	for _, a := range portal.Actions() {
		if a.Kind == portalsim.ActionAddNote && strings.HasPrefix(a.Value, "Docket task ") {
			notes[a.Account]++
		}
	}
	for _, r := range done {
		run, err := st.Run(ctx, r.task.WriteBackRunID)
		mustf(t, err, "run")
		if run.Status != orchestrator.RunSucceeded {
			t.Errorf("task %d: write-back %s %s: %s", r.task.ID, run.ID, run.Status, run.Error)
		}
		if n := notes[r.account]; n != 1 {
			t.Errorf("task %d: %d notes on its account, want exactly 1", r.task.ID, n)
		}
	}
	if t.Failed() {
		t.Logf("worker log:\n%s", tail(worker.stderr.String()+worker.stdout.String(), 6000))
	}
	t.Logf("chaos test took %s", time.Since(began).Round(100*time.Millisecond))
}
