package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// batchTests are the conformance tests of orchestrator.BatchStore.
func batchTests() []struct {
	name string
	fn   func(t *testing.T, s *Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"BatchMixedOutcomes", testBatchMixedOutcomes},
		{"BatchDuplicatesInOrder", testBatchDuplicatesInOrder},
		{"BatchInvalidStoresNothing", testBatchInvalidStoresNothing},
		{"BatchConcurrentChains", testBatchConcurrentChains},
	}
}

// batchOf builds a batch of n items of run, item i referring to evidence
// record i of the batch, with data days(i).
func batchOf(t *testing.T, run, prefix string, n int, days func(i int) int) orchestrator.RecordBatch {
	t.Helper()
	var b orchestrator.RecordBatch
	for i := range n {
		id := fmt.Sprintf("%s%05d", prefix, i)
		b.Evidence = append(b.Evidence, orchestrator.Evidence{SHA256: fmt.Sprintf("%064x", days(i)*100000+i),
			Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Size: 10, URL: "https://p/a/" + id, Bot: "coding-holds",
			RunID: run, ItemRef: id, SelectorVersion: "v3", CapturedAt: t0})
		u := upsert(t, run, t0, id, hold{Account: id, Days: days(i)})
		u.EvidenceID = orchestrator.PendingEvidenceID(i)
		b.Items = append(b.Items, u)
	}
	return b
}

// verifyChains checks the evidence chain, the audit log and the ledger
// (as `docket audit verify` does) and that the ledger covers every record.
func verifyChains(t *testing.T, s *Store) {
	t.Helper()
	ctx := ctxT(t)
	recs, err := s.EvidenceChain(ctx, 0, 100000)
	must(t, err)
	must(t, orchestrator.VerifyEvidenceChain(recs, ""))
	_, err = orchestrator.VerifyAuditLog(ctx, s)
	must(t, err)
	tree, err := s.LedgerTree(ctx)
	must(t, err)
	if want := countRecords(t, s); tree.N != want {
		t.Fatalf("ledger holds %d leaves, the tables %d records", tree.N, want)
	}
	_, err = orchestrator.VerifyLedger(ctx, s, tree)
	must(t, err)
}

func testBatchMixedOutcomes(t *testing.T, s *Store) {
	ctx := ctxT(t)
	const n = 620           // more than one chunk of items and of evidence
	newItem(t, s, "M00007") // exists already with the batch's data
	first := batchOf(t, "r1", "M", n, func(int) int { return 0 })
	res, err := s.RecordBatch(ctx, first)
	must(t, err)
	count := map[orchestrator.UpsertOutcome]int{}
	for i, r := range res.Items {
		count[r.Outcome]++
		e := res.Evidence[i]
		if r.Item.ExternalID != fmt.Sprintf("M%05d", i) || e.ID == 0 || e.ItemRef != r.Item.ExternalID || e.Hash != e.ChainHash() {
			t.Fatalf("result %d: item %+v evidence %+v", i, r.Item, e)
		}
		if r.Outcome == orchestrator.UpsertCreated && r.Item.EvidenceID != e.ID {
			t.Fatalf("item %d refers to evidence %d, want %d", i, r.Item.EvidenceID, e.ID)
		}
	}
	if count[orchestrator.UpsertCreated] != n-1 || count[orchestrator.UpsertUnchanged] != 1 {
		t.Fatalf("first batch outcomes %v", count)
	}
	for i := 1; i < n; i++ {
		if res.Evidence[i].PrevHash != res.Evidence[i-1].Hash || res.Evidence[i].ID != res.Evidence[i-1].ID+1 {
			t.Fatalf("evidence %d does not follow %d", i, i-1)
		}
	}
	// The same batch again (a retried flush): nothing new is chained.
	again, err := s.RecordBatch(ctx, first)
	must(t, err)
	for i := range again.Evidence {
		if again.Evidence[i] != res.Evidence[i] || again.Items[i].Outcome != orchestrator.UpsertUnchanged {
			t.Fatalf("record %d stored twice: %+v, %s", i, again.Evidence[i], again.Items[i].Outcome)
		}
	}
	// A second run: a third of the items changed, a record refers to
	// evidence stored earlier.
	second := batchOf(t, "r2", "M", n, func(i int) int { return i % 3 })
	second.Items[0].EvidenceID = res.Evidence[5].ID
	res2, err := s.RecordBatch(ctx, second)
	must(t, err)
	count = map[orchestrator.UpsertOutcome]int{}
	for _, r := range res2.Items {
		count[r.Outcome]++
	}
	if want := n - (n+2)/3; count[orchestrator.UpsertUpdated] != want || count[orchestrator.UpsertUnchanged] != n-want {
		t.Fatalf("second batch outcomes %v", count)
	}
	hist, err := s.History(ctx, res2.Items[1].Item.ID)
	must(t, err)
	if len(hist) != 2 || hist[0].Action != orchestrator.ActionCreated || hist[1].Action != orchestrator.ActionUpdated ||
		hist[1].Actor != orchestrator.RunActor("r2") {
		t.Fatalf("history of a changed item: %+v", hist)
	}
	if it := res2.Items[1].Item; it.EvidenceID != res2.Evidence[1].ID || it.LastRunID != "r2" || it.FirstRunID != "r1" {
		t.Fatalf("changed item: %+v", it)
	}
	audit, err := s.AuditFor(ctx, "run:r2", time.Time{}, 0)
	must(t, err)
	if len(audit) != 1 || audit[0].Action != "items.upserted" || !strings.HasPrefix(audit[0].Detail, fmt.Sprintf("created 0, updated %d,", n-(n+2)/3)) {
		t.Fatalf("batch audit %+v", audit)
	}
	verifyChains(t, s)
}

