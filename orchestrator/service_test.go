package orchestrator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	store *sqlstore.Store
	clock *clock
	items *orchestrator.ItemService
	tasks *orchestrator.TaskService
	wb    *fakeWriteBack
}

// fakeWriteBack acts on coding holds only, as the demo's write-back does.
type fakeWriteBack struct{}

func (fakeWriteBack) CanWriteBack(it orchestrator.WorkItem) error {
	if it.Kind != orchestrator.KindCodingHold {
		return errors.New("no write-back acts on " + string(it.Kind) + " items")
	}
	return nil
}

// Thursday 2026-12-03 09:00 UTC.
var start = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, queues ...orchestrator.QueueConfig) *fixture {
	t.Helper()
	st, err := sqlstore.OpenAndMigrate(context.Background(), sqlstore.Config{URL: filepath.Join(t.TempDir(), "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	c := &clock{t: start}
	if len(queues) == 0 {
		queues = orchestrator.DefaultQueues()
	}
	cal, err := orchestrator.NewCalendar(orchestrator.CalendarConfig{Holidays: map[string]string{"2026-12-25": "Christmas"}})
	if err != nil {
		t.Fatal(err)
	}
	qs, err := orchestrator.NewQueues(cal, queues...)
	if err != nil {
		t.Fatal(err)
	}
	items, err := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: st, Now: c.Now, Lease: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	wb := &fakeWriteBack{}
	tasks, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: qs, Items: items, WriteBack: wb, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: st, clock: c, items: items, tasks: tasks, wb: wb}
}

func (f *fixture) item(t *testing.T, id string) orchestrator.WorkItem {
	t.Helper()
	u, err := orchestrator.NewItemUpsert("r1", f.clock.Now(), orchestrator.Observation{Portal: "coding-worklist", ExternalID: id,
		Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, Data: map[string]string{"account_number": id}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.store.UpsertItem(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return res.Item
}

// ok fails the test on err: ok(f())(t).
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestItemLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "A1")
	if _, err := f.items.Succeed(ctx, it.ID, 0, "user:alice", ""); !errors.Is(err, orchestrator.ErrInvalid) ||
		!strings.Contains(err.Error(), "cannot go from new to successful") {
		t.Fatalf("succeed a new item: %v", err)
	}
	it = ok(f.items.Start(ctx, it.ID, it.Version, "user:alice"))(t)
	if it.Status != orchestrator.ItemInProgress || it.LeaseOwner != "user:alice" || !it.LeaseUntil.Equal(start.Add(30*time.Minute)) {
		t.Fatalf("started: %+v", it)
	}
	if _, err := f.items.Start(ctx, it.ID, it.Version-1, "user:bob"); !errors.Is(err, orchestrator.ErrConflict) {
		t.Fatalf("start with a stale version: %v", err)
	}
	if _, err := f.items.Fail(ctx, it.ID, 0, "user:alice", orchestrator.FailureApplication, ""); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("fail without a reason: %v", err)
	}
	it = ok(f.items.Fail(ctx, it.ID, 0, "user:alice", orchestrator.FailureApplication, "portal returned 502"))(t)
	if it.Status != orchestrator.ItemFailed || it.Failure != orchestrator.FailureApplication || it.StatusReason != "portal returned 502" || it.LeaseOwner != "" {
		t.Fatalf("failed: %+v", it)
	}
	it = ok(f.items.Retry(ctx, it.ID, 0, "user:alice", "portal is back"))(t)
	if it.Status != orchestrator.ItemNew || it.RetryCount != 1 || it.Failure != "" {
		t.Fatalf("retried: %+v", it)
	}
	tomorrow := start.Add(24 * time.Hour)
	it = ok(f.items.Edit(ctx, it.ID, 0, "user:alice", orchestrator.ItemEdit{DeferUntil: &tomorrow}, "waiting for late charges"))(t)
	if _, err := f.items.Start(ctx, it.ID, 0, "run:r2"); !errors.Is(err, orchestrator.ErrInvalid) || !strings.Contains(err.Error(), "deferred until") {
		t.Fatalf("start a deferred item: %v", err)
	}
	f.clock.Add(25 * time.Hour)
	it = ok(f.items.Start(ctx, it.ID, 0, "run:r2"))(t)
	it = ok(f.items.Succeed(ctx, it.ID, 0, "run:r2", ""))(t)
	if _, err := f.items.Retry(ctx, it.ID, 0, "user:alice", "again"); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("retry a successful item: %v", err)
	}
	it = ok(f.items.SetReview(ctx, it.ID, 0, "user:qa", orchestrator.ReviewInReview, "sampled"))(t)
	it = ok(f.items.SetReview(ctx, it.ID, 0, "user:qa", orchestrator.ReviewVerified, "checked"))(t)
	if it.Review != orchestrator.ReviewVerified || it.Status != orchestrator.ItemSuccessful {
		t.Fatalf("reviewed: %+v", it)
	}
	hist := ok(f.store.History(ctx, it.ID))(t)
	var actions []string
	for _, h := range hist {
		actions = append(actions, h.Actor+" "+h.Action)
	}
	want := "run:r1 created,user:alice started,user:alice failed,user:alice retried,user:alice edited,run:r2 started,run:r2 succeeded,user:qa reviewed,user:qa reviewed"
	if strings.Join(actions, ",") != want {
		t.Fatalf("history:\n%s\nwant\n%s", strings.Join(actions, ","), want)
	}
	audit := ok(f.store.AuditFor(ctx, orchestrator.AuditSubjectItem(it.ID), time.Time{}, 0))(t)
	if len(audit) != len(hist)-1 {
		t.Fatalf("%d audit entries for %d lifecycle changes", len(audit), len(hist)-1)
	}
	if err := orchestrator.VerifyAuditChain(ok(f.store.AuditLog(ctx, 0, 1000))(t), ""); err != nil {
		t.Fatal(err)
	}
}

// Automatic changes say why: a lease that ran out, a deadline that passed.
func TestSweepRecordsWhy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	leased := f.item(t, "L1")
	ok(f.items.Start(ctx, leased.ID, 0, "run:r1"))(t)
	late := f.item(t, "D1")
	due := start.Add(time.Hour)
	ok(f.items.Edit(ctx, late.ID, 0, "user:alice", orchestrator.ItemEdit{DueAt: &due}, "timely filing"))(t)
	rep := ok(f.items.Sweep(ctx, 100))(t)
	if rep != (orchestrator.SweepReport{}) {
		t.Fatalf("early sweep: %+v", rep)
	}
	f.clock.Add(2 * time.Hour)
	rep = ok(f.items.Sweep(ctx, 100))(t)
	if rep.Abandoned != 1 || rep.Expired != 1 {
		t.Fatalf("sweep: %+v", rep)
	}
	for id, want := range map[int64]string{leased.ID: "lease held by run:r1 expired at 2026-12-03T09:30:00Z", late.ID: "deadline 2026-12-03T10:00:00Z passed"} {
		it := ok(f.store.Item(ctx, id))(t)
		hist := ok(f.store.History(ctx, id))(t)
		last := hist[len(hist)-1]
		if it.Status != orchestrator.ItemAbandoned || !strings.Contains(it.StatusReason, want) || last.Actor != orchestrator.ActorSystem || !strings.Contains(last.Reason, want) {
			t.Fatalf("item %d: %+v, last history %+v; want abandoned because %q", id, it, last, want)
		}
	}
	if rep := ok(f.items.Sweep(ctx, 100))(t); rep != (orchestrator.SweepReport{}) {
		t.Fatalf("second sweep changed %+v", rep)
	}
}

