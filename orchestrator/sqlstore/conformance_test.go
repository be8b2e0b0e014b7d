package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// runConformance checks one Store implementation against the contract in
// orchestrator.Store. open returns a fresh, migrated, isolated store that
// it closes (and cleans up) when the test ends.
func runConformance(t *testing.T, open func(t *testing.T) *Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"MigrateIdempotent", testMigrateIdempotent},
		{"Bots", testBots},
		{"CreateRunTwice", testCreateRunTwice},
		{"AttemptCounters", testAttemptCounters},
		{"FinishAttempt", testFinishAttempt},
		{"RunsOrderAndLimit", testRunsOrderAndLimit},
		{"UpsertItemHistory", testUpsertItemHistory},
		{"UpsertItemConcurrent", testUpsertItemConcurrent},
		{"UpsertItemConcurrentUpdates", testUpsertItemConcurrentUpdates},
		{"ItemsFilterAndCount", testItemsFilterAndCount},
		{"EvidenceChain", testEvidenceChain},
		{"EvidenceConcurrent", testEvidenceConcurrent},
		{"AuditLog", testAuditLog},
		{"CreateTaskDedupe", testCreateTaskDedupe},
		{"NotFound", testNotFound},
		{"TimesUTC", testTimesUTC},
		{"Secrets", testSecrets},
	}
	tests = append(tests, workTests()...)
	tests = append(tests, inboxTests()...)
	tests = append(tests, ledgerTests()...)
	tests = append(tests, outboxTests()...)
	tests = append(tests, batchTests()...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// t0 has nanoseconds on purpose: the store keeps microseconds.
var t0 = time.Date(2026, 11, 28, 6, 0, 0, 123456789, time.UTC)

// ctxT bounds a conformance test so a hung statement fails it. It guards
// against hangs, not slowness: the bulk upsert of 1,200 items took over 60 s
// under -race on a loaded 2-core machine once every record was also
// appended to the ledger.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testMigrateIdempotent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	applied, err := s.Migrate(ctx)
	must(t, err)
	if len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, want nothing", applied)
	}
	cur, latest, err := s.MigrationVersion(ctx)
	must(t, err)
	if cur != latest || cur < 1 {
		t.Fatalf("version %d of %d, want current = latest >= 1", cur, latest)
	}
}

func testBots(t *testing.T, s *Store) {
	ctx := ctxT(t)
	b := orchestrator.Bot{Name: "scrubber", Kind: "scrubber", Portal: "clearinghouse", Schedule: "*/15 * * * *",
		Timezone: "America/Chicago", MaxRetry: 3, Timeout: 5 * time.Minute, RetryDelay: 30 * time.Second, Enabled: true}
	must(t, s.UpsertBot(ctx, b))
	must(t, s.UpsertBot(ctx, orchestrator.Bot{Name: "coding-holds", Kind: "coding-holds", Portal: "coding-worklist", Timeout: time.Minute}))
	got, err := s.Bot(ctx, "scrubber")
	must(t, err)
	if got != b {
		t.Fatalf("Bot = %+v, want %+v", got, b)
	}
	b.Enabled, b.MaxRetry, b.Schedule = false, 5, ""
	must(t, s.UpsertBot(ctx, b))
	got, err = s.Bot(ctx, "scrubber")
	must(t, err)
	if got != b {
		t.Fatalf("after replace Bot = %+v, want %+v", got, b)
	}
	bots, err := s.Bots(ctx)
	must(t, err)
	if len(bots) != 2 || bots[0].Name != "coding-holds" || bots[1].Name != "scrubber" {
		t.Fatalf("Bots = %+v, want coding-holds then scrubber", bots)
	}
	wantErr(t, s.UpsertBot(ctx, orchestrator.Bot{Name: "x"}), orchestrator.ErrInvalid)
}

func newRun(id, bot string, queued time.Time) orchestrator.Run {
	return orchestrator.Run{ID: id, Bot: bot, Slot: queued.Format(time.RFC3339), Status: orchestrator.RunQueued, QueuedAt: queued}
}

