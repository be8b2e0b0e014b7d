package tasks

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/claimscrubber"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/selectors"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// TestBadClaimIDsAreQuarantined runs the claim-scrubber bot in real
// Chromium against the simulator serving 30 claims, one with a 1 MB claim
// id and one with a line feed and U+202E in it: the run succeeds without
// requesting their claim pages, every edit of the other claims is a work
// item, and each bad claim is one exception item with its task (its edits
// in the export are not observed again under the bad id).
func TestBadClaimIDsAreQuarantined(t *testing.T) {
	huge := strings.Repeat("7", 1<<20)
	ctrl := "CLM\n88\u202e21" // HTML reads CR LF as LF
	portal, err := portalsim.NewClaimScrubber(portalsim.ScrubberConfig{Seed: 5, Claims: 30, PageSize: 10,
		BadClaimIDs: []string{huge, ctrl}})
	if err != nil {
		t.Fatal(err)
	}
	var badFetches atomic.Int32 // requests for a bad claim's page
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/claims/") && (len(r.URL.Path) > 1<<10 || strings.Contains(r.URL.Path, "\u202e")) {
			badFetches.Add(1)
		}
		portal.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	user, pass := portal.Credentials()
	file, err := selectors.LoadVersion("claim-scrubber", "v1")
	if err != nil {
		t.Fatal(err)
	}
	impl, err := claimscrubber.New(claimscrubber.Config{Selectors: file, RetryDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pool := startChromium(t)
	st := openStore(t, sqlstore.Config{URL: filepath.Join(t.TempDir(), "docket.db")})
	ctx := context.Background()
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(t.TempDir(), "evidence")}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ev.Close() })
	m, err := monitoring.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	wf, err := NewWorkflow(WorkflowConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	bot := orchestrator.Bot{Name: "claim-scrubber", Kind: claimscrubber.Kind, Portal: "claim-scrubber", MaxRetry: 0, Timeout: 2 * time.Minute, Enabled: true}
	runner, err := NewRunner(RunnerConfig{
		Store: st, Evidence: ev, Sessions: pool, Metrics: m, Intake: wf.Intake,
		Bots: map[string]orchestrator.Bot{bot.Name: bot}, Impls: map[string]bots.Bot{claimscrubber.Kind: impl},
		Targets: map[string]bots.Target{"claim-scrubber": {Portal: "claim-scrubber", BaseURL: srv.URL, Username: user, Password: pass}},
		Worker:  "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.HandleBotRun(ctx, asynq.NewTask(TypeBotRun, []byte(`{"bot":"claim-scrubber","run_id":"claims@1","slot":"manual"}`))); err != nil {
		t.Fatalf("run failed: %.300v", err)
	}
	if run, err := st.Run(ctx, "claims@1"); err != nil || run.Status != orchestrator.RunSucceeded {
		t.Fatalf("run %+v %v", run, err)
	}
	if n := badFetches.Load(); n != 0 {
		t.Fatalf("the bad claims' pages were requested %d times", n)
	}
	want := map[string]bool{}
	for _, c := range portal.Claims() {
		if c.ID == huge || c.ID == ctrl {
			continue
		}
		for _, e := range c.Edits {
			want[e.ExternalID(c.ID)] = true
		}
	}
	items, err := st.Items(ctx, orchestrator.ItemFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{orchestrator.QuarantineKey(huge): huge, orchestrator.QuarantineKey(ctrl): ctrl}
	for _, it := range items {
		if len(it.ExternalID) > orchestrator.ExternalIDMaxLen || strings.Contains(string(it.Data), huge[:4096]) {
			t.Fatalf("item %d holds the bad value whole", it.ID)
		}
		orig, isBad := bad[it.ExternalID]
		if !isBad {
			if !want[it.ExternalID] {
				t.Fatalf("item %q is no edit of a good claim: %.300s", it.ExternalID, it.Data)
			}
			delete(want, it.ExternalID)
			continue
		}
		var rec orchestrator.QuarantinedRecord
		if err := json.Unmarshal(it.Data, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.ExternalIDBytes != len(orig) || strings.ContainsAny(rec.ExternalIDExcerpt, "\r\n\u202e") {
			t.Fatalf("exception item %+v: %+v", it, rec)
		}
		tasks, err := st.Tasks(ctx, orchestrator.TaskFilter{ItemID: it.ID})
		if err != nil || len(tasks) != 1 || tasks[0].Reason != orchestrator.ReasonInvalidRecord {
			t.Fatalf("tasks of exception item %d: %+v, %v", it.ID, tasks, err)
		}
		delete(bad, it.ExternalID)
	}
	if len(want) != 0 || len(bad) != 0 {
		t.Fatalf("%d edits of good claims not ingested, %d exception items missing (of %d items)", len(want), len(bad), len(items))
	}
	if len(items) < 20 {
		t.Fatalf("only %d items", len(items))
	}
}
