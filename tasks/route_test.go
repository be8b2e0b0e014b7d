package tasks

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"github.com/hibiken/asynq"
)

// queryBot reads two holds: one with a physician query open for weeks,
// one clean; and one hold whose discharge date it could not read.
type queryBot struct{}

func (queryBot) Kind() string { return "query" }

func (queryBot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	obs := []orchestrator.Observation{
		{ExternalID: "Q1", Data: orchestrator.CodingHold{AccountNumber: "Q1", Query: &orchestrator.Query{ID: "q-1", SentAt: "2026-11-02", Status: "open"}}},
		{ExternalID: "C1", Data: orchestrator.CodingHold{AccountNumber: "C1"}},
		{ExternalID: "P1", Data: orchestrator.CodingHold{AccountNumber: "P1"}, Problems: []orchestrator.FieldProblem{{Field: "discharge_date", Problem: "not a date"}}},
	}
	for _, o := range obs {
		o.Portal, o.Kind, o.Queue = s.Target.Portal, orchestrator.KindCodingHold, orchestrator.QueueCoding
		if err := rec.Observe(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

type services struct {
	router *rules.Router
	items  *orchestrator.ItemService
	tasks  *orchestrator.TaskService
}

func newServices(t *testing.T, f fixture, wb orchestrator.WriteBacker, now func() time.Time) services {
	t.Helper()
	router, err := rules.LoadFile("../deploy/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items, err := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: f.store, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: f.store, Queues: router.Queues(), Items: items, WriteBack: wb, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return services{router: router, items: items, tasks: ts}
}

func TestRoutingAfterObservations(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC) }
	sv := newServices(t, f, nil, now)
	intake, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: f.store, Router: sv.router, Tasks: sv.tasks, Items: sv.items, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	bot := testBot("query")
	bot.Kind = "query"
	failing := testBot("broken")
	runner, err := NewRunner(RunnerConfig{
		Store: f.store, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots:    map[string]orchestrator.Bot{bot.Name: bot, failing.Name: failing},
		Impls:   map[string]bots.Bot{"query": queryBot{}, "fake": &fakeBot{err: fmt.Errorf("portal answered 503: %w", asynq.SkipRetry)}},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test", Now: now, Intake: intake,
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func(b orchestrator.Bot, id string) error {
		payload := fmt.Sprintf(`{"bot":%q,"run_id":%q,"slot":"manual"}`, b.Name, id)
		return runner.HandleBotRun(ctx, asynq.NewTask(TypeBotRun, []byte(payload)))
	}
	for i := range 2 { // a second run re-reads the same portal: nothing new
		if err := run(bot, fmt.Sprintf("query@%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	open, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	byReason := map[string]orchestrator.HumanTask{}
	for _, task := range open {
		byReason[task.Reason] = task
	}
	q, p := byReason["query-aging"], byReason[orchestrator.ReasonFieldProblems]
	if len(open) != 2 || q.Queue != orchestrator.QueueCDI || q.Priority != orchestrator.PriorityHigh || q.EscalatedTo == "" ||
		p.Queue != orchestrator.QueueCoding || p.Detail != "the bot could not read: discharge_date (not a date)" {
		t.Fatalf("open tasks after two runs: %+v", open)
	}
	// The query rule moves the item itself to CDI, High.
	item, err := f.store.ItemByRef(ctx, "sim", "Q1")
	if err != nil || item.Queue != orchestrator.QueueCDI || item.Priority != orchestrator.PriorityHigh {
		t.Fatalf("routed item %+v, %v", item, err)
	}
	if err := run(failing, "broken@1"); !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("failing run: %v", err)
	}
	auto, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueAutomation, Open: true})
	if err != nil || len(auto) != 1 || auto[0].Reason != "bot-failure:broken" || auto[0].ItemID != 0 || auto[0].ItemRef != "bot:broken" {
		t.Fatalf("automation tasks %+v, %v", auto, err)
	}
}

// recordingWriteBack is the write-back bot's stand-in: it checks it got the
// request and captures before/after evidence.
func TestSweepSchedulerEnqueuesEachSlotOnce(t *testing.T) {
	const db = 12
	rdb := testRedis(t, db)
	client := asynq.NewClientFromRedisClient(rdb)
	at := time.Date(2026, 12, 3, 9, 0, 30, 0, time.UTC)
	now := func() time.Time { return at }
	a, err := NewSweepScheduler(client, time.Minute, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSweepScheduler(client, time.Minute, now, nil)
	ctx := context.Background()
	a.Fire(ctx)
	b.Fire(ctx) // a second scheduler, same slot
	at = at.Add(time.Minute)
	a.Fire(ctx)
	info, err := asynq.NewInspectorFromRedisClient(rdb).ListPendingTasks(QueueBots)
	if err != nil {
		t.Fatal(err)
	}
	if len(info) != 2 || info[0].Type != TypeSLASweep {
		t.Fatalf("pending %d tasks, want 2 sweeps: %+v", len(info), info)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	a.Stop()
	a.Stop()
}

func TestWorkflowDefaults(t *testing.T) {
	f := newFixture(t)
	w, err := NewWorkflow(WorkflowConfig{Store: f.store})
	if err != nil {
		t.Fatal(err)
	}
	if names := w.Router.Queues().Names(); len(names) != 5 {
		t.Fatalf("default queues %v", names)
	}
	rep, err := w.Sweeper.Sweep(context.Background())
	if err != nil || rep != (orchestrator.SLAReport{}) {
		t.Fatalf("sweep of an empty store: %+v %v", rep, err)
	}
}