func testCreateRunTwice(t *testing.T, s *Store) {
	ctx := ctxT(t)
	first, created, err := s.CreateRun(ctx, newRun("r1", "coding-holds", t0))
	must(t, err)
	if !created || first.ID != "r1" || first.Status != orchestrator.RunQueued || !first.QueuedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("first CreateRun = %+v, %v", first, created)
	}
	again := newRun("r1", "other-bot", t0.Add(time.Hour))
	second, created, err := s.CreateRun(ctx, again)
	must(t, err)
	if created || second != first {
		t.Fatalf("second CreateRun = %+v, %v; want the stored %+v, false", second, created, first)
	}
}

func testAttemptCounters(t *testing.T, s *Store) {
	ctx := ctxT(t)
	_, _, err := s.CreateRun(ctx, newRun("r1", "coding-holds", t0))
	must(t, err)
	r, err := s.StartAttempt(ctx, "r1", "worker-a", t0.Add(time.Second))
	must(t, err)
	if r.Status != orchestrator.RunRunning || r.Attempts != 1 || r.Worker != "worker-a" || !r.StartedAt.Equal(t0.Add(time.Second).Truncate(time.Microsecond)) {
		t.Fatalf("after first start: %+v", r)
	}
	must(t, s.ReportProgress(ctx, "r1", orchestrator.RunProgress{Pages: 3, Records: 30, Created: 10, Updated: 2, Unchanged: 18, Screenshots: 3}))
	must(t, s.FinishAttempt(ctx, "r1", orchestrator.RunRetrying, "portal timed out", t0.Add(time.Minute)))
	r, err = s.Run(ctx, "r1")
	must(t, err)
	if r.Status != orchestrator.RunRetrying || r.Error != "portal timed out" || !r.FinishedAt.IsZero() {
		t.Fatalf("after retrying: %+v", r)
	}

	r, err = s.StartAttempt(ctx, "r1", "worker-b", t0.Add(2*time.Minute))
	must(t, err)
	want := orchestrator.Run{Attempts: 2, Worker: "worker-b", Created: 10, Updated: 2}
	if r.Attempts != want.Attempts || r.Worker != want.Worker || r.Pages != 0 || r.Records != 0 || r.Unchanged != 0 ||
		r.Screenshots != 0 || r.Created != 10 || r.Updated != 2 {
		t.Fatalf("after second start: %+v, want per-attempt counters reset and %+v", r, want)
	}
	if !r.StartedAt.Equal(t0.Add(time.Second).Truncate(time.Microsecond)) {
		t.Fatalf("StartedAt = %v, want the first attempt's start", r.StartedAt)
	}
	// The second attempt sees attempt one's items as unchanged and creates 1 more.
	must(t, s.ReportProgress(ctx, "r1", orchestrator.RunProgress{Pages: 4, Records: 31, Created: 1, Updated: 0, Unchanged: 30, Screenshots: 4}))
	r, err = s.Run(ctx, "r1")
	must(t, err)
	if r.Pages != 4 || r.Records != 31 || r.Created != 11 || r.Updated != 2 || r.Unchanged != 30 || r.Screenshots != 4 {
		t.Fatalf("after second progress: %+v", r)
	}
}

func testFinishAttempt(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for _, id := range []string{"ok", "bad"} {
		_, _, err := s.CreateRun(ctx, newRun(id, "coding-holds", t0))
		must(t, err)
		_, err = s.StartAttempt(ctx, id, "w", t0.Add(time.Second))
		must(t, err)
	}
	end := t0.Add(90 * time.Second)
	must(t, s.FinishAttempt(ctx, "ok", orchestrator.RunSucceeded, "", end))
	must(t, s.FinishAttempt(ctx, "bad", orchestrator.RunFailed, "login rejected", end))
	ok, err := s.Run(ctx, "ok")
	must(t, err)
	if ok.Status != orchestrator.RunSucceeded || !ok.FinishedAt.Equal(end.Truncate(time.Microsecond)) || ok.Duration() != 89*time.Second {
		t.Fatalf("succeeded run: %+v (duration %v)", ok, ok.Duration())
	}
	bad, err := s.Run(ctx, "bad")
	must(t, err)
	if bad.Status != orchestrator.RunFailed || bad.Error != "login rejected" || bad.FinishedAt.IsZero() {
		t.Fatalf("failed run: %+v", bad)
	}
	_, err = s.StartAttempt(ctx, "ok", "w", end)
	wantErr(t, err, orchestrator.ErrConflict)
	wantErr(t, s.FinishAttempt(ctx, "ok", orchestrator.RunRunning, "", end), orchestrator.ErrInvalid)
}

