package tasks

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/storetest"
	"github.com/hibiken/asynq"
)

// fakeBot stands in for a browser bot: the queue, store and evidence under
// it are real. It reads holds accounts, or fails with err.
type fakeBot struct {
	holds int
	err   error
}

func (b *fakeBot) Kind() string { return "fake" }

func (b *fakeBot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	if b.err != nil {
		return b.err
	}
	shot, err := rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png", Content: []byte("png bytes"), URL: s.Target.BaseURL + "/worklist",
	})
	if err != nil {
		return err
	}
	for i := range b.holds {
		err := rec.Observe(ctx, orchestrator.Observation{
			Portal: s.Target.Portal, ExternalID: fmt.Sprintf("A%06d", i), Kind: orchestrator.KindCodingHold,
			Queue: orchestrator.QueueCoding, EvidenceID: shot.ID,
			Data: orchestrator.CodingHold{AccountNumber: fmt.Sprintf("A%06d", i), CodingStatus: "not_coded"},
		})
		if err != nil {
			return err
		}
	}
	return rec.PageRead(ctx)
}

// nullSessions hands out sessions without a browser, for fakeBot.
type nullSessions struct{}

func (nullSessions) Session(_ context.Context, t bots.Target) (*bots.Session, error) {
	return bots.NewSession(t, nil, time.Second, nil), nil
}

func testBot(name string) orchestrator.Bot {
	return orchestrator.Bot{Name: name, Kind: "fake", Portal: "sim", MaxRetry: 1, Timeout: time.Minute,
		RetryDelay: 100 * time.Millisecond, Enabled: true}
}

// startWorker runs an asynq server with a runner for bot on rdb.
func startWorker(t *testing.T, f fixture, rdbDB int, bot orchestrator.Bot, impl bots.Bot) {
	t.Helper()
	runner, err := NewRunner(RunnerConfig{
		Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots: map[string]orchestrator.Bot{bot.Name: bot}, Impls: map[string]bots.Bot{"fake": impl},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(testRedis(t, rdbDB), ServerConfig{Bots: map[string]orchestrator.Bot{bot.Name: bot}})
	mux := asynq.NewServeMux()
	runner.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
}

func TestBotRunRoundTripOnRedis(t *testing.T) {
	const db = 1
	f := newFixture(t)
	bot := testBot("round-trip")
	startWorker(t, f, db, bot, &fakeBot{holds: 5})
	enq := NewEnqueuer(asynq.NewClientFromRedisClient(testRedisNoFlush(t, db)), f.store, nil)
	ctx := context.Background()

	slot := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	runID := RunID(bot.Name, slot)
	if _, err := enq.Enqueue(ctx, bot, runID, slot.Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	run := storetest.WaitRun(t, f.store, runID, 20*time.Second)
	if run.Status != orchestrator.RunSucceeded || run.Records != 5 || run.Created != 5 || run.Pages != 1 ||
		run.Screenshots != 1 || run.Attempts != 1 || run.Worker != "test" {
		t.Fatalf("run = %+v", run)
	}
	items, err := f.store.Items(ctx, orchestrator.ItemFilter{Portal: "sim"})
	if err != nil || len(items) != 5 {
		t.Fatalf("items = %d, %v", len(items), err)
	}
	if items[0].EvidenceID == 0 {
		t.Errorf("item has no evidence reference")
	}
	// The same slot again is refused by the store and the queue alike.
	if _, err := enq.Enqueue(ctx, bot, runID, slot.Format(time.RFC3339)); !errors.Is(err, ErrDuplicateRun) {
		t.Fatalf("second enqueue of one slot: err = %v, want ErrDuplicateRun", err)
	}
	ev, err := f.store.RunEvidence(ctx, runID)
	if err != nil || len(ev) != 1 || ev[0].Bot != bot.Name || ev[0].RunID != runID {
		t.Fatalf("run evidence = %+v, %v", ev, err)
	}
}

func TestBotRunRetriesThenFails(t *testing.T) {
	const db = 2
	f := newFixture(t)
	bot := testBot("always-fails")
	startWorker(t, f, db, bot, &fakeBot{err: errors.New("portal answered 503")})
	client := asynq.NewClientFromRedisClient(testRedisNoFlush(t, db))
	enq := NewEnqueuer(client, f.store, nil).WithWake(startDispatcher(t, f, client, bot))

	run, err := enq.EnqueueNow(context.Background(), bot)
	if err != nil {
		t.Fatal(err)
	}
	run = storetest.WaitRun(t, f.store, run.ID, 30*time.Second)
	if run.Status != orchestrator.RunFailed || run.Attempts != 2 || run.Error == "" {
		t.Fatalf("run = %+v, want failed after 2 attempts", run)
	}
	// The attempt's audit entry is written just after its run row (see
	// Runner.finish), so the run can read failed a moment before it.
	var actions []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		audit, err := f.store.AuditLog(context.Background(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions = actions[:0]
		for _, a := range audit {
			actions = append(actions, a.Action)
		}
		if len(actions) >= 2 || time.Now().After(deadline) {
			break
		}
	}
	if fmt.Sprint(actions) != "[run.retrying run.failed]" {
		t.Fatalf("audit actions = %v", actions)
	}
}

func TestEvidencePolicyExceptionsDropsRoutineScreenshots(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	run, _, err := f.store.CreateRun(ctx, orchestrator.Run{ID: "r-policy", Bot: "b", Slot: orchestrator.SlotManual,
		Status: orchestrator.RunQueued, QueuedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	in, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: f.store})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(run, f.store, in, f.evidence, orchestrator.EvidenceExceptions, f.metrics, time.Now)
	shot := orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png", Content: []byte("a page"), URL: "http://p/worklist"}
	if e, err := rec.Capture(ctx, shot); err != nil || e.ID != 0 {
		t.Fatalf("routine screenshot kept under exceptions policy: %+v %v", e, err)
	}
	shot.Purpose, shot.Content = orchestrator.PurposeFailure, []byte("the failure")
	if e, err := rec.Capture(ctx, shot); err != nil || e.ID == 0 {
		t.Fatalf("failure screenshot dropped: %+v %v", e, err)
	}
	dom := orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: []byte("<p>"), URL: "http://p/a/1"}
	if e, err := rec.Capture(ctx, dom); err != nil || e.ID == 0 {
		t.Fatalf("DOM snapshot dropped: %+v %v", e, err)
	}
	if err := rec.drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.snapshot().Screenshots; got != 1 {
		t.Fatalf("screenshots counted = %d, want 1", got)
	}
	recs, err := f.store.RunEvidence(ctx, run.ID)
	if err != nil || len(recs) != 2 || recs[0].Kind != orchestrator.EvidenceScreenshot || recs[1].Kind != orchestrator.EvidenceDOM {
		t.Fatalf("records of the run: %+v, %v", recs, err)
	}
}

func TestBadPayloadIsNotRetried(t *testing.T) {
	f := newFixture(t)
	r, err := NewRunner(RunnerConfig{Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics})
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{`not json`, `{"bot":"x"}`} {
		err := r.HandleBotRun(context.Background(), asynq.NewTask(TypeBotRun, []byte(payload)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("payload %q: err = %v, want SkipRetry", payload, err)
		}
	}
}

func TestRunnerRejectsUnwiredBot(t *testing.T) {
	f := newFixture(t)
	_, err := NewRunner(RunnerConfig{Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots: map[string]orchestrator.Bot{"b": testBot("b")}})
	if err == nil {
		t.Fatal("runner accepted a bot with no implementation")
	}
}