func TestClaimConflict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "A1")
	task, created, err := f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding, Priority: orchestrator.PriorityHigh}, "run:r1")
	if err != nil || !created {
		t.Fatal(created, err)
	}
	// Two people saw version 1 in their inbox and click at once.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins []string
		errs []error
	)
	for _, u := range []string{"alice", "bob", "carol"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.tasks.Claim(ctx, task.ID, task.Version, u)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins = append(wins, u)
			} else {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(wins) != 1 || len(errs) != 2 {
		t.Fatalf("winners %v, errors %v", wins, errs)
	}
	winner := wins[0]
	for _, err := range errs {
		var ce *orchestrator.TaskConflictError
		want := fmt.Sprintf("cannot claim task %d: it was claimed by %s at 09:00 UTC on 2026-12-03", task.ID, winner)
		if !errors.As(err, &ce) || !errors.Is(err, orchestrator.ErrConflict) || err.Error() != want {
			t.Fatalf("loser got %q, want %q", err, want)
		}
	}
	// A later claim with the current version is refused the same way.
	cur := ok(f.store.Task(ctx, task.ID))(t)
	if _, err := f.tasks.Claim(ctx, task.ID, cur.Version, "dan"); err == nil || !strings.Contains(err.Error(), "claimed by "+winner) {
		t.Fatalf("late claim: %v", err)
	}
	// Claiming one's own task again is harmless.
	if _, err := f.tasks.Claim(ctx, task.ID, 0, winner); err != nil {
		t.Fatalf("re-claim: %v", err)
	}
	loser := "dan"
	if _, err := f.tasks.Resolve(ctx, task.ID, 0, loser, orchestrator.Resolution{Outcome: "not_an_issue"}); !errors.Is(err, orchestrator.ErrConflict) {
		t.Fatalf("resolve someone else's task: %v", err)
	}
	f.clock.Add(10 * time.Minute)
	done := ok(f.tasks.Resolve(ctx, task.ID, 0, winner, orchestrator.Resolution{Outcome: "not_an_issue", Note: "modifier 59 documented"}))(t)
	if done.Status != orchestrator.TaskCompleted || done.CompletedBy != winner || done.Outcome != "not_an_issue" {
		t.Fatalf("resolved: %+v", done)
	}
	if _, err := f.tasks.Resolve(ctx, task.ID, 0, winner, orchestrator.Resolution{Outcome: "not_an_issue"}); err == nil ||
		err.Error() != fmt.Sprintf("cannot resolve task %d: it was resolved by %s at 09:10 UTC on 2026-12-03", task.ID, winner) {
		t.Fatalf("second resolve: %v", err)
	}
	if it := ok(f.store.Item(ctx, it.ID))(t); it.Status != orchestrator.ItemSuccessful {
		t.Fatalf("not_an_issue did not end the item: %+v", it)
	}
	// A resolved task is not reopened while the item's data is unchanged.
	again, created, err := f.tasks.Open(ctx, ok(f.store.Item(ctx, it.ID))(t), orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding}, "run:r2")
	if err != nil || created || again.ID != task.ID {
		t.Fatalf("reopen: %+v %v %v", again, created, err)
	}
}