func testRunsOrderAndLimit(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for i := range 5 {
		bot := "coding-holds"
		if i%2 == 1 {
			bot = "scrubber"
		}
		_, _, err := s.CreateRun(ctx, newRun(fmt.Sprintf("r%d", i), bot, t0.Add(time.Duration(i)*time.Minute)))
		must(t, err)
	}
	ids := func(runs []orchestrator.Run) string {
		var b []string
		for _, r := range runs {
			b = append(b, r.ID)
		}
		return strings.Join(b, ",")
	}
	all, err := s.Runs(ctx, "", 0)
	must(t, err)
	if got := ids(all); got != "r4,r3,r2,r1,r0" {
		t.Fatalf("Runs = %s, want newest first", got)
	}
	limited, err := s.Runs(ctx, "", 2)
	must(t, err)
	if got := ids(limited); got != "r4,r3" {
		t.Fatalf("Runs limit 2 = %s", got)
	}
	scrubber, err := s.Runs(ctx, "scrubber", 10)
	must(t, err)
	if got := ids(scrubber); got != "r3,r1" {
		t.Fatalf("Runs of scrubber = %s", got)
	}
}

func upsert(t *testing.T, runID string, at time.Time, externalID string, data any) orchestrator.ItemUpsert {
	t.Helper()
	u, err := orchestrator.NewItemUpsert(runID, at, orchestrator.Observation{
		Portal: "coding-worklist", ExternalID: externalID, Kind: orchestrator.KindCodingHold,
		Queue: orchestrator.QueueCoding, Data: data,
	})
	must(t, err)
	return u
}

type hold struct {
	Account string `json:"account_number"`
	Status  string `json:"coding_status"`
	Days    int    `json:"days_since_discharge"`
}

func testUpsertItemHistory(t *testing.T, s *Store) {
	ctx := ctxT(t)
	v1 := hold{Account: "A100", Status: "not_coded", Days: 4}
	res, err := s.UpsertItem(ctx, upsert(t, "r1", t0, "A100", v1))
	must(t, err)
	if res.Outcome != orchestrator.UpsertCreated || res.Item.Version != 1 || res.Item.Status != orchestrator.ItemNew ||
		res.Item.FirstRunID != "r1" || res.Item.LastRunID != "r1" || len(res.Changes) != 3 {
		t.Fatalf("created: %+v", res)
	}
	id := res.Item.ID

	res, err = s.UpsertItem(ctx, upsert(t, "r2", t0.Add(time.Hour), "A100", v1))
	must(t, err)
	if res.Outcome != orchestrator.UpsertUnchanged || res.Item.Version != 1 || res.Item.LastRunID != "r2" ||
		res.Changes != nil || !res.Item.UpdatedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("unchanged: %+v", res)
	}

	v2 := hold{Account: "A100", Status: "coded", Days: 5}
	u2 := upsert(t, "r3", t0.Add(2*time.Hour), "A100", v2)
	res, err = s.UpsertItem(ctx, u2)
	must(t, err)
	wantChanges := []orchestrator.FieldChange{
		{Field: "coding_status", Old: `"not_coded"`, New: `"coded"`},
		{Field: "days_since_discharge", Old: "4", New: "5"},
	}
	if res.Outcome != orchestrator.UpsertUpdated || res.Item.Version != 2 || res.Item.FirstRunID != "r1" ||
		res.Item.LastRunID != "r3" || res.Item.DataHash != u2.DataHash || string(res.Item.Data) != string(u2.Data) {
		t.Fatalf("updated: %+v", res)
	}
	if fmt.Sprint(res.Changes) != fmt.Sprint(wantChanges) {
		t.Fatalf("changes = %+v, want %+v", res.Changes, wantChanges)
	}

	hist, err := s.History(ctx, id)
	must(t, err)
	if len(hist) != 2 {
		t.Fatalf("history has %d entries, want 2 (unchanged writes none): %+v", len(hist), hist)
	}
	created, updated := hist[0], hist[1]
	if created.Action != orchestrator.ActionCreated || created.Actor != "run:r1" || created.ItemID != id ||
		!created.At.Equal(t0.Truncate(time.Microsecond)) || len(created.Changes) != 3 || created.Changes[0].Old != "" {
		t.Fatalf("created entry: %+v", created)
	}
	if updated.Action != orchestrator.ActionUpdated || updated.Actor != "run:r3" || updated.DataHash != u2.DataHash ||
		fmt.Sprint(updated.Changes) != fmt.Sprint(wantChanges) {
		t.Fatalf("updated entry: %+v", updated)
	}
	byRef, err := s.ItemByRef(ctx, "coding-worklist", "A100")
	must(t, err)
	if byRef.ID != id || byRef.Version != 2 || !json.Valid(byRef.Data) {
		t.Fatalf("ItemByRef = %+v", byRef)
	}
	_, err = s.UpsertItem(ctx, orchestrator.ItemUpsert{Portal: "p"})
	wantErr(t, err, orchestrator.ErrInvalid)
}

