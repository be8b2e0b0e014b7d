package tasks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
)

// TestBadAccountNumbersAreQuarantined runs the coding-holds bot in real
// Chromium against the portal simulator serving 60 accounts, one with a
// 1 MB account number and one with a CR/LF and U+202E in it: the run
// succeeds, the 58 others are work items, and each bad record is one
// exception item (an excerpt, its length and hash, a task for a person)
// that never holds the bad value whole, on SQLite and PostgreSQL.
func TestBadAccountNumbersAreQuarantined(t *testing.T) {
	huge := strings.Repeat("1", 1<<20)
	ctrl := "100\r\n4\u202e217"
	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: 7, Accounts: 60, PageSize: 25,
		TOTPSecret: portalsim.NewTOTPSecret(7), BadNumbers: []string{huge, ctrl}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal)
	t.Cleanup(srv.Close)
	user, pass := portal.Credentials()
	target := bots.Target{Portal: "coding-worklist", BaseURL: srv.URL, Username: user, Password: pass, TOTPSecret: portal.TOTPSecret()}
	ps, err := flow.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The coding-holds flow, at the portal's own page size.
	impl, err := flow.New(flow.Config{Pack: ps["coding-worklist"], Flow: "coding-holds", Backoff: 5 * time.Millisecond, PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	pool := startChromium(t)

	stores := map[string]func(t *testing.T) *sqlstore.Store{
		"sqlite": func(t *testing.T) *sqlstore.Store {
			return openStore(t, sqlstore.Config{URL: filepath.Join(t.TempDir(), "docket.db")})
		},
		"postgres": func(t *testing.T) *sqlstore.Store {
			b := make([]byte, 6)
			_, _ = rand.Read(b)
			return openStore(t, sqlstore.Config{URL: postgresURLForTest(), Schema: "docket_test_" + hex.EncodeToString(b)})
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			st := open(t)
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
			bot := orchestrator.Bot{Name: "coding-holds", Kind: impl.Kind(), Portal: "coding-worklist", MaxRetry: 0, Timeout: time.Minute, Enabled: true}
			runner, err := NewRunner(RunnerConfig{
				Store: st, Evidence: ev, Sessions: pool, Metrics: m, Intake: wf.Intake,
				Bots: map[string]orchestrator.Bot{bot.Name: bot}, Impls: map[string]bots.Bot{impl.Kind(): impl},
				Targets: map[string]bots.Target{"coding-worklist": target}, Worker: "test",
			})
			if err != nil {
				t.Fatal(err)
			}
			payload := fmt.Sprintf(`{"bot":%q,"run_id":"holds@%s","slot":"manual"}`, bot.Name, name)
			if err := runner.HandleBotRun(ctx, asynq.NewTask(TypeBotRun, []byte(payload))); err != nil {
				t.Fatalf("run failed: %.300v", err)
			}
			items, err := st.Items(ctx, orchestrator.ItemFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			bad := map[string]string{orchestrator.QuarantineKey(huge): huge, orchestrator.QuarantineKey(ctrl): ctrl}
			good := 0
			for _, it := range items {
				if len(it.ExternalID) > orchestrator.ExternalIDMaxLen || len(it.Data) > 8<<10 && strings.Contains(string(it.Data), huge[:4096]) {
					t.Fatalf("item %d holds the bad value whole", it.ID)
				}
				orig, isBad := bad[it.ExternalID]
				if !isBad {
					good++
					continue
				}
				var rec orchestrator.QuarantinedRecord
				if err := json.Unmarshal(it.Data, &rec); err != nil {
					t.Fatal(err)
				}
				if rec.ExternalIDBytes != len(orig) || len(rec.ExternalIDSHA256) != 64 || rec.Problem == "" ||
					strings.ContainsAny(rec.ExternalIDExcerpt, "\r\n\u202e") || len(it.Problems()) != 1 {
					t.Fatalf("exception item %+v: %+v", it, rec)
				}
				tasks, err := st.Tasks(ctx, orchestrator.TaskFilter{ItemID: it.ID})
				if err != nil || len(tasks) != 1 || tasks[0].Reason != orchestrator.ReasonInvalidRecord || !tasks[0].Status.Open() {
					t.Fatalf("tasks of exception item %d: %+v, %v", it.ID, tasks, err)
				}
				delete(bad, it.ExternalID)
			}
			if good != 58 || len(bad) != 0 {
				t.Fatalf("%d items from good records (want 58), exception items missing: %d", good, len(bad))
			}
		})
	}
}

func openStore(t *testing.T, cfg sqlstore.Config) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenAndMigrate(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.URL, err)
	}
	t.Cleanup(func() {
		_ = st.Close()
		if cfg.Schema == "" {
			return
		}
		conn, err := pgx.Connect(ctx, cfg.URL)
		if err != nil {
			t.Errorf("drop schema %s: %v", cfg.Schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+cfg.Schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", cfg.Schema, err)
		}
	})
	return st
}

// postgresURLForTest is the real PostgreSQL the suite uses.
func postgresURLForTest() string {
	if u := os.Getenv("DOCKET_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}
