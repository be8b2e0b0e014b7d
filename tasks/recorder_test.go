package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
)

// pausingBot reads a page of pageRecords and reports it, waits, reads
// tailRecords without reporting a page and waits again: a follower must
// see both sets while the run is still going.
type pausingBot struct {
	pageRecords, tailRecords int
	paused                   chan int // the records read so far, at each pause
	resume                   chan struct{}
}

func (b *pausingBot) Kind() string { return "pausing" }

func (b *pausingBot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	observe := func(from, n int) error {
		for i := from; i < from+n; i++ {
			dom, err := rec.Capture(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
				Content: fmt.Appendf(nil, "<p>account %d</p>", i), URL: fmt.Sprintf("%s/a/%d", s.Target.BaseURL, i), ItemRef: fmt.Sprintf("P%04d", i)})
			if err != nil {
				return err
			}
			if err := rec.Observe(ctx, orchestrator.Observation{Portal: s.Target.Portal, ExternalID: fmt.Sprintf("P%04d", i),
				Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, EvidenceID: dom.ID,
				Data: orchestrator.CodingHold{AccountNumber: fmt.Sprintf("P%04d", i)}}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := observe(0, b.pageRecords); err != nil {
		return err
	}
	if err := rec.PageRead(ctx); err != nil {
		return err
	}
	b.paused <- b.pageRecords
	<-b.resume
	if err := observe(b.pageRecords, b.tailRecords); err != nil {
		return err
	}
	b.paused <- b.pageRecords + b.tailRecords
	<-b.resume
	return nil
}

// waitProgress polls the run row until it shows records, or fails after
// a generous deadline (the machine is shared).
func waitProgress(t *testing.T, st orchestrator.Store, id string, records int) orchestrator.Run {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		run, err := st.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Records == records {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s shows %d records, want %d", id, run.Records, records)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func handleInBackground(t *testing.T, r *Runner, bot, id string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		payload := fmt.Sprintf(`{"bot":%q,"run_id":%q,"slot":"manual"}`, bot, id)
		done <- r.HandleBotRun(context.Background(), asynq.NewTask(TypeBotRun, []byte(payload)))
	}()
	return done
}

// Records are written in batches, yet a follower sees them while the run
// goes on: a page's records at its PageRead, records read since within
// the batch wait, with their evidence chained and referred to.
func TestProgressVisibleMidRun(t *testing.T) {
	f := newFixture(t)
	bot := testBot("pausing")
	bot.Kind = "pausing"
	impl := &pausingBot{pageRecords: 30, tailRecords: 7, paused: make(chan int), resume: make(chan struct{})}
	runner, err := NewRunner(RunnerConfig{
		Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots: map[string]orchestrator.Bot{bot.Name: bot}, Impls: map[string]bots.Bot{"pausing": impl},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	done := handleInBackground(t, runner, bot.Name, "pausing@1")
	<-impl.paused
	run := waitProgress(t, f.store, "pausing@1", 30)
	if run.Status != orchestrator.RunRunning || run.Pages != 1 || run.Created != 30 {
		t.Fatalf("mid-run after the page: %+v", run)
	}
	impl.resume <- struct{}{}
	<-impl.paused // no page reported: the batch wait writes them
	run = waitProgress(t, f.store, "pausing@1", 37)
	if run.Status != orchestrator.RunRunning {
		t.Fatalf("mid-run after the wait: %+v", run)
	}
	impl.resume <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	recs, err := f.store.RunEvidence(context.Background(), "pausing@1")
	if err != nil || len(recs) != 37 {
		t.Fatalf("evidence of the run: %d records, %v", len(recs), err)
	}
	for _, ref := range []string{"P0000", "P0036"} {
		it, err := f.store.ItemByRef(context.Background(), "sim", ref)
		if err != nil {
			t.Fatal(err)
		}
		e, err := f.store.Evidence(context.Background(), it.EvidenceID)
		if err != nil || e.ItemRef != ref {
			t.Fatalf("item %s refers to evidence %d (%+v, %v)", ref, it.EvidenceID, e, err)
		}
	}
}

// failingBatchStore refuses every batch after the first okBatches.
type failingBatchStore struct {
	orchestrator.Store
	mu        sync.Mutex
	okBatches int
}

func (s *failingBatchStore) RecordBatch(ctx context.Context, b orchestrator.RecordBatch) (orchestrator.BatchResult, error) {
	s.mu.Lock()
	ok := s.okBatches > 0
	s.okBatches--
	s.mu.Unlock()
	if !ok {
		return orchestrator.BatchResult{}, errConnRefused
	}
	return s.Store.RecordBatch(ctx, b)
}

// pagedBot reads pages of perPage records, reporting each; bad makes
// record number bad of the run invalid (no queue).
type pagedBot struct {
	pages, perPage int
	bad            int // -1: none
	read           int
}

func (b *pagedBot) Kind() string { return "paged" }

func (b *pagedBot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	// Every record refers to one capture made before the first page, so
	// later batches refer to a record an earlier batch wrote.
	list, err := rec.Capture(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
		Content: []byte("<table>the worklist</table>"), URL: s.Target.BaseURL + "/worklist"})
	if err != nil {
		return err
	}
	for p := range b.pages {
		for i := range b.perPage {
			n := p*b.perPage + i
			o := orchestrator.Observation{Portal: s.Target.Portal, ExternalID: fmt.Sprintf("G%04d", n),
				Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, EvidenceID: list.ID,
				Data: orchestrator.CodingHold{AccountNumber: fmt.Sprintf("G%04d", n)}}
			if n == b.bad {
				o.Queue = ""
			}
			if err := rec.Observe(ctx, o); err != nil {
				return err
			}
			b.read++
		}
		if err := rec.PageRead(ctx); err != nil {
			return err
		}
	}
	return nil
}

func pagedRunner(t *testing.T, f fixture, st orchestrator.Store, impl *pagedBot) *Runner {
	t.Helper()
	bot := testBot("paged")
	bot.Kind = "paged"
	runner, err := NewRunner(RunnerConfig{
		Store: st, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots: map[string]orchestrator.Bot{bot.Name: bot}, Impls: map[string]bots.Bot{"paged": impl},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return runner
}

// A batch the store refuses fails the run with the reason; the bot stops
// at its next call, and only the batches stored before count.
func TestFailedBatchFailsRun(t *testing.T) {
	f := newFixture(t)
	st := &failingBatchStore{Store: f.store, okBatches: 2}
	impl := &pagedBot{pages: 5, perPage: 10, bad: -1}
	err := <-handleInBackground(t, pagedRunner(t, f, st, impl), "paged", "paged@1")
	if err == nil || !strings.Contains(err.Error(), "store a batch of 10 records") || !errors.Is(err, errConnRefused) {
		t.Fatalf("run error: %v", err)
	}
	run, err := f.store.Run(context.Background(), "paged@1")
	if err != nil {
		t.Fatal(err)
	}
	items, err := f.store.Items(context.Background(), orchestrator.ItemFilter{Portal: "sim"})
	if err != nil || len(items) != 20 || run.Records != 20 || run.Status == orchestrator.RunSucceeded || !strings.Contains(run.Error, "store a batch") {
		t.Fatalf("after the failed batch: %d items (%v), run %+v", len(items), err, run)
	}
}

// An invalid record in the middle of a page is refused when the bot
// reports it: the run fails naming it, the records read before it are
// stored, none after it is read.
func TestInvalidRecordMidPage(t *testing.T) {
	f := newFixture(t)
	impl := &pagedBot{pages: 3, perPage: 10, bad: 14}
	err := <-handleInBackground(t, pagedRunner(t, f, f.store, impl), "paged", "paged@1")
	if !errors.Is(err, orchestrator.ErrInvalid) || !strings.Contains(err.Error(), "has no queue") {
		t.Fatalf("run error: %v", err)
	}
	items, err := f.store.Items(context.Background(), orchestrator.ItemFilter{Portal: "sim"})
	if err != nil || len(items) != 14 || impl.read != 14 {
		t.Fatalf("%d items stored (%v), %d read; want 14 and 14", len(items), err, impl.read)
	}
	run, err := f.store.Run(context.Background(), "paged@1")
	if err != nil || run.Records != 14 || run.Status == orchestrator.RunSucceeded || !strings.Contains(run.Error, "has no queue") {
		t.Fatalf("run %+v, %v", run, err)
	}
}

// Records of later batches may refer to evidence captured before an
// earlier batch was written: they get its record's id.
func TestEvidenceReferredAcrossBatches(t *testing.T) {
	f := newFixture(t)
	impl := &pagedBot{pages: 4, perPage: 10, bad: -1}
	if err := <-handleInBackground(t, pagedRunner(t, f, f.store, impl), "paged", "paged@1"); err != nil {
		t.Fatal(err)
	}
	recs, err := f.store.RunEvidence(context.Background(), "paged@1")
	if err != nil || len(recs) != 1 {
		t.Fatalf("evidence of the run: %+v, %v", recs, err)
	}
	items, err := f.store.Items(context.Background(), orchestrator.ItemFilter{Portal: "sim"})
	if err != nil || len(items) != 40 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	for _, it := range items {
		if it.EvidenceID != recs[0].ID {
			t.Fatalf("item %s refers to evidence %d, want %d", it.ExternalID, it.EvidenceID, recs[0].ID)
		}
	}
}