func testUpsertItemConcurrent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	const n = 8
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		outcomes = map[orchestrator.UpsertOutcome]int{}
		errs     []error
	)
	for i := range n {
		u := upsert(t, fmt.Sprintf("r%d", i), t0, "A200", hold{Account: "A200", Status: "not_coded"})
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.UpsertItem(ctx, u)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			outcomes[res.Outcome]++
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent upserts failed: %v", errors.Join(errs...))
	}
	if outcomes[orchestrator.UpsertCreated] != 1 || outcomes[orchestrator.UpsertUnchanged] != n-1 {
		t.Fatalf("outcomes = %v, want 1 created and %d unchanged", outcomes, n-1)
	}
	items, err := s.Items(ctx, orchestrator.ItemFilter{})
	must(t, err)
	if len(items) != 1 || items[0].Version != 1 {
		t.Fatalf("items = %+v, want one at version 1", items)
	}
	hist, err := s.History(ctx, items[0].ID)
	must(t, err)
	if len(hist) != 1 || hist[0].Action != orchestrator.ActionCreated {
		t.Fatalf("history = %+v, want one created entry", hist)
	}
}

// Concurrent changes to one item serialise: every update diffs against the
// version before it, so the history replays as one unbroken sequence.
func testUpsertItemConcurrentUpdates(t *testing.T, s *Store) {
	ctx := ctxT(t)
	_, err := s.UpsertItem(ctx, upsert(t, "r0", t0, "A250", hold{Account: "A250", Days: 0}))
	must(t, err)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		u := upsert(t, fmt.Sprintf("r%d", i+1), t0.Add(time.Minute), "A250", hold{Account: "A250", Days: i + 1})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.UpsertItem(ctx, u)
		}()
	}
	wg.Wait()
	must(t, errors.Join(errs...))
	item, err := s.ItemByRef(ctx, "coding-worklist", "A250")
	must(t, err)
	if item.Version != n+1 {
		t.Fatalf("version = %d, want %d", item.Version, n+1)
	}
	hist, err := s.History(ctx, item.ID)
	must(t, err)
	if len(hist) != n+1 {
		t.Fatalf("history has %d entries, want %d", len(hist), n+1)
	}
	prev := "0"
	for _, h := range hist[1:] {
		if h.Action != orchestrator.ActionUpdated || len(h.Changes) != 1 || h.Changes[0].Old != prev {
			t.Fatalf("entry %d = %+v, want an update from days %s", h.ID, h, prev)
		}
		prev = h.Changes[0].New
	}
	if last := hist[len(hist)-1]; last.DataHash != item.DataHash {
		t.Fatalf("last entry hash %s, item hash %s", last.DataHash, item.DataHash)
	}
}