func TestResolveWritesBack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "A2")
	task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "mue", Queue: orchestrator.QueueBilling}, "run:r1"))
	if _, err := f.tasks.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "no_such"}); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("unknown outcome: %v", err)
	}
	done := ok(f.tasks.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "units_corrected"}))(t)
	m := ok(f.store.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+done.WriteBackRunID))(t)
	var req orchestrator.WriteBackRequest
	if err := json.Unmarshal(m.Payload, &req); err != nil {
		t.Fatal(err)
	}
	if done.WriteBackRunID != orchestrator.WriteBackRunID(task.ID) || m.Kind != orchestrator.JobWriteBack ||
		req != (orchestrator.WriteBackRequest{RunID: done.WriteBackRunID, TaskID: task.ID, ItemID: it.ID, Queue: "billing", Outcome: "units_corrected", Actor: "user:fran"}) {
		t.Fatalf("write-back: %+v %+v", done, m)
	}
	_, _, err := f.store.CreateRun(ctx, orchestrator.Run{ID: done.WriteBackRunID, Bot: "writeback", Slot: "manual", Status: orchestrator.RunSucceeded, QueuedAt: start})
	if err != nil {
		t.Fatal(err)
	}
	ok(f.tasks.Comment(ctx, task.ID, "fran", "units 3 → 1 per MUE"))(t)
	v := ok(f.tasks.View(ctx, task.ID))(t)
	if v.WriteBack == nil || v.WriteBack.Status != orchestrator.RunSucceeded || len(v.Comments) != 1 || v.Item == nil || len(v.Outcomes) == 0 {
		t.Fatalf("view: %+v", v)
	}
}

