package orchestrator_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// A resolution whose item cannot end as its outcome says writes nothing:
// the task stays open and no write-back is requested (before, the task was
// committed as resolved and the rest of the steps were lost).
func TestResolveAllOrNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "T1")
	task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "mue", Queue: orchestrator.QueueCoding}, "run:r1"))
	ok(f.items.Fail(ctx, it.ID, 0, "user:zed", orchestrator.FailureBusiness, "payer closed the claim"))(t)
	// code_corrected writes back; not_an_issue ends the item successfully.
	coding, _ := f.tasks.Queues().Queue(orchestrator.QueueCoding)
	coding.Outcomes[0].ItemStatus = orchestrator.ItemSuccessful
	qs := ok(orchestrator.NewQueues(f.tasks.Queues().Calendar, coding))(t)
	ts := ok(orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: f.store, Queues: qs, Items: f.items,
		WriteBack: fakeWriteBack{}, Now: f.clock.Now}))(t)
	_, err := ts.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "code_corrected"})
	if !errors.Is(err, orchestrator.ErrInvalid) || !strings.Contains(err.Error(), "cannot go from failed to successful") {
		t.Fatalf("resolve: %v", err)
	}
	if got := ok(f.store.Task(ctx, task.ID))(t); got.Status != task.Status || got.Version != task.Version || got.WriteBackRunID != "" {
		t.Fatalf("the task was written: %+v", got)
	}
	if _, err := f.store.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+orchestrator.WriteBackRunID(task.ID)); !errors.Is(err, orchestrator.ErrNotFound) {
		t.Fatalf("write-back requested for an unresolved task: %v", err)
	}
}

// An outcome that writes back is neither offered nor accepted for an
// item no write-back can act on (claim edits in the demo), and says why.
func TestWriteBackOnlyWhereOneExists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := ok(orchestrator.NewItemUpsert("r1", f.clock.Now(), orchestrator.Observation{Portal: "claim-scrubber", ExternalID: "C1",
		Kind: orchestrator.KindClaimEdit, Queue: orchestrator.QueueBilling, Data: map[string]string{"claim": "C1"}}))(t)
	it := ok(f.store.UpsertItem(ctx, u))(t).Item
	task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "mue", Queue: orchestrator.QueueBilling}, "run:r1"))
	v := ok(f.tasks.View(ctx, task.ID))(t)
	for _, o := range v.Outcomes {
		if o.WriteBack {
			t.Fatalf("outcome %s offered, but nothing can write it back", o.Name)
		}
	}
	if len(v.Outcomes) == 0 {
		t.Fatal("no outcome offered at all")
	}
	_, err := f.tasks.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "units_corrected"})
	if !errors.Is(err, orchestrator.ErrInvalid) || !strings.Contains(err.Error(), "outcome units_corrected writes back to the portal, but no write-back acts on claim_edit items") {
		t.Fatalf("resolve: %v", err)
	}
	if got := ok(f.store.Task(ctx, task.ID))(t); got.Status.Open() == false {
		t.Fatalf("task resolved: %+v", got)
	}
}