func testItemsFilterAndCount(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for i := range 5 {
		u := upsert(t, "r1", t0, fmt.Sprintf("A%d", i), hold{Account: fmt.Sprint(i)})
		if i >= 3 {
			u.Queue, u.Portal = orchestrator.QueueBilling, "clearinghouse"
		}
		_, err := s.UpsertItem(ctx, u)
		must(t, err)
	}
	coding, err := s.Items(ctx, orchestrator.ItemFilter{Queue: orchestrator.QueueCoding})
	must(t, err)
	if len(coding) != 3 || coding[0].ExternalID != "A0" {
		t.Fatalf("coding items = %d (%+v)", len(coding), coding)
	}
	page, err := s.Items(ctx, orchestrator.ItemFilter{Portal: "coding-worklist", Status: orchestrator.ItemNew, Limit: 2, Offset: 1})
	must(t, err)
	if len(page) != 2 || page[0].ExternalID != "A1" || page[1].ExternalID != "A2" {
		t.Fatalf("page = %+v, want A1, A2", page)
	}
	// By ids, as the inbox reads a page's items: in id order, unknown ids
	// skipped, other filters still applied.
	byID, err := s.Items(ctx, orchestrator.ItemFilter{IDs: []int64{coding[2].ID, 999, coding[0].ID}})
	must(t, err)
	if len(byID) != 2 || byID[0].ExternalID != "A0" || byID[1].ExternalID != "A2" {
		t.Fatalf("items by id = %+v, want A0, A2", byID)
	}
	if billing, err := s.Items(ctx, orchestrator.ItemFilter{IDs: []int64{coding[0].ID}, Queue: orchestrator.QueueBilling}); err != nil || len(billing) != 0 {
		t.Fatalf("items by id in another queue = %+v, %v; want none", billing, err)
	}
	none, err := s.Items(ctx, orchestrator.ItemFilter{Status: orchestrator.ItemFailed})
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("failed items = %+v, want none", none)
	}
	counts, err := s.CountItems(ctx)
	must(t, err)
	want := []orchestrator.ItemCount{
		{Queue: orchestrator.QueueBilling, Status: orchestrator.ItemNew, Count: 2},
		{Queue: orchestrator.QueueCoding, Status: orchestrator.ItemNew, Count: 3},
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("CountItems = %+v, want %+v", counts, want)
	}
}

func evidenceRecord(run, sha, url string) orchestrator.Evidence {
	return orchestrator.Evidence{SHA256: sha, Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
		Size: 2048, URL: url, Bot: "coding-holds", RunID: run, ItemRef: "A100", SelectorVersion: "v3", CapturedAt: t0}
}

