package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"
)

// The page benchmark: the inbox, My work and the task page as a person
// gets them, over HTTP with a session, from the real handlers on a store
// holding 100,000 open tasks (SQLite and PostgreSQL). The data is seeded
// through the store's own write paths (BulkUpsertItems for the items,
// CreateTask for the tasks, as intake opens them) once and kept between
// runs: SQLite in a file under the temp directory, PostgreSQL in its own
// schema. Bump pagesBenchDataset when the seed changes.
const (
	pagesBenchDataset = "v1"
	pagesBenchTasks   = 100_000
	pagesBenchMine    = 200 // open tasks assigned to the staff user
)

var pagesBenchQueues = []string{orchestrator.QueueCoding, orchestrator.QueueCDI, orchestrator.QueueBilling, orchestrator.QueueRevenueIntegrity, orchestrator.QueueAutomation}

// pagesBenchServer is a seeded store behind a running server, and a
// staff member's session cookie.
type pagesBenchServer struct {
	url    string
	cookie string
	taskID int64 // a task in the middle of the data
}

var pagesBench struct {
	mu      sync.Mutex
	servers map[string]*pagesBenchServer
}

func BenchmarkPages(b *testing.B) {
	pages := []struct{ name, path string }{
		{"my-work", "/work"},
		{"inbox", "/inbox"},
		{"inbox-queue-breached", "/inbox?queue=coding&sla=breached"},
		{"inbox-page-20", "/inbox?page=20"},
		{"inbox-payer", "/inbox?payer=Plan+07"},
		{"task", "/tasks/{id}"},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, pg := range pages {
			b.Run(backend+"/"+pg.name, func(b *testing.B) {
				srv := pagesBenchFor(b, backend)
				path := pg.path
				if path == "/tasks/{id}" {
					path = "/tasks/" + strconv.FormatInt(srv.taskID, 10)
				}
				req, err := http.NewRequest(http.MethodGet, srv.url+path, nil)
				if err != nil {
					b.Fatal(err)
				}
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: srv.cookie})
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				get := func() (int, error) {
					resp, err := client.Do(req)
					if err != nil {
						return 0, err
					}
					n, err := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						return 0, fmt.Errorf("GET %s: %s", path, resp.Status)
					}
					return int(n), err
				}
				if _, err := get(); err != nil { // warm: templates, connections
					b.Fatal(err)
				}
				durations := make([]time.Duration, 0, b.N)
				size := 0
				b.ResetTimer()
				for range b.N {
					start := time.Now()
					n, err := get()
					durations = append(durations, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					size = n
				}
				b.StopTimer()
				sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
				b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(durations[(len(durations)*95)/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(size), "bytes")
			})
		}
	}
}