// A write-back that failed for good shows on the task in words, opens an
// automation task once, and a retry asks for a new run through the outbox.
func TestWriteBackFailedAndRetry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "T3")
	task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding}, "run:r1"))
	if _, err := f.tasks.RetryWriteBack(ctx, task.ID, 0, "sam"); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("retry of an open task: %v", err)
	}
	done := ok(f.tasks.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "code_corrected"}))(t)
	const why = "The portal has no account for this item."
	if _, err := f.tasks.WriteBackFailed(ctx, task.ID, "writeback@task-999", why); err != nil {
		t.Fatal(err)
	}
	if got := ok(f.store.Task(ctx, task.ID))(t); got.ActionError != "" {
		t.Fatalf("a run that is not the task's marked it: %+v", got)
	}
	for range 2 {
		ok(f.tasks.WriteBackFailed(ctx, task.ID, done.WriteBackRunID, why))(t)
	}
	failed := ok(f.store.Task(ctx, task.ID))(t)
	if failed.ActionError != why {
		t.Fatalf("action error %q", failed.ActionError)
	}
	auto := ok(f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueAutomation, Reason: orchestrator.ReasonActionFailed}))(t)
	if len(auto) != 1 || auto[0].ItemID != it.ID || !strings.Contains(auto[0].Detail, why) {
		t.Fatalf("automation tasks: %+v", auto)
	}
	retried := ok(f.tasks.RetryWriteBack(ctx, task.ID, failed.Version, "sam"))(t)
	if retried.ActionError != "" || retried.WriteBackRunID == done.WriteBackRunID || retried.WriteBackRunID == "" {
		t.Fatalf("retried: %+v", retried)
	}
	if _, err := f.store.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+retried.WriteBackRunID); err != nil {
		t.Fatalf("retry not in the outbox: %v", err)
	}
	// The retry answers the automation team's task: closed by the retry,
	// not left for someone to find stale.
	closed := ok(f.store.Task(ctx, auto[0].ID))(t)
	if closed.Status != orchestrator.TaskCompleted || closed.Outcome != orchestrator.OutcomeWriteBackRetried || closed.CompletedBy != "sam" ||
		!strings.Contains(closed.Resolution, retried.WriteBackRunID) {
		t.Fatalf("automation task after the retry: %+v", closed)
	}
	// The old run failing late changes nothing now.
	ok(f.tasks.WriteBackFailed(ctx, task.ID, done.WriteBackRunID, why))(t)
	if got := ok(f.store.Task(ctx, task.ID))(t); got.ActionError != "" {
		t.Fatalf("stale failure marked the retried task: %+v", got)
	}
	if open := ok(f.store.Tasks(ctx, orchestrator.TaskFilter{Reason: orchestrator.ReasonActionFailed, Open: true}))(t); len(open) != 0 {
		t.Fatalf("a stale failure reopened the automation task: %+v", open)
	}
	// The retry failing too asks the automation team again.
	ok(f.tasks.WriteBackFailed(ctx, task.ID, retried.WriteBackRunID, why))(t)
	if open := ok(f.store.Tasks(ctx, orchestrator.TaskFilter{Reason: orchestrator.ReasonActionFailed, Open: true}))(t); len(open) != 1 {
		t.Fatalf("the retry failed, and automation tasks open: %+v", open)
	}
}

// Two tasks of one item whose write-backs failed share one automation
// task; retrying one leaves it open while the other still failed.
func TestRetryKeepsActionFailedForAnotherFailure(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "T4")
	var failed []orchestrator.HumanTask
	for _, rule := range []string{"ncci", "mue"} {
		task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: rule, Queue: orchestrator.QueueCoding}, "run:r1"))
		done := ok(f.tasks.Resolve(ctx, task.ID, 0, "fran", orchestrator.Resolution{Outcome: "code_corrected"}))(t)
		failed = append(failed, ok(f.tasks.WriteBackFailed(ctx, task.ID, done.WriteBackRunID, "The portal refused the note."))(t))
	}
	ok(f.tasks.RetryWriteBack(ctx, failed[0].ID, 0, "sam"))(t)
	if open := ok(f.store.Tasks(ctx, orchestrator.TaskFilter{Reason: orchestrator.ReasonActionFailed, Open: true}))(t); len(open) != 1 {
		t.Fatalf("one write-back of the item still failed, and automation tasks open: %+v", open)
	}
	ok(f.tasks.RetryWriteBack(ctx, failed[1].ID, 0, "sam"))(t)
	if open := ok(f.store.Tasks(ctx, orchestrator.TaskFilter{Reason: orchestrator.ReasonActionFailed, Open: true}))(t); len(open) != 0 {
		t.Fatalf("both write-backs retried, and automation tasks open: %+v", open)
	}
}