func testEvidenceChain(t *testing.T, s *Store) {
	ctx := ctxT(t)
	var stored []orchestrator.Evidence
	for i := range 4 {
		e, err := s.AppendEvidence(ctx, evidenceRecord("r1", fmt.Sprintf("%064x", i), "https://portal/list"))
		must(t, err)
		if e.ID != int64(i+1) || e.Hash != e.ChainHash() {
			t.Fatalf("record %d: %+v", i, e)
		}
		stored = append(stored, e)
	}
	if stored[0].PrevHash != "" || stored[1].PrevHash != stored[0].Hash {
		t.Fatalf("chain links wrong: %+v", stored[:2])
	}
	dup, err := s.AppendEvidence(ctx, evidenceRecord("r1", fmt.Sprintf("%064x", 1), "https://portal/list"))
	must(t, err)
	if dup != stored[1] {
		t.Fatalf("duplicate append = %+v, want stored %+v", dup, stored[1])
	}
	other, err := s.AppendEvidence(ctx, evidenceRecord("r2", fmt.Sprintf("%064x", 1), "https://portal/list"))
	must(t, err)
	if other.ID != 5 {
		t.Fatalf("same content in another run = id %d, want a new record 5", other.ID)
	}

	got, err := s.Evidence(ctx, 2)
	must(t, err)
	if got != stored[1] {
		t.Fatalf("Evidence(2) = %+v, want %+v", got, stored[1])
	}
	page1, err := s.EvidenceChain(ctx, 0, 3)
	must(t, err)
	page2, err := s.EvidenceChain(ctx, page1[len(page1)-1].ID, 3)
	must(t, err)
	if len(page1) != 3 || len(page2) != 2 {
		t.Fatalf("pages of %d and %d, want 3 and 2", len(page1), len(page2))
	}
	must(t, orchestrator.VerifyEvidenceChain(page1, ""))
	must(t, orchestrator.VerifyEvidenceChain(page2, page1[2].Hash))
	run1, err := s.RunEvidence(ctx, "r1")
	must(t, err)
	if len(run1) != 4 || run1[3].ID != 4 {
		t.Fatalf("RunEvidence(r1) = %d records", len(run1))
	}
	_, err = s.AppendEvidence(ctx, orchestrator.Evidence{RunID: "r1"})
	wantErr(t, err, orchestrator.ErrInvalid)
}

func testEvidenceConcurrent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every other goroutine appends a duplicate of its neighbour.
			_, errs[i] = s.AppendEvidence(ctx, evidenceRecord("r1", fmt.Sprintf("%064x", i/2), "https://portal/detail"))
		}()
	}
	wg.Wait()
	must(t, errors.Join(errs...))
	chain, err := s.EvidenceChain(ctx, 0, 100)
	must(t, err)
	if len(chain) != n/2 {
		t.Fatalf("chain has %d records, want %d (duplicates stored once)", len(chain), n/2)
	}
	must(t, orchestrator.VerifyEvidenceChain(chain, ""))
}

func testAuditLog(t *testing.T, s *Store) {
	ctx := ctxT(t)
	first, err := s.AppendAudit(ctx, orchestrator.AuditEntry{At: t0, Actor: "system", Action: "docket.started", Subject: "docket"})
	must(t, err)
	if first.Seq != 1 || first.PrevHash != "" || first.Hash != first.ChainHash() {
		t.Fatalf("first entry: %+v", first)
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AppendAudit(ctx, orchestrator.AuditEntry{At: t0, Actor: orchestrator.RunActor(fmt.Sprint(i)),
				Action: "item.created", Subject: fmt.Sprintf("item:%d", i)})
		}()
	}
	wg.Wait()
	must(t, errors.Join(errs...))
	log, err := s.AuditLog(ctx, 0, 0)
	must(t, err)
	if len(log) != n+1 || log[0] != first {
		t.Fatalf("audit log has %d entries (first %+v), want %d starting with %+v", len(log), log[0], n+1, first)
	}
	must(t, orchestrator.VerifyAuditChain(log, ""))
	tail, err := s.AuditLog(ctx, 10, 2)
	must(t, err)
	if len(tail) != 2 || tail[0].Seq != 11 || tail[1].Seq != 12 {
		t.Fatalf("AuditLog(10, 2) = %+v", tail)
	}
	_, err = s.AppendAudit(ctx, orchestrator.AuditEntry{})
	wantErr(t, err, orchestrator.ErrInvalid)
}

