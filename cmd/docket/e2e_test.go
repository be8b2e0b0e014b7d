package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/orchestrator/storetest"
	"github.com/redis/go-redis/v9"
)

func openTestStore(t *testing.T, url string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// itemsAndHistory counts a portal's work items and their history entries.
func itemsAndHistory(t *testing.T, st orchestrator.Store, portal string) (items, history int) {
	t.Helper()
	ctx := context.Background()
	list, err := st.Items(ctx, orchestrator.ItemFilter{Portal: portal, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range list {
		h, err := st.History(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		history += len(h)
	}
	return len(list), history
}

func TestDemoOnceTwiceIsIdempotent(t *testing.T) {
	dataDir := t.TempDir()
	args := []string{"demo", "--once", "--data-dir", dataDir, "--http-addr", "127.0.0.1:0",
		"--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "60", "--demo-claims", "12", "--log-level", "warn"}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	code, stdout, stderr := runMain(t, ctx, nil, args...)
	if code != exitOK {
		t.Fatalf("first demo --once: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	for _, want := range []string{"Docket demo is up", "coding-holds", "succeeded", "accounts 60", "all 2 bot runs succeeded"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("summary lacks %q:\n%s", want, stdout)
		}
	}
	st := openTestStore(t, filepath.Join(dataDir, "docket.db"))
	items1, history1 := itemsAndHistory(t, st, PortalCodingWorklist)
	// One "created" entry per account, plus a "reviewed" one for each the
	// demo routing's QA sample drew.
	if items1 != 60 || history1 < 60 || history1 > 70 {
		t.Fatalf("after first run: %d items, %d history entries; want 60 and 60 to 70", items1, history1)
	}

	code, stdout, stderr = runMain(t, ctx, nil, args...)
	if code != exitOK {
		t.Fatalf("second demo --once: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "unchanged 60") {
		t.Fatalf("second run should find every account unchanged:\n%s", stdout)
	}
	items2, history2 := itemsAndHistory(t, st, PortalCodingWorklist)
	if items2 != items1 || history2 != history1 {
		t.Fatalf("second run changed counts: items %d→%d, history %d→%d", items1, items2, history1, history2)
	}
	ev, err := st.EvidenceChain(context.Background(), 0, 100000)
	if err != nil || len(ev) == 0 {
		t.Fatalf("no evidence recorded: %v", err)
	}
	if err := orchestrator.VerifyEvidenceChain(ev, ""); err != nil {
		t.Fatalf("evidence chain: %v", err)
	}
}

// buildDocket compiles the binary once for the tests that run it as a
// separate process.
func buildDocket(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "docket")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// chromiumUnder lists pids of processes whose command line mentions dir
// (the browser profile lives under the worker's data dir).
func chromiumUnder(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir)) || !bytes.Contains(cmdline, []byte("chrom")) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if strings.Contains(string(stat), ") Z ") {
			continue // a zombie is reaped by its parent, not running
		}
		pids = append(pids, pid)
	}
	return pids
}

func waitNoChromium(t *testing.T, dir string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		pids := chromiumUnder(dir)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromium processes left under %s: %v", dir, pids)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKilledWorkerRunRecovers kills a worker with SIGKILL in the middle of
// a run and shows a second worker finishing it: every account exactly once,
// one history entry each, and no chromium left behind.
func TestKilledWorkerRunRecovers(t *testing.T) {
	const redisDB = 7
	const accounts = 150
	bin := buildDocket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Accounts: accounts, Latency: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal)
	defer srv.Close()

	redisURL := fmt.Sprintf("redis://127.0.0.1:6379/%d", redisDB)
	opt, _ := redis.ParseURL(redisURL)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("real Redis is required (make test starts it): %v", err)
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "docket.db")
	cfgPath := writeFile(t, "docket.yaml", fmt.Sprintf(`
database_url: %s
redis_url: %s
log_level: info
politeness: {sessions: 64, requests_per_second: 100000} # a local simulator, like the demo's portals
portals:
  coding-worklist: {url: %q, username: coder, password: demo-password}
bots:
  - {name: coding-holds, kind: coding-holds, portal: coding-worklist, max_retry: 3, timeout: 5m, retry_delay: 1s}
`, dbPath, redisURL, srv.URL))

	startWorker := func(name string) (*exec.Cmd, string, *bytes.Buffer) {
		dataDir := filepath.Join(dir, name)
		cmd := exec.Command(bin, "worker", "--config", cfgPath, "--worker-name", name,
			"--data-dir", dataDir, "--metrics-addr", "127.0.0.1:0")
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, dataDir, &logs
	}

	// The run is enqueued the way `docket run` does it.
	st := openTestStore(t, dbPath)
	a, dirA, logsA := startWorker("worker-a")
	waitFor(t, 60*time.Second, "worker-a to migrate the database", func() bool {
		_, err := st.Bot(ctx, "coding-holds")
		return err == nil
	})
	bot, _ := st.Bot(ctx, "coding-holds")
	run := enqueueNow(t, st, rdb, bot)[0]
	waitFor(t, 90*time.Second, "worker-a to read some accounts", func() bool {
		r, err := st.Run(ctx, run.ID)
		return err == nil && r.Records >= 10
	})
	if len(chromiumUnder(dirA)) == 0 {
		t.Fatalf("worker-a runs no chromium under %s; logs:\n%s", dirA, logsA)
	}
	if err := a.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.Wait()
	killedAt := time.Now()
	mid, _ := st.Run(ctx, run.ID)
	if mid.Status.Done() || mid.Records >= accounts {
		t.Fatalf("the kill came too late to interrupt the run: %+v", mid)
	}
	waitNoChromium(t, dirA, 10*time.Second)

	b, dirB, logsB := startWorker("worker-b")
	final := storetest.WaitRun(t, st, run.ID, 3*time.Minute)
	t.Logf("recovered %s after SIGKILL (asynq lease expiry and recovery sweep)", time.Since(killedAt).Round(time.Second))
	if final.Status != orchestrator.RunSucceeded || final.Attempts != 2 || final.Worker != "worker-b" {
		t.Fatalf("final run = %+v; worker-b logs:\n%s", final, logsB)
	}
	items, history := itemsAndHistory(t, st, PortalCodingWorklist)
	if items != accounts || history != accounts || final.Created != accounts {
		t.Fatalf("after recovery: %d items, %d history entries, %d created; want %d each", items, history, final.Created, accounts)
	}
	if err := b.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("worker-b exit after SIGTERM: %v\n%s", err, logsB)
	}
	waitNoChromium(t, dirB, 10*time.Second)
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
