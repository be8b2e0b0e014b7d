package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// The inbox benchmarks run against 1,000,000 work items and 100,000 open
// human tasks (plus 50,000 completed ones) on each backend. The dataset
// is built once with set-based inserts and kept between runs: SQLite in
// a file under the system temp directory, PostgreSQL in its own schema.
// Bump benchDataset when the layout changes and the cache rebuilds.
const (
	benchDataset   = "v4"
	benchItems     = 1_000_000
	benchOpenTasks = 100_000
	benchDoneTasks = 50_000
	benchUsers     = 20
)

var benchQueues = []string{orchestrator.QueueCoding, orchestrator.QueueCDI, orchestrator.QueueBilling,
	orchestrator.QueueRevenueIntegrity, orchestrator.QueueAutomation}

// benchStores caches one loaded store per backend for the process: a
// benchmark run is one process, and loading takes tens of seconds.
type benchStores struct {
	mu     sync.Mutex
	stores map[string]*Store
}

func (c *benchStores) get(b *testing.B, backend string) *Store {
	b.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stores[backend]; ok {
		return s
	}
	s, err := openBenchStore(backend)
	if err != nil {
		b.Fatal(err)
	}
	if c.stores == nil {
		c.stores = map[string]*Store{}
	}
	c.stores[backend] = s
	return s
}

func openBenchStore(backend string) (*Store, error) {
	ctx := context.Background()
	cfg := Config{URL: filepath.Join(os.TempDir(), "docket-bench-"+benchDataset, "inbox.db"), MaxOpenConns: 4}
	if backend == "postgres" {
		cfg = Config{URL: postgresURL(), Schema: "docket_bench_" + benchDataset, MaxOpenConns: 4}
	} else if err := os.MkdirAll(filepath.Dir(cfg.URL), 0o750); err != nil {
		return nil, err
	}
	s, err := OpenAndMigrate(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench %s: %w (PostgreSQL must be running)", backend, err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM human_tasks`).Scan(&n); err != nil {
		return nil, err
	}
	if n == benchOpenTasks+benchDoneTasks {
		return s, nil
	}
	start := time.Now()
	if err := loadBenchData(ctx, s); err != nil {
		return nil, fmt.Errorf("bench %s: load: %w", backend, err)
	}
	fmt.Fprintf(os.Stderr, "bench %s: loaded %d items and %d tasks in %s\n", backend, benchItems, benchOpenTasks+benchDoneTasks, time.Since(start).Round(time.Second))
	return s, nil
}