func must3(t *testing.T) func(orchestrator.HumanTask, bool, error) orchestrator.HumanTask {
	return func(task orchestrator.HumanTask, _ bool, err error) orchestrator.HumanTask {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
}

func TestAutoAssignment(t *testing.T) {
	queues := orchestrator.DefaultQueues()
	for i := range queues {
		switch queues[i].Name {
		case orchestrator.QueueBilling:
			queues[i].Members, queues[i].Assignment = []string{"fran", "gus", "hana"}, orchestrator.AssignRoundRobin
		case orchestrator.QueueCDI:
			queues[i].Members, queues[i].Assignment = []string{"dana", "eli"}, orchestrator.AssignLeastLoaded
		}
	}
	f := newFixture(t, queues...)
	ctx := context.Background()
	var got []string
	for i := range 4 {
		task := must3(t)(f.tasks.Open(ctx, f.item(t, fmt.Sprintf("B%d", i)), orchestrator.RouteDecision{Rule: "mue", Queue: orchestrator.QueueBilling}, "run:r1"))
		got = append(got, task.Assignee)
	}
	if strings.Join(got, ",") != "fran,gus,hana,fran" {
		t.Fatalf("round robin: %v", got)
	}
	// dana holds two CDI tasks by hand; least-loaded sends the next ones to eli.
	for i := range 2 {
		task := must3(t)(f.tasks.Open(ctx, f.item(t, fmt.Sprintf("C%d", i)), orchestrator.RouteDecision{Rule: "q", Queue: orchestrator.QueueCDI}, "run:r1"))
		if _, err := f.tasks.Assign(ctx, task.ID, 0, "dana", "supervisor"); err != nil {
			t.Fatal(err)
		}
	}
	task := must3(t)(f.tasks.Open(ctx, f.item(t, "C9"), orchestrator.RouteDecision{Rule: "q", Queue: orchestrator.QueueCDI}, "run:r1"))
	if task.Assignee != "eli" {
		t.Fatalf("least loaded gave %q", task.Assignee)
	}
}

// A physician query's CDI task climbs the ladder by business days since the
// query was sent, and breaches at the SLA deadline.
func TestSLASweepEscalates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sent := start.Add(-24 * time.Hour) // Wednesday
	task := must3(t)(f.tasks.Open(ctx, f.item(t, "Q1"), orchestrator.RouteDecision{Rule: "query-aging", Queue: orchestrator.QueueCDI, ClockStart: sent}, "run:r1"))
	if task.Escalation != 1 || task.EscalatedTo != "cdi_specialist" || task.Status != orchestrator.TaskUnassigned || task.SLAState != orchestrator.SLAOnTrack {
		t.Fatalf("opened: %+v", task)
	}
	// Wed + 3 business days = Mon 12-07 is due; at risk from Fri 12-04.
	if want := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC); !task.DueAt.Equal(want) {
		t.Fatalf("due %s, want %s", task.DueAt, want)
	}
	ok(f.tasks.Claim(ctx, task.ID, 0, "dana"))(t)
	step := func(d time.Duration, want orchestrator.SLAReport) orchestrator.HumanTask {
		t.Helper()
		f.clock.Add(d)
		rep := ok(f.tasks.SweepSLA(ctx, 100))(t)
		if rep != want {
			t.Fatalf("at %s: sweep %+v, want %+v", f.clock.Now().Format("Mon 01-02 15:04"), rep, want)
		}
		return ok(f.store.Task(ctx, task.ID))(t)
	}
	step(time.Hour, orchestrator.SLAReport{})
	cur := step(24*time.Hour, orchestrator.SLAReport{AtRisk: 1}) // Fri
	if cur.SLAState != orchestrator.SLAAtRisk {
		t.Fatalf("Friday: %+v", cur)
	}
	step(24*time.Hour, orchestrator.SLAReport{}) // Sat: no business day passes
	cur = step(48*time.Hour, orchestrator.SLAReport{Breached: 1, Escalated: 1})
	if cur.SLAState != orchestrator.SLABreached || cur.Status != orchestrator.TaskEscalated || cur.Escalation != 2 || cur.EscalatedTo != "physician_advisor" {
		t.Fatalf("Monday: %+v", cur)
	}
	cur = step(48*time.Hour, orchestrator.SLAReport{Escalated: 1}) // Wed 12-09: 5 business days
	if cur.Escalation != 3 || cur.EscalatedTo != "director" {
		t.Fatalf("Wednesday: %+v", cur)
	}
	step(time.Hour, orchestrator.SLAReport{})
	audit := ok(f.store.AuditFor(ctx, orchestrator.AuditSubjectItem(task.ItemID), time.Time{}, 0))(t)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if strings.Join(actions, ",") != "task.opened,task.claimed,task.sla_at_risk,task.sla_breached,task.escalated" {
		t.Fatalf("audit %v", actions)
	}
	if d := audit[len(audit)-1].Detail; !strings.Contains(d, "open 5 business days since 2026-12-02: escalation step 3, director") {
		t.Fatalf("escalation detail %q", d)
	}
}
