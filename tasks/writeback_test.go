package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/storetest"
	"github.com/hibiken/asynq"
)

// recordingWriteBack stands where the write-back bot acts: it captures
// before and after evidence and hands over the typed request it got, or
// fails as told.
type recordingWriteBack struct {
	got  chan writeback.Request
	fail error
	// failFirst, when set, makes the first *failFirst requests fail with
	// fail and the rest act.
	failFirst *atomic.Int32
}

func (recordingWriteBack) Kind() string { return writeback.Kind }

func (recordingWriteBack) Run(context.Context, *bots.Session, bots.Recorder) error {
	return errors.New("a write-back runs only as a writeback:run job")
}

func (b recordingWriteBack) RunRequest(ctx context.Context, s *bots.Session, rec bots.Recorder, req writeback.Request) (writeback.Result, error) {
	if b.fail != nil && (b.failFirst == nil || b.failFirst.Add(-1) >= 0) {
		return writeback.Result{}, b.fail
	}
	for _, step := range []string{"before", "after"} {
		if _, err := rec.Capture(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
			Content: []byte(step + req.Value()), URL: s.Target.BaseURL + "/accounts/" + step}); err != nil {
			return writeback.Result{}, err
		}
	}
	b.got <- req
	return writeback.Result{Outcome: writeback.OutcomeActed}, nil
}

type writeBackEnv struct {
	f    fixture
	sv   services
	disp *Dispatcher
	bot  recordingWriteBack
	wb   orchestrator.Bot
}