// loadBenchData fills an empty schema with generated rows, in SQL.
func loadBenchData(ctx context.Context, s *Store) error {
	for _, stmt := range []string{`DELETE FROM human_tasks`, `DELETE FROM work_items`} {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	var stmts []string
	if s.d.name == "postgres" {
		stmts = []string{
			fmt.Sprintf(`INSERT INTO work_items (id, queue, portal, external_id, kind, status, data, data_hash,
				first_run_id, last_run_id, created_at, updated_at, priority, priority_rank, due_at)
			SELECT i, (ARRAY['coding','cdi','billing','revenue_integrity','automation'])[1 + i %% 5], 'coding-worklist',
				'A' || lpad(i::text, 7, '0'), 'coding_hold',
				(ARRAY['new','in_progress','successful','successful','successful','successful','failed','abandoned','new','successful'])[1 + i %% 10],
				'{"account_number":"A' || lpad(i::text, 7, '0') || '","days_since_discharge":' || (i %% 30) || '}', md5(i::text),
				'bench@1', 'bench@1', timestamptz '2026-10-01' + (i %% 60) * interval '1 day', timestamptz '2026-11-01',
				(ARRAY['low','normal','high','critical'])[1 + i %% 4], 1 + i %% 4,
				CASE WHEN i %% 3 = 0 THEN timestamptz '2026-12-01' + (i %% 90) * interval '1 day' END
			FROM generate_series(1, %d) AS i`, benchItems),
			`SELECT setval(pg_get_serial_sequence('work_items', 'id'), (SELECT max(id) FROM work_items))`,
			fmt.Sprintf(`INSERT INTO human_tasks (item_id, queue, reason, status, assignee, created_at, due_at, updated_at,
				priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state)
			SELECT i * 7, (ARRAY['coding','cdi','billing','revenue_integrity','automation'])[1 + (i * 7) %% 5],
				CASE WHEN i <= %[1]d THEN 'rule-' || (i %% 4) ELSE 'done-' || (i %% 4) END,
				CASE WHEN i > %[1]d THEN 'completed' WHEN i %% 3 = 0 THEN 'unassigned' WHEN i %% 3 = 1 THEN 'assigned' ELSE 'escalated' END,
				CASE WHEN i %% 3 = 0 THEN '' ELSE 'user' || (i %% %[3]d) END,
				timestamptz '2026-11-01', timestamptz '2026-12-01' + (i %% 40) * interval '1 day', timestamptz '2026-11-01',
				(ARRAY['low','normal','high','critical'])[1 + i %% 4], 1 + i %% 4,
				'coding-worklist/A' || lpad((i * 7)::text, 7, '0'), 'A' || lpad((i * 7)::text, 7, '0'), md5((i * 7)::text), 'bench',
				timestamptz '2026-11-01', timestamptz '2026-11-30' + (i %% 40) * interval '1 day',
				(ARRAY['on_track','on_track','at_risk','breached'])[1 + i %% 4]
			FROM generate_series(1, %[2]d) AS i`, benchOpenTasks, benchOpenTasks+benchDoneTasks, benchUsers),
			`ANALYZE`,
		}
	} else {
		stmts = []string{
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO work_items (id, queue, portal, external_id, kind, status, data, data_hash,
				first_run_id, last_run_id, created_at, updated_at, priority, priority_rank, due_at)
			SELECT i, CASE i %% 5 WHEN 0 THEN 'coding' WHEN 1 THEN 'cdi' WHEN 2 THEN 'billing' WHEN 3 THEN 'revenue_integrity' ELSE 'automation' END,
				'coding-worklist', printf('A%%07d', i), 'coding_hold',
				CASE i %% 10 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 6 THEN 'failed' WHEN 7 THEN 'abandoned' WHEN 8 THEN 'new' ELSE 'successful' END,
				printf('{"account_number":"A%%07d","days_since_discharge":%%d}', i, i %% 30), printf('%%064d', i),
				'bench@1', 'bench@1', printf('2026-10-%%02dT00:00:00.000000Z', 1 + i %% 28), '2026-11-01T00:00:00.000000Z',
				CASE i %% 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'critical' END, 1 + i %% 4,
				CASE WHEN i %% 3 = 0 THEN printf('2027-01-%%02dT00:00:00.000000Z', 1 + i %% 28) END
			FROM n`, benchItems),
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[2]d)
			INSERT INTO human_tasks (item_id, queue, reason, status, assignee, created_at, due_at, updated_at,
				priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state)
			SELECT i * 7, CASE (i * 7) %% 5 WHEN 0 THEN 'coding' WHEN 1 THEN 'cdi' WHEN 2 THEN 'billing' WHEN 3 THEN 'revenue_integrity' ELSE 'automation' END,
				CASE WHEN i <= %[1]d THEN 'rule-' || (i %% 4) ELSE 'done-' || (i %% 4) END,
				CASE WHEN i > %[1]d THEN 'completed' WHEN i %% 3 = 0 THEN 'unassigned' WHEN i %% 3 = 1 THEN 'assigned' ELSE 'escalated' END,
				CASE WHEN i %% 3 = 0 THEN '' ELSE 'user' || (i %% %[3]d) END,
				'2026-11-01T00:00:00.000000Z', printf('2026-12-%%02dT00:00:00.000000Z', 1 + i %% 28), '2026-11-01T00:00:00.000000Z',
				CASE i %% 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'critical' END, 1 + i %% 4,
				printf('coding-worklist/A%%07d', i * 7), printf('A%%07d', i * 7), printf('%%064d', i * 7), 'bench',
				'2026-11-01T00:00:00.000000Z', printf('2026-11-%%02dT00:00:00.000000Z', 1 + i %% 28),
				CASE i %% 4 WHEN 2 THEN 'at_risk' WHEN 3 THEN 'breached' ELSE 'on_track' END
			FROM n`, benchOpenTasks, benchOpenTasks+benchDoneTasks, benchUsers),
			`ANALYZE`,
		}
	}
	for _, stmt := range stmts {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%.60s…: %w", stmt, err)
		}
	}
	return nil
}