func testCreateTaskDedupe(t *testing.T, s *Store) {
	ctx := ctxT(t)
	res, err := s.UpsertItem(ctx, upsert(t, "r1", t0, "A300", hold{Account: "A300"}))
	must(t, err)
	task := orchestrator.HumanTask{ItemID: res.Item.ID, Queue: orchestrator.QueueCDI, Reason: "open_query",
		CreatedAt: t0, DueAt: t0.Add(72 * time.Hour)}
	first, created, err := s.CreateTask(ctx, task)
	must(t, err)
	if !created || first.Status != orchestrator.TaskUnassigned || first.Version != 1 || !first.DueAt.Equal(t0.Add(72*time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("first task: %+v, %v", first, created)
	}
	again, created, err := s.CreateTask(ctx, task)
	must(t, err)
	if created || again != first {
		t.Fatalf("second CreateTask = %+v, %v; want stored %+v", again, created, first)
	}
	other, created, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: res.Item.ID, Queue: orchestrator.QueueRevenueIntegrity, Reason: "qa_sample"})
	must(t, err)
	if !created || other.ID == first.ID || !other.DueAt.IsZero() {
		t.Fatalf("task for another reason: %+v, %v", other, created)
	}
	// A completed task no longer blocks a new one for the same reason.
	_, err = s.db.ExecContext(ctx, s.d.q(`UPDATE human_tasks SET status = 'completed' WHERE id = ?`), first.ID)
	must(t, err)
	reopened, created, err := s.CreateTask(ctx, task)
	must(t, err)
	if !created || reopened.ID == first.ID {
		t.Fatalf("after completion CreateTask = %+v, %v; want a new task", reopened, created)
	}
	tasks, err := s.Tasks(ctx, orchestrator.TaskFilter{ItemID: res.Item.ID, Status: orchestrator.TaskUnassigned})
	must(t, err)
	if len(tasks) != 2 || tasks[0].ID != other.ID || tasks[1].ID != reopened.ID {
		t.Fatalf("open tasks = %+v", tasks)
	}
	cdi, err := s.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueCDI})
	must(t, err)
	if len(cdi) != 2 {
		t.Fatalf("cdi tasks = %d, want 2 (one completed, one open)", len(cdi))
	}
	_, _, err = s.CreateTask(ctx, orchestrator.HumanTask{ItemID: 1})
	wantErr(t, err, orchestrator.ErrInvalid)
}

func testNotFound(t *testing.T, s *Store) {
	ctx := ctxT(t)
	_, err := s.Bot(ctx, "nobody")
	wantErr(t, err, orchestrator.ErrNotFound)
	_, err = s.Run(ctx, "nothing")
	wantErr(t, err, orchestrator.ErrNotFound)
	_, err = s.StartAttempt(ctx, "nothing", "w", t0)
	wantErr(t, err, orchestrator.ErrNotFound)
	wantErr(t, s.ReportProgress(ctx, "nothing", orchestrator.RunProgress{}), orchestrator.ErrNotFound)
	wantErr(t, s.FinishAttempt(ctx, "nothing", orchestrator.RunFailed, "", t0), orchestrator.ErrNotFound)
	_, err = s.Item(ctx, 999)
	wantErr(t, err, orchestrator.ErrNotFound)
	_, err = s.ItemByRef(ctx, "coding-worklist", "nothing")
	wantErr(t, err, orchestrator.ErrNotFound)
	_, err = s.History(ctx, 999)
	wantErr(t, err, orchestrator.ErrNotFound)
	_, err = s.Evidence(ctx, 999)
	wantErr(t, err, orchestrator.ErrNotFound)
	if !strings.Contains(err.Error(), "sqlstore: evidence 999") {
		t.Fatalf("error %q does not say what was missing", err)
	}
}

func testTimesUTC(t *testing.T, s *Store) {
	ctx := ctxT(t)
	local := t0.In(time.FixedZone("CST", -6*3600))
	_, _, err := s.CreateRun(ctx, newRun("r1", "b", local))
	must(t, err)
	r, err := s.Run(ctx, "r1")
	must(t, err)
	if r.QueuedAt.Location() != time.UTC || !r.QueuedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("QueuedAt = %v, want %v in UTC", r.QueuedAt, t0.Truncate(time.Microsecond))
	}
	e, err := s.AppendEvidence(ctx, orchestrator.Evidence{SHA256: "ab", Kind: "dom", RunID: "r1", CapturedAt: local})
	must(t, err)
	back, err := s.Evidence(ctx, e.ID)
	must(t, err)
	if back != e || back.ChainHash() != back.Hash {
		t.Fatalf("evidence after round trip = %+v, want %+v with a valid hash", back, e)
	}
}