// pagesBenchFor starts (once per process and backend) the server on the
// seeded store.
func pagesBenchFor(b *testing.B, backend string) *pagesBenchServer {
	b.Helper()
	pagesBench.mu.Lock()
	defer pagesBench.mu.Unlock()
	if s, ok := pagesBench.servers[backend]; ok {
		return s
	}
	ctx := context.Background()
	cfg := sqlstore.Config{URL: filepath.Join(os.TempDir(), "docket-pages-bench-"+pagesBenchDataset, "docket.db"), MaxOpenConns: 4}
	if backend == "postgres" {
		cfg = sqlstore.Config{URL: postgresURL(), Schema: "docket_pages_bench_" + pagesBenchDataset, MaxOpenConns: 4}
	} else if err := os.MkdirAll(filepath.Dir(cfg.URL), 0o750); err != nil {
		b.Fatal(err)
	}
	st, err := sqlstore.OpenAndMigrate(ctx, cfg)
	if err != nil {
		b.Fatalf("open the %s store (PostgreSQL must be running): %v", backend, err)
	}
	// The servers live for the process: benchmarks of both backends share
	// them, and the process ends with the run.
	open, err := st.CountTasks(ctx, orchestrator.TaskFilter{Open: true}, pagesBenchTasks+1)
	if err != nil {
		b.Fatal(err)
	}
	if open != pagesBenchTasks {
		// Absent or left half-seeded by an interrupted run: start afresh.
		_ = st.Close()
		if err := wipePagesBench(ctx, cfg, backend); err != nil {
			b.Fatal(err)
		}
		if st, err = sqlstore.OpenAndMigrate(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := seedPagesBench(ctx, st, cfg, backend); err != nil {
			b.Fatalf("seed %s: %v", backend, err)
		}
		fmt.Fprintf(os.Stderr, "pages bench %s: seeded %d open tasks in %s\n", backend, pagesBenchTasks, time.Since(start).Round(time.Second))
	}
	queues, err := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: queues, WriteBack: &fakeWriteBack{}})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := evidence.Open(ctx, evidence.Config{URL: "mem://"}, st)
	if err != nil {
		b.Fatal(err)
	}
	bot := orchestrator.Bot{Name: "coding-holds", Kind: "coding-holds", Portal: "coding-worklist", Schedule: "*/15 * * * *",
		Timezone: "UTC", MaxRetry: 3, Timeout: time.Minute, Enabled: true}
	srv, err := New(Config{Store: st, Users: st, Schedules: st, Tasks: svc, Evidence: ev, Runs: &fakeRuns{store: st},
		Throttle: st, Bots: map[string]orchestrator.Bot{bot.Name: bot}, Logger: zap.NewNop(), PasswordCost: bcrypt.MinCost})
	if err != nil {
		b.Fatal(err)
	}
	staffUser, err := st.UserByName(ctx, "staff")
	if err != nil {
		b.Fatal(err)
	}
	secret, err := newSecret()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateSession(ctx, orchestrator.Session{TokenHash: hashSecret(secret), UserID: staffUser.ID, CSRFToken: "bench",
		ExpiresAt: time.Now().Add(24 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	mid, err := st.Tasks(ctx, orchestrator.TaskFilter{Open: true, Sort: orchestrator.TaskSortOldest, Offset: pagesBenchTasks / 2, Limit: 1})
	if err != nil || len(mid) != 1 {
		b.Fatalf("a task in the middle: %d, %v", len(mid), err)
	}
	hs := httptest.NewServer(srv.Handler())
	s := &pagesBenchServer{url: hs.URL, cookie: secret, taskID: mid[0].ID}
	if pagesBench.servers == nil {
		pagesBench.servers = map[string]*pagesBenchServer{}
	}
	pagesBench.servers[backend] = s
	return s
}

// seedPagesBench writes into an empty store pagesBenchTasks coding holds (BulkUpsertItems, 1,000 a batch) and an
// open task for each (CreateTask, four writers): spread over the five team
// queues, every priority, due dates from three weeks ago to five weeks
// ahead (about a third breached), forty payers, pagesBenchMine of them
// assigned to the staff user and a third to other people.
func seedPagesBench(ctx context.Context, st *sqlstore.Store, cfg sqlstore.Config, backend string) error {
	if _, err := st.UserByName(ctx, "staff"); err != nil {
		hash, err := bcrypt.GenerateFromPassword([]byte("bench-staff"), bcrypt.MinCost)
		if err != nil {
			return err
		}
		if _, err := st.CreateUser(ctx, orchestrator.User{Name: "staff", Role: orchestrator.RoleStaff, PasswordHash: string(hash)}); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	const batch = 1000
	ids := make([]int64, 0, pagesBenchTasks)
	for n := 0; n < pagesBenchTasks; n += batch {
		us := make([]orchestrator.ItemUpsert, 0, batch)
		for i := n; i < n+batch && i < pagesBenchTasks; i++ {
			acct := fmt.Sprintf("B%07d", i)
			u, err := orchestrator.NewItemUpsert("bench@seed", now, orchestrator.Observation{
				Portal: "coding-worklist", ExternalID: acct, Kind: orchestrator.KindCodingHold, Queue: pagesBenchQueues[i%5],
				Data: orchestrator.CodingHold{AccountNumber: acct, PatientName: fmt.Sprintf("PATIENT, NUMBER %d", i), Facility: "Riverside Regional",
					PatientClass: "IP", DaysSinceDischarge: i % 30, PrimaryPayer: fmt.Sprintf("Plan %02d", i%40), TotalChargesCents: int64(i%997) * 12345,
					CodingStatus: "not_coded", HoldReasons: []orchestrator.HoldReason{{Code: "CODINC", Description: "Coding incomplete", OwnerRole: "Coding", AddedAt: "2026-11-20"}}},
			})
			if err != nil {
				return err
			}
			us = append(us, u)
		}
		res, err := st.BulkUpsertItems(ctx, us)
		if err != nil {
			return err
		}
		for _, r := range res {
			ids = append(ids, r.Item.ID)
		}
	}
	work := make(chan int)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				t := orchestrator.HumanTask{ItemID: ids[i], Queue: pagesBenchQueues[i%5], Reason: []string{"coding-incomplete", "query-aging", "ncci-edit", "qa-sample"}[i%4],
					Priority:  []orchestrator.Priority{orchestrator.PriorityLow, orchestrator.PriorityNormal, orchestrator.PriorityHigh, orchestrator.PriorityCritical}[i%4],
					CreatedAt: now.Add(-time.Duration(i%40) * 24 * time.Hour), DueAt: now.Add(time.Duration(i%56-21) * 24 * time.Hour),
					ItemRef: fmt.Sprintf("coding-worklist/B%07d", i), ItemKey: fmt.Sprintf("B%07d", i), Detail: "bench"}
				switch {
				case i < pagesBenchMine:
					t.Status, t.Assignee, t.AssignedAt = orchestrator.TaskAssigned, "staff", now
				case i%3 == 1:
					t.Status, t.Assignee, t.AssignedAt = orchestrator.TaskAssigned, fmt.Sprintf("user%d", i%20), now
				}
				if _, _, err := st.CreateTask(ctx, t); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range ids {
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	// Statistics for the planners, as autovacuum would gather soon after.
	db, err := sql.Open(benchDriver[backend], benchDSN(cfg, backend))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, table := range []string{"work_items", "human_tasks", "task_payers"} {
		if _, err := db.ExecContext(ctx, "ANALYZE "+table); err != nil {
			return err
		}
	}
	return nil
}

var benchDriver = map[string]string{"sqlite": "sqlite", "postgres": "pgx"} // read-only

// wipePagesBench removes the benchmark's SQLite file or PostgreSQL schema.
func wipePagesBench(ctx context.Context, cfg sqlstore.Config, backend string) error {
	if backend == "sqlite" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(cfg.URL + suffix); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		return nil
	}
	db, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+cfg.Schema+" CASCADE")
	return err
}

// benchDSN is the database/sql source of cfg for a second connection.
func benchDSN(cfg sqlstore.Config, backend string) string {
	if backend == "postgres" {
		return cfg.URL + "&search_path=" + cfg.Schema
	}
	return cfg.URL
}