// newWriteBackEnv runs the write-back path on real Redis database db: the
// task service writes the outbox, a dispatcher enqueues, a worker runs the
// handler with bot as the write-back bot.
func newWriteBackEnv(t *testing.T, db int, bot recordingWriteBack) writeBackEnv {
	t.Helper()
	f := newFixture(t)
	rdb := testRedis(t, db)
	client := asynq.NewClientFromRedisClient(rdb)
	wbBot := orchestrator.Bot{Name: BotWriteBack, Kind: writeback.Kind, Portal: "sim", MaxRetry: 1, Timeout: time.Minute, Enabled: true}
	wbs, err := NewWriteBacks(wbBot)
	if err != nil {
		t.Fatal(err)
	}
	sv := newServices(t, f, wbs, nil)
	disp, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: client,
		Bots: map[string]orchestrator.Bot{wbBot.Name: wbBot}, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := NewRunner(RunnerConfig{
		Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots: map[string]orchestrator.Bot{wbBot.Name: wbBot}, Impls: map[string]bots.Bot{writeback.Kind: bot},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	handler, err := NewWriteBackHandler(WriteBackHandlerConfig{Runner: runner, Store: f.store, Tasks: sv.tasks,
		Action: WriteBackNote(f.store), Actor: bot})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(rdb, ServerConfig{Bots: map[string]orchestrator.Bot{wbBot.Name: wbBot}})
	mux := asynq.NewServeMux()
	handler.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	if err := disp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(disp.Stop)
	return writeBackEnv{f: f, sv: sv, disp: disp, bot: bot, wb: wbBot}
}

// resolved opens a billing task about a coding hold of portal "sim" and
// resolves it with an outcome that writes back.
func (e writeBackEnv) resolved(t *testing.T, account string) (orchestrator.WorkItem, orchestrator.HumanTask, orchestrator.HumanTask) {
	t.Helper()
	ctx := context.Background()
	u, err := orchestrator.NewItemUpsert("holds@1", time.Now(), orchestrator.Observation{Portal: "sim", ExternalID: account,
		Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueBilling, Data: map[string]string{"account_number": account}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.f.store.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	task, _, err := e.sv.tasks.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "mue-absolute", Queue: orchestrator.QueueBilling}, "run:holds@1")
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.sv.tasks.Resolve(ctx, task.ID, 0, task.Assignee, orchestrator.Resolution{Outcome: "units_corrected"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Item, task, done
}

// A resolution reaches the write-back bot through the outbox as a typed
// request built from the store, and the task shows the run's evidence.
func TestResolutionRunsWriteBack(t *testing.T) {
	e := newWriteBackEnv(t, 11, recordingWriteBack{got: make(chan writeback.Request, 1)})
	ctx := context.Background()
	_, task, done := e.resolved(t, "E1")
	select {
	case req := <-e.bot.got:
		want := fmt.Sprintf("Docket task %d resolved as units_corrected by user:%s.", task.ID, task.Assignee)
		if req.Account != "E1" || req.Action != writeback.ActionAddNote || req.Value() != want || req.ID != fmt.Sprint(task.ID) {
			t.Fatalf("request %+v", req)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("write-back bot did not run")
	}
	storetest.WaitRun(t, e.f.store, done.WriteBackRunID, 10*time.Second)
	m, err := e.f.store.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+done.WriteBackRunID)
	if err != nil || m.SentAt.IsZero() {
		t.Fatalf("outbox message %+v %v", m, err)
	}
	// Sending the job again (a dispatcher that died before marking it)
	// does not act twice: the run has ended.
	if err := e.disp.send(ctx, m); err != nil {
		t.Fatal(err)
	}
	v, err := e.sv.tasks.View(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.WriteBack == nil || v.WriteBack.Status != orchestrator.RunSucceeded || v.WriteBack.Attempts != 1 || len(v.WriteBackEvidence) != 2 {
		t.Fatalf("task view: run %+v, evidence %d", v.WriteBack, len(v.WriteBackEvidence))
	}
}

// A write-back the portal cannot do fails for good: the task says why in
// words (not "invalid request: no account: skip retry for the task"), a
// task asks the automation team to look, and a retry goes out again.
func TestWriteBackFailsForGood(t *testing.T) {
	e := newWriteBackEnv(t, 13, recordingWriteBack{got: make(chan writeback.Request, 1),
		fail: fmt.Errorf("%w: route offers no option %q", writeback.ErrInvalidRequest, "XQ")})
	ctx := context.Background()
	it, task, done := e.resolved(t, "E2")
	run := storetest.WaitRun(t, e.f.store, done.WriteBackRunID, 30*time.Second)
	if run.Status != orchestrator.RunFailed || run.Attempts != 1 {
		t.Fatalf("run %+v", run)
	}
	deadline := time.Now().Add(10 * time.Second)
	var got orchestrator.HumanTask
	for {
		var err error
		if got, err = e.f.store.Task(ctx, task.ID); err != nil {
			t.Fatal(err)
		}
		if got.ActionError != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	const want = "The write-back bot cannot carry out this action as asked (the portal does not offer it for this account)."
	if got.ActionError != want {
		t.Fatalf("action error %q, want %q", got.ActionError, want)
	}
	// The automation task opens just after the task is marked.
	var auto []orchestrator.HumanTask
	for len(auto) == 0 && time.Now().Before(deadline) {
		var err error
		if auto, err = e.f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueAutomation, Reason: orchestrator.ReasonActionFailed}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(auto) != 1 || auto[0].ItemID != it.ID {
		t.Fatalf("automation tasks %+v", auto)
	}
	retried, err := e.sv.tasks.RetryWriteBack(ctx, task.ID, 0, "sup.sam")
	if err != nil {
		t.Fatal(err)
	}
	if run := storetest.WaitRun(t, e.f.store, retried.WriteBackRunID, 30*time.Second); run.Status != orchestrator.RunFailed {
		t.Fatalf("retry run %+v", run)
	}
}

// The refusal for an item with no account reads as words too.
func TestActionFailureWords(t *testing.T) {
	for _, err := range []error{
		&ActionRefusedError{Reason: "The write-back bot acts only on coding-hold accounts, and this item is a claim edit from claim-scrubber: there is no account to write to."},
		fmt.Errorf("%w: no account: %w", writeback.ErrInvalidRequest, asynq.SkipRetry),
		fmt.Errorf("%w: note_submit led to HTTP 502", bots.ErrPortalUnavailable),
		context.DeadlineExceeded,
		errors.New("something odd"),
	} {
		got := actionFailure(err, 3)
		if strings.Contains(got, "skip retry") || strings.Contains(got, "invalid request") || !strings.HasSuffix(got, ".") || got == "" {
			t.Errorf("%v: %q", err, got)
		}
	}
}

// A write-back that failed for good and is retried by a supervisor, and
// then acts: the retry closes the automation team's action_failed task,
// the task's action error stays cleared once the retry ran, and the
// portal got the note once.
func TestRetriedWriteBackSucceeds(t *testing.T) {
	once := &atomic.Int32{}
	once.Store(1)
	e := newWriteBackEnv(t, 10, recordingWriteBack{got: make(chan writeback.Request, 2), failFirst: once,
		fail: fmt.Errorf("%w: route offers no option %q", writeback.ErrInvalidRequest, "XQ")})
	ctx := context.Background()
	it, task, done := e.resolved(t, "E4")
	if run := storetest.WaitRun(t, e.f.store, done.WriteBackRunID, 30*time.Second); run.Status != orchestrator.RunFailed {
		t.Fatalf("first run %+v", run)
	}
	var auto []orchestrator.HumanTask
	for deadline := time.Now().Add(10 * time.Second); len(auto) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var err error
		if auto, err = e.f.store.Tasks(ctx, orchestrator.TaskFilter{Reason: orchestrator.ReasonActionFailed, Open: true}); err != nil {
			t.Fatal(err)
		}
	}
	if len(auto) != 1 || auto[0].ItemID != it.ID {
		t.Fatalf("automation tasks after the failure: %+v", auto)
	}
	retried, err := e.sv.tasks.RetryWriteBack(ctx, task.ID, 0, "sup.sam")
	if err != nil {
		t.Fatal(err)
	}
	if run := storetest.WaitRun(t, e.f.store, retried.WriteBackRunID, 30*time.Second); run.Status != orchestrator.RunSucceeded {
		t.Fatalf("retry run %+v", run)
	}
	select {
	case req := <-e.bot.got:
		if req.Account != "E4" {
			t.Fatalf("request %+v", req)
		}
	default:
		t.Fatal("the retry succeeded, and the bot acted on nothing")
	}
	got, err := e.f.store.Task(ctx, task.ID)
	if err != nil || got.ActionError != "" || got.WriteBackRunID != retried.WriteBackRunID {
		t.Fatalf("task after the retry succeeded: %+v %v", got, err)
	}
	closed, err := e.f.store.Task(ctx, auto[0].ID)
	if err != nil || closed.Status != orchestrator.TaskCompleted || closed.Outcome != orchestrator.OutcomeWriteBackRetried {
		t.Fatalf("automation task after the retry: %+v %v", closed, err)
	}
	v, err := e.sv.tasks.View(ctx, task.ID)
	if err != nil || v.WriteBack == nil || v.WriteBack.Status != orchestrator.RunSucceeded {
		t.Fatalf("task view after the retry: %+v %v", v.WriteBack, err)
	}
}
