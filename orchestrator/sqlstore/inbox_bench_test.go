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
	benchDataset   = "v5"
	benchItems     = 1_000_000
	benchOpenTasks = 100_000
	benchDoneTasks = 50_000
	benchUsers     = 20
)

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
	for _, stmt := range []string{`DELETE FROM task_payers`, `DELETE FROM human_tasks`, `DELETE FROM work_items`} {
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
				'{"account_number":"A' || lpad(i::text, 7, '0') || '","days_since_discharge":' || (i %% 30) || ',"primary_payer":"' || `+benchPayer("i")+` || '"}', md5(i::text),
				'bench@1', 'bench@1', timestamptz '2026-10-01' + (i %% 60) * interval '1 day', timestamptz '2026-11-01',
				(ARRAY['low','normal','high','critical'])[1 + i %% 4], 1 + i %% 4,
				CASE WHEN i %% 3 = 0 THEN timestamptz '2026-12-01' + (i %% 90) * interval '1 day' END
			FROM generate_series(1, %d) AS i`, benchItems),
			`SELECT setval(pg_get_serial_sequence('work_items', 'id'), (SELECT max(id) FROM work_items))`,
			fmt.Sprintf(`INSERT INTO human_tasks (item_id, queue, reason, status, assignee, created_at, due_at, updated_at,
				priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state, payer)
			SELECT i * 7, (ARRAY['coding','cdi','billing','revenue_integrity','automation'])[1 + (i * 7) %% 5],
				CASE WHEN i > %[1]d THEN 'done-' || (i %% 4) WHEN i %% 997 = 0 THEN 'rule-rare' ELSE 'rule-' || (i %% 4) END,
				CASE WHEN i > %[1]d THEN 'completed' WHEN i %% 3 = 0 THEN 'unassigned' WHEN i %% 3 = 1 THEN 'assigned' ELSE 'escalated' END,
				CASE WHEN i %% 3 = 0 THEN '' ELSE 'user' || (i %% %[3]d) END,
				timestamptz '2026-11-01' + (i %% 30) * interval '1 day', timestamptz '2026-12-01' + (i %% 40) * interval '1 day', timestamptz '2026-11-01',
				(ARRAY['low','normal','high','critical'])[1 + i %% 4], 1 + i %% 4,
				'coding-worklist/A' || lpad((i * 7)::text, 7, '0'), 'A' || lpad((i * 7)::text, 7, '0'), md5((i * 7)::text), 'bench',
				timestamptz '2026-11-01', timestamptz '2026-11-30' + (i %% 40) * interval '1 day',
				(ARRAY['on_track','on_track','at_risk','breached'])[1 + i %% 4], `+benchPayer("(i * 7)")+`
			FROM generate_series(1, %[2]d) AS i`, benchOpenTasks, benchOpenTasks+benchDoneTasks, benchUsers),
			`INSERT INTO task_payers (payer) SELECT DISTINCT payer FROM human_tasks`,
			// What autovacuum does soon after a bulk load: statistics, and the
			// visibility map that lets index-only scans skip the heap.
			`VACUUM ANALYZE`,
		}
	} else {
		stmts = []string{
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO work_items (id, queue, portal, external_id, kind, status, data, data_hash,
				first_run_id, last_run_id, created_at, updated_at, priority, priority_rank, due_at)
			SELECT i, CASE i %% 5 WHEN 0 THEN 'coding' WHEN 1 THEN 'cdi' WHEN 2 THEN 'billing' WHEN 3 THEN 'revenue_integrity' ELSE 'automation' END,
				'coding-worklist', printf('A%%07d', i), 'coding_hold',
				CASE i %% 10 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 6 THEN 'failed' WHEN 7 THEN 'abandoned' WHEN 8 THEN 'new' ELSE 'successful' END,
				printf('{"account_number":"A%%07d","days_since_discharge":%%d,"primary_payer":"%%s"}', i, i %% 30, `+benchPayer("i")+`), printf('%%064d', i),
				'bench@1', 'bench@1', printf('2026-10-%%02dT00:00:00.000000Z', 1 + i %% 28), '2026-11-01T00:00:00.000000Z',
				CASE i %% 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'critical' END, 1 + i %% 4,
				CASE WHEN i %% 3 = 0 THEN printf('2027-01-%%02dT00:00:00.000000Z', 1 + i %% 28) END
			FROM n`, benchItems),
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[2]d)
			INSERT INTO human_tasks (item_id, queue, reason, status, assignee, created_at, due_at, updated_at,
				priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state, payer)
			SELECT i * 7, CASE (i * 7) %% 5 WHEN 0 THEN 'coding' WHEN 1 THEN 'cdi' WHEN 2 THEN 'billing' WHEN 3 THEN 'revenue_integrity' ELSE 'automation' END,
				CASE WHEN i > %[1]d THEN 'done-' || (i %% 4) WHEN i %% 997 = 0 THEN 'rule-rare' ELSE 'rule-' || (i %% 4) END,
				CASE WHEN i > %[1]d THEN 'completed' WHEN i %% 3 = 0 THEN 'unassigned' WHEN i %% 3 = 1 THEN 'assigned' ELSE 'escalated' END,
				CASE WHEN i %% 3 = 0 THEN '' ELSE 'user' || (i %% %[3]d) END,
				printf('2026-11-%%02dT00:00:00.000000Z', 1 + i %% 28), printf('2026-12-%%02dT00:00:00.000000Z', 1 + i %% 28), '2026-11-01T00:00:00.000000Z',
				CASE i %% 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'critical' END, 1 + i %% 4,
				printf('coding-worklist/A%%07d', i * 7), printf('A%%07d', i * 7), printf('%%064d', i * 7), 'bench',
				'2026-11-01T00:00:00.000000Z', printf('2026-11-%%02dT00:00:00.000000Z', 1 + i %% 28),
				CASE i %% 4 WHEN 2 THEN 'at_risk' WHEN 3 THEN 'breached' ELSE 'on_track' END, `+benchPayer("(i * 7)")+`
			FROM n`, benchOpenTasks, benchOpenTasks+benchDoneTasks, benchUsers),
			`INSERT INTO task_payers (payer) SELECT DISTINCT payer FROM human_tasks`,
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

// benchPayer is the SQL for the payer of item x (both dialects; % doubled
// for fmt): a rare one, two Medicare plans, a unicode one, a quoted one and
// 37 commercial plans.
func benchPayer(x string) string {
	m := func(n int) string { return fmt.Sprintf("%s %%%% %d", x, n) }
	return `CASE WHEN ` + m(10007) + ` = 0 THEN 'Rare Mutual' WHEN ` + m(41) + ` = 0 THEN 'Medicare Part A'
		WHEN ` + m(41) + ` = 1 THEN 'Medicare Advantage' WHEN ` + m(41) + ` = 2 THEN 'Ünïcödé Versicherung 医療保険'
		WHEN ` + m(41) + ` = 3 THEN 'O''Brien Health' ELSE 'Commercial Plan ' || (` + m(41) + `) END`
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
		{"tasks/payer-5pct", &orchestrator.TaskFilter{Open: true, Payer: "medicare", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/payer-rare", &orchestrator.TaskFilter{Open: true, Payer: "rare mutual", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
		{"tasks/reason-rare", &orchestrator.TaskFilter{Open: true, Reason: "rule-rare", Sort: orchestrator.TaskSortPriority, Limit: 50}, nil},
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

// benchNow is "now" for the SLA and age filters: about a third of the open
// tasks are breached then.
var benchNow = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)

// BenchmarkInboxPage measures what one inbox page costs the store: the
// page of tasks and the count of the matches up to 10,001 (the inbox
// shows "more than 10,000" past that), with each of the inbox's filters
// and sorts.
func BenchmarkInboxPage(b *testing.B) {
	var cache benchStores
	b.Cleanup(func() {
		for _, s := range cache.stores {
			_ = s.Close()
		}
	})
	open := func(f orchestrator.TaskFilter) orchestrator.TaskFilter {
		f.Open = true
		if f.Sort == "" {
			f.Sort = orchestrator.TaskSortPriority
		}
		f.Limit = 50
		return f
	}
	cases := []struct {
		name string
		f    orchestrator.TaskFilter
	}{
		{"all", open(orchestrator.TaskFilter{})},
		{"all-page-20", open(orchestrator.TaskFilter{Offset: 950})},
		{"queue", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCoding})},
		{"queue-sort-due", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Sort: orchestrator.TaskSortDue})},
		{"queue-sort-newest", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Sort: orchestrator.TaskSortNewest})},
		{"all-sort-newest", open(orchestrator.TaskFilter{Sort: orchestrator.TaskSortNewest})},
		{"all-sort-oldest-page-20", orchestrator.TaskFilter{Open: true, Sort: orchestrator.TaskSortOldest, Offset: 950, Limit: 50}},
		{"status-unassigned", orchestrator.TaskFilter{Status: orchestrator.TaskUnassigned, Sort: orchestrator.TaskSortPriority, Limit: 50}},
		{"priority", open(orchestrator.TaskFilter{Priority: orchestrator.PriorityCritical})},
		{"age-30d", open(orchestrator.TaskFilter{CreatedUntil: benchNow.AddDate(0, 0, -30)})},
		{"sla-now-breached", open(orchestrator.TaskFilter{SLAState: orchestrator.SLABreached, SLAAt: benchNow})},
		{"sla-now-at-risk-in-queue", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCDI, SLAState: orchestrator.SLAAtRisk, SLAAt: benchNow})},
		{"payer-5pct", open(orchestrator.TaskFilter{Payer: "medicare"})},
		{"payer-5pct-in-queue", open(orchestrator.TaskFilter{Queue: orchestrator.QueueBilling, Payer: "MEDICARE"})},
		{"payer-90pct", open(orchestrator.TaskFilter{Payer: "commercial"})},
		{"payer-rare", open(orchestrator.TaskFilter{Payer: "rare mutual"})},
		{"payer-unicode", open(orchestrator.TaskFilter{Payer: "ünïcödé"})},
		{"payer-quote", open(orchestrator.TaskFilter{Payer: "o'brien"})},
		{"payer-none", open(orchestrator.TaskFilter{Payer: "%_; DROP"})},
		{"reason-25pct", open(orchestrator.TaskFilter{Reason: "rule-2"})},
		{"reason-rare", open(orchestrator.TaskFilter{Reason: "rule-rare"})},
		{"reason-in-queue", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Reason: "rule-1"})},
		{"everything", open(orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Priority: orchestrator.PriorityHigh,
			SLAState: orchestrator.SLAOnTrack, SLAAt: benchNow, CreatedUntil: benchNow.AddDate(0, 0, -20), Payer: "plan 1", Reason: "rule-2"})},
		{"mine", open(orchestrator.TaskFilter{Assignee: "user7", Payer: "medicare"})},
		{"completed-newest", orchestrator.TaskFilter{Status: orchestrator.TaskCompleted, Sort: orchestrator.TaskSortNewest, Limit: 50}},
		{"completed-in-queue", orchestrator.TaskFilter{Status: orchestrator.TaskCompleted, Queue: orchestrator.QueueCoding, Sort: orchestrator.TaskSortNewest, Limit: 50}},
		{"completed-priority", orchestrator.TaskFilter{Status: orchestrator.TaskCompleted, Sort: orchestrator.TaskSortPriority, Limit: 50}},
		{"completed-queue-due", orchestrator.TaskFilter{Status: orchestrator.TaskCompleted, Queue: orchestrator.QueueCoding, Sort: orchestrator.TaskSortDue, Limit: 50}},
		{"every-status", orchestrator.TaskFilter{Sort: orchestrator.TaskSortPriority, Limit: 50}},
		{"every-status-newest", orchestrator.TaskFilter{Sort: orchestrator.TaskSortNewest, Limit: 50}},
		{"every-status-page-20", orchestrator.TaskFilter{Sort: orchestrator.TaskSortPriority, Offset: 950, Limit: 50}},
		{"every-status-payer-5pct", orchestrator.TaskFilter{Payer: "medicare", Sort: orchestrator.TaskSortPriority, Limit: 50}},
		{"completed-page-20", orchestrator.TaskFilter{Status: orchestrator.TaskCompleted, Sort: orchestrator.TaskSortNewest, Offset: 950, Limit: 50}},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, c := range cases {
			b.Run(backend+"/"+c.name, func(b *testing.B) {
				s := cache.get(b, backend)
				ctx := context.Background()
				measure(b, func() (int, error) {
					n, err := s.CountTasks(ctx, c.f, 10_001)
					if err != nil {
						return 0, err
					}
					ts, err := s.Tasks(ctx, c.f)
					if err == nil && len(ts) > n {
						return 0, fmt.Errorf("page of %d > count %d", len(ts), n)
					}
					return n, err
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