// The same item twice in one batch is applied in order: created, then
// updated by the second observation, with two history entries.
func testBatchDuplicatesInOrder(t *testing.T, s *Store) {
	ctx := ctxT(t)
	b := batchOf(t, "r1", "D", 3, func(int) int { return 0 })
	later := upsert(t, "r1", t0.Add(time.Second), "D00001", hold{Account: "D00001", Days: 9})
	same := upsert(t, "r1", t0, "D00002", hold{Account: "D00002"})
	b.Items = append(b.Items, later, same)
	res, err := s.RecordBatch(ctx, b)
	must(t, err)
	var outcomes []string
	for _, r := range res.Items {
		outcomes = append(outcomes, string(r.Outcome))
	}
	if got := strings.Join(outcomes, " "); got != "created created created updated unchanged" {
		t.Fatalf("outcomes %s", got)
	}
	it, err := s.ItemByRef(ctx, "coding-worklist", "D00001")
	must(t, err)
	var h hold
	must(t, json.Unmarshal(it.Data, &h))
	if h.Days != 9 || it.EvidenceID != res.Evidence[1].ID {
		t.Fatalf("item after the batch: %+v", it)
	}
	hist, err := s.History(ctx, it.ID)
	must(t, err)
	if len(hist) != 2 || hist[1].Action != orchestrator.ActionUpdated {
		t.Fatalf("history %+v", hist)
	}
	verifyChains(t, s)
}

// A bad item in the middle of a batch stores nothing of it: no evidence,
// no item, no history, no ledger leaf.
func testBatchInvalidStoresNothing(t *testing.T, s *Store) {
	ctx := ctxT(t)
	tree, err := s.LedgerTree(ctx)
	must(t, err)
	b := batchOf(t, "r1", "X", 5, func(int) int { return 0 })
	b.Items[2].Queue = ""
	_, err = s.RecordBatch(ctx, b)
	wantErr(t, err, orchestrator.ErrInvalid)
	b = batchOf(t, "r1", "X", 5, func(int) int { return 0 })
	b.Items[3].EvidenceID = orchestrator.PendingEvidenceID(5) // not in the batch
	_, err = s.RecordBatch(ctx, b)
	wantErr(t, err, orchestrator.ErrInvalid)
	items, err := s.Items(ctx, orchestrator.ItemFilter{})
	must(t, err)
	recs, err := s.EvidenceChain(ctx, 0, 0)
	must(t, err)
	after, err := s.LedgerTree(ctx)
	must(t, err)
	if len(items) != 0 || len(recs) != 0 || after != tree {
		t.Fatalf("a refused batch stored %d items, %d evidence records, ledger %d → %d", len(items), len(recs), tree.N, after.N)
	}
}

// Batches of several runs at once, and single appends among them, keep
// one unbroken evidence chain and ledger.
func testBatchConcurrentChains(t *testing.T, s *Store) {
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for k := range 3 {
				b := batchOf(t, fmt.Sprintf("run%d", w), fmt.Sprintf("C%d-%d-", w, k), 40, func(int) int { return w })
				if _, err := s.RecordBatch(ctx, b); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for k := range 5 {
				if _, err := s.AppendEvidence(ctx, evidenceRecord(fmt.Sprintf("single%d", w), fmt.Sprintf("%064x", 9000+10*w+k), "u")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	recs, err := s.EvidenceChain(ctx, 0, 100000)
	must(t, err)
	if len(recs) != 4*3*40+4*5 {
		t.Fatalf("%d evidence records, want %d", len(recs), 4*3*40+4*5)
	}
	verifyChains(t, s)
}
