package sqlstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/tlog"
)

// ledgerTests are the conformance tests of orchestrator.LedgerStore.
func ledgerTests() []struct {
	name string
	fn   func(t *testing.T, s *Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"LedgerCoversEveryRecord", testLedgerCoversEveryRecord},
		{"LedgerConcurrentWriters", testLedgerConcurrentWriters},
		{"LedgerCatchUp", testLedgerCatchUp},
	}
}

// writeEveryKind writes one of each record the ledger covers: bot
// history (single and bulk upserts), human history (a lifecycle change and
// a task step), an evidence record and audit entries.
func writeEveryKind(t *testing.T, s *Store, tag string) {
	t.Helper()
	ctx := ctxT(t)
	res, err := s.UpsertItem(ctx, upsert(t, "r-"+tag, t0, tag+"-1", hold{Account: tag + "-1", Days: 1}))
	must(t, err)
	_, err = s.UpsertItem(ctx, upsert(t, "r-"+tag, t0.Add(time.Second), tag+"-1", hold{Account: tag + "-1", Days: 2}))
	must(t, err)
	_, err = s.BulkUpsertItems(ctx, []orchestrator.ItemUpsert{
		upsert(t, "b-"+tag, t0, tag+"-2", hold{Account: tag + "-2"}),
		upsert(t, "b-"+tag, t0, tag+"-3", hold{Account: tag + "-3"}),
	})
	must(t, err)
	it, err := s.Item(ctx, res.Item.ID)
	must(t, err)
	st := it.State()
	st.Priority = orchestrator.PriorityHigh
	_, err = s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: it.Version, State: st,
		Actor: "user:alice", Action: orchestrator.ActionStarted, Reason: "urgent", At: t0.Add(time.Minute)})
	must(t, err)
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCoding, Reason: "r-" + tag})
	must(t, err)
	task.Status, task.Assignee = orchestrator.TaskAssigned, "alice"
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: task, Actor: "user:alice", Action: "task.claimed",
		History: "task claimed", At: t0.Add(2 * time.Minute)})
	must(t, err)
	_, err = s.AppendEvidence(ctx, evidenceRecord("r-"+tag, fmt.Sprintf("%064x", len(tag)), "https://p/"+tag))
	must(t, err)
	_, err = s.AppendAudit(ctx, orchestrator.AuditEntry{Actor: "user:alice", Action: "login", Subject: "user:alice"})
	must(t, err)
}

// countRecords counts the rows the ledger must cover.
func countRecords(t *testing.T, s *Store) int64 {
	t.Helper()
	var n int64
	must(t, s.db.QueryRowContext(ctxT(t), `SELECT (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM item_history) +
		(SELECT COUNT(*) FROM evidence)`).Scan(&n))
	return n
}

func testLedgerCoversEveryRecord(t *testing.T, s *Store) {
	ctx := ctxT(t)
	writeEveryKind(t, s, "a")
	tree, err := s.LedgerTree(ctx)
	must(t, err)
	if want := countRecords(t, s); tree.N != want || want < 10 {
		t.Fatalf("ledger holds %d leaves, the tables %d records", tree.N, want)
	}
	rep, err := orchestrator.VerifyLedger(ctx, s, tree)
	must(t, err)
	if rep.Tree != tree || rep.Items != 3 {
		t.Fatalf("verify report %+v, want tree %+v and 3 items", rep, tree)
	}
	// Every record's leaf proves its inclusion in the tree.
	hist, err := s.History(ctx, 1)
	must(t, err)
	for _, h := range hist {
		n, err := s.LeafIndex(ctx, orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: h.ID})
		must(t, err)
		proof, err := tlog.ProveRecord(tree.N, n, orchestrator.LedgerHashReader(ctx, s))
		must(t, err)
		must(t, tlog.CheckRecord(proof, tree.N, tree.Hash, n, tlog.RecordHash(h.LeafData())))
	}
	_, err = s.LeafIndex(ctx, orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: 999})
	wantErr(t, err, orchestrator.ErrNotFound)
	// A failed write logs nothing.
	_, err = s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: 1, Version: 1, State: orchestrator.ItemState{Queue: "x"},
		Actor: "user:a", Action: "started"})
	if err == nil {
		t.Fatal("stale update succeeded")
	}
	after, err := s.LedgerTree(ctx)
	must(t, err)
	if after != tree {
		t.Fatalf("a failed write moved the tree from %d to %d", tree.N, after.N)
	}
}

// Writers on several connections (and, on PostgreSQL, as if from several
// processes: the head row lock is in the database) append without losing
// or forking a leaf.
func testLedgerConcurrentWriters(t *testing.T, s *Store) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeEveryKind(t, s, fmt.Sprintf("w%d", w))
		}()
	}
	wg.Wait()
	ctx := ctxT(t)
	tree, err := s.LedgerTree(ctx)
	must(t, err)
	if want := countRecords(t, s); tree.N != want {
		t.Fatalf("ledger holds %d leaves, the tables %d records", tree.N, want)
	}
	_, err = orchestrator.VerifyLedger(ctx, s, tree)
	must(t, err)
}

// Records written before migration 00009 become leaves when it runs.
func testLedgerCatchUp(t *testing.T, s *Store) {
	ctx := ctxT(t)
	p, err := s.migrator()
	must(t, err)
	if _, err := p.DownTo(ctx, 8); err != nil {
		t.Fatalf("down to 8: %v", err)
	}
	// Records as an older Docket wrote them.
	at := s.d.ts(t0)
	data := `{"account_number":"OLD1"}`
	sum := sha256.Sum256([]byte(data))
	dh := hex.EncodeToString(sum[:])
	var id int64
	must(t, s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO work_items (queue, portal, external_id, kind, status, data, data_hash, created_at, updated_at)
		VALUES ('coding', 'p', 'OLD1', 'coding_hold', 'new', ?, ?, ?, ?) RETURNING id`), data, dh, at, at).Scan(&id))
	for _, st := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO item_history (item_id, at, actor, action, changes, data_hash) VALUES (?, ?, 'run:old', 'created', '[]', ?)`,
			[]any{id, at, dh}},
		{`INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
			VALUES (1, ?, 'run:old', 'items.upserted', 'run:old', '', '', 'h')`, []any{at}},
		{`INSERT INTO evidence (id, sha256, kind, media_type, size, url, bot, run_id, item_ref, selector_version, captured_at, prev_hash, hash)
			VALUES (1, ?, 'dom', 'text/html', 1, 'u', 'b', 'old', 'OLD1', 'v1', ?, '', 'h')`, []any{dh, at}},
	} {
		_, err := s.db.ExecContext(ctx, s.d.q(st.query), st.args...)
		must(t, err)
	}
	before := countRecords(t, s)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	writeEveryKind(t, s, "new")
	tree, err := s.LedgerTree(ctx)
	must(t, err)
	if want := countRecords(t, s); tree.N != want || before == 0 {
		t.Fatalf("ledger holds %d leaves, the tables %d records (%d before the ledger)", tree.N, want, before)
	}
	_, err = orchestrator.VerifyLedger(ctx, s, tree)
	must(t, err)
}