// measure runs op b.N times and reports the 95th percentile latency.
func measure(b *testing.B, op func() (int, error)) {
	b.Helper()
	durations := make([]time.Duration, 0, b.N)
	rows := 0
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		n, err := op()
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	p95 := durations[(len(durations)*95)/100]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkInbox measures the inbox's list and filter queries.
func BenchmarkInbox(b *testing.B) {
	var cache benchStores
	b.Cleanup(func() {
		for _, s := range cache.stores {
			_ = s.Close()
		}
	})
	cases := []struct {
		name string
		task *orchestrator.TaskFilter
		item *orchestrator.ItemFilter
	}{
		{"tasks/queue-open-by-priority", &orchestrator.TaskFilter{Queue: orchestrator.QueueCDI, Open: true, Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/queue-open-by-priority-page-20", &orchestrator.TaskFilter{Queue: orchestrator.QueueBilling, Open: true, Sort: orchestrator.TaskSortPriority, Limit: 50, Offset: 1000}, nil},
		{"tasks/all-open-by-due", &orchestrator.TaskFilter{Open: true, Sort: orchestrator.TaskSortDue, Limit: 50}, nil},
		{"tasks/assignee-open", &orchestrator.TaskFilter{Assignee: "user7", Open: true, Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/queue-breached", &orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Open: true, SLAState: orchestrator.SLABreached, Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/queue-status-priority", &orchestrator.TaskFilter{Queue: orchestrator.QueueCDI, Status: orchestrator.TaskUnassigned, Priority: orchestrator.PriorityCritical, Limit: 50}, nil},
		{"tasks/search-key-in-queue", &orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Open: true, Search: "A00123", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/search-key-all", &orchestrator.TaskFilter{Open: true, Search: "A0012", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/search-short-prefix", &orchestrator.TaskFilter{Open: true, Search: "A", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/search-hostile", &orchestrator.TaskFilter{Open: true, Search: `%'; DROP TABLE human_tasks; -- _東京`, Limit: 50}, nil},
		{"tasks/item", &orchestrator.TaskFilter{ItemID: 7 * 4242}, nil},
		{"items/queue-status", nil, &orchestrator.ItemFilter{Queue: orchestrator.QueueCoding, Status: orchestrator.ItemNew, Limit: 50}},
		{"items/queue-status-keyset", nil, &orchestrator.ItemFilter{Queue: orchestrator.QueueCoding, Status: orchestrator.ItemNew, AfterID: 900_000, Limit: 50}},
		{"items/search-prefix", nil, &orchestrator.ItemFilter{Search: "A09999", Limit: 50}},
		{"items/search-prefix-10k-matches", nil, &orchestrator.ItemFilter{Search: "A09", Limit: 50}},
		{"items/search-prefix-all", nil, &orchestrator.ItemFilter{Search: "A", Limit: 50}},
		{"items/search-hostile", nil, &orchestrator.ItemFilter{Search: `A%'; --東京`, Limit: 50}},
		{"items/failed", nil, &orchestrator.ItemFilter{Status: orchestrator.ItemFailed, Limit: 50}},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, c := range cases {
			b.Run(backend+"/"+c.name, func(b *testing.B) {
				s := cache.get(b, backend)
				ctx := context.Background()
				measure(b, func() (int, error) {
					if c.task != nil {
						ts, err := s.Tasks(ctx, *c.task)
						return len(ts), err
					}
					its, err := s.Items(ctx, *c.item)
					return len(its), err
				})
			})
		}
	}
}

// BenchmarkBulkUpsert measures BulkUpsertItems with batches of 1,000 new
// items into a fresh store; items/s is the figure that matters.
func BenchmarkBulkUpsert(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			var s *Store
			if backend == "postgres" {
				schema := fmt.Sprintf("docket_bench_bulk_%d", time.Now().UnixNano())
				st, err := OpenAndMigrate(ctx, Config{URL: postgresURL(), Schema: schema, MaxOpenConns: 4})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() {
					_, _ = st.db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
					_ = st.Close()
				})
				s = st
			} else {
				st, err := OpenAndMigrate(ctx, Config{URL: filepath.Join(b.TempDir(), "bulk.db")})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = st.Close() })
				s = st
			}
			const batch = 1000
			at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for n := range b.N {
				b.StopTimer()
				us := make([]orchestrator.ItemUpsert, batch)
				for i := range us {
					id := fmt.Sprintf("B%04d%05d", n, i)
					u, err := orchestrator.NewItemUpsert(fmt.Sprintf("bulk@%d", n), at, orchestrator.Observation{
						Portal: "coding-worklist", ExternalID: id, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding,
						Data: orchestrator.CodingHold{AccountNumber: id, PatientClass: "IP", DaysSinceDischarge: i % 30, CodingStatus: "not_coded"},
					})
					if err != nil {
						b.Fatal(err)
					}
					us[i] = u
				}
				b.StartTimer()
				if _, err := s.BulkUpsertItems(ctx, us); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
