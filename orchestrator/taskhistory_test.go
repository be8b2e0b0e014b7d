package orchestrator_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// A claim carries the version the person saw: one made from a page that
// is out of date fails, naming who holds the task and since when, or who
// changed it; claiming one's own task again is harmless whatever version.
func TestClaimWithStaleVersion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	task := must3(t)(f.tasks.Open(ctx, f.item(t, "V1"), orchestrator.RouteDecision{Rule: "r", Queue: orchestrator.QueueCoding}, "run:r1"))
	seen := task.Version

	// Alice claims and releases; Bob's page still shows the first version.
	f.clock.Add(time.Minute)
	claimed := ok(f.tasks.Claim(ctx, task.ID, seen, "alice"))(t)
	ok(f.tasks.Release(ctx, task.ID, claimed.Version, "alice"))(t)
	_, err := f.tasks.Claim(ctx, task.ID, seen, "bob")
	want := fmt.Sprintf("cannot claim task %d: it was changed by alice at 09:01 UTC on 2026-12-03 (now unassigned); reload and try again", task.ID)
	var ce *orchestrator.TaskConflictError
	if !errors.As(err, &ce) || !errors.Is(err, orchestrator.ErrConflict) || err.Error() != want {
		t.Fatalf("stale claim: %v, want %q", err, want)
	}
	cur := ok(f.store.Task(ctx, task.ID))(t)
	if cur.Assignee != "" || cur.UpdatedBy != "user:alice" {
		t.Fatalf("after the refused claim: %+v", cur)
	}

	// A supervisor assigns it to Carol: a stale claim says so.
	f.clock.Add(time.Minute)
	ok(f.tasks.Assign(ctx, task.ID, cur.Version, "carol", "sam"))(t)
	_, err = f.tasks.Claim(ctx, task.ID, cur.Version, "bob")
	want = fmt.Sprintf("cannot claim task %d: it was assigned to carol by sam at 09:02 UTC on 2026-12-03", task.ID)
	if err == nil || err.Error() != want {
		t.Fatalf("claim of an assigned task: %v, want %q", err, want)
	}
	// Carol claiming what she holds, from any page, changes nothing.
	before := ok(f.store.Task(ctx, task.ID))(t)
	if again := ok(f.tasks.Claim(ctx, task.ID, seen, "carol"))(t); again.Version != before.Version {
		t.Fatalf("re-claim wrote version %d over %d", again.Version, before.Version)
	}
	// A resolve from a stale page is refused too.
	if _, err := f.tasks.Resolve(ctx, task.ID, seen, "carol", orchestrator.Resolution{Outcome: "not_an_issue"}); !errors.Is(err, orchestrator.ErrConflict) {
		t.Fatalf("stale resolve: %v", err)
	}
}

// Every step a person takes on a task lands in the item's history in the
// same write as the task change, with the person as actor and no free
// text; steps that change nothing, or lose a race, add nothing; the SLA
// clock's moves stay in the audit log.
func TestTaskStepsInItemHistory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.item(t, "H1")
	task := must3(t)(f.tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "r", Queue: orchestrator.QueueCoding}, "run:r1"))
	v := task.Version
	claimed := ok(f.tasks.Claim(ctx, task.ID, v, "alice"))(t)
	ok(f.tasks.Claim(ctx, task.ID, v, "alice"))(t) // a retried claim
	if _, err := f.tasks.Claim(ctx, task.ID, v, "bob"); !errors.Is(err, orchestrator.ErrConflict) {
		t.Fatalf("lost claim: %v", err)
	}
	ok(f.tasks.Comment(ctx, task.ID, "alice", "Pat Ient's op note is in the chart"))(t)
	released := ok(f.tasks.Release(ctx, task.ID, claimed.Version, "alice"))(t)
	assigned := ok(f.tasks.Assign(ctx, task.ID, released.Version, "bob", "sam"))(t)
	escalated := ok(f.tasks.Escalate(ctx, task.ID, assigned.Version, "user:bob", "needs the physician advisor"))(t)
	f.clock.Add(3 * 24 * time.Hour)
	ok(f.tasks.SweepSLA(ctx, 100))(t) // the clock moves: the system's step, not a person's
	cur := ok(f.store.Task(ctx, task.ID))(t)
	if cur.Version == escalated.Version {
		t.Fatal("the sweep did not change the task")
	}
	ok(f.tasks.Resolve(ctx, task.ID, cur.Version, "bob", orchestrator.Resolution{Outcome: "code_corrected", Note: "Pat Ient: principal dx fixed"}))(t)

	hist := ok(f.store.History(ctx, it.ID))(t)
	var got []string
	for _, h := range hist[1:] { // the first is the bot's "created"
		got = append(got, h.Actor+" "+h.Action+" "+h.Reason)
		if h.DataHash != it.DataHash || len(h.Changes) != 0 {
			t.Errorf("history entry %s: hash %s, changes %v", h.Action, h.DataHash, h.Changes)
		}
		if strings.Contains(h.Reason, "Pat Ient") {
			t.Errorf("history entry %s holds free text: %q", h.Action, h.Reason)
		}
	}
	id := task.ID
	want := []string{
		fmt.Sprintf("user:alice task.claimed task %d claimed", id),
		fmt.Sprintf("user:alice task.commented task %d commented (comment 1)", id),
		fmt.Sprintf("user:alice task.released task %d released", id),
		fmt.Sprintf("user:sam task.assigned task %d assigned (to bob)", id),
		fmt.Sprintf("user:bob task.escalated task %d escalated (needs the physician advisor)", id),
		fmt.Sprintf("user:bob task.resolved task %d resolved (outcome code_corrected)", id),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("item history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The audit log has the same steps, and the sweep's.
	audit := ok(f.store.AuditFor(ctx, orchestrator.AuditSubjectItem(it.ID), time.Time{}, 0))(t)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if j := strings.Join(actions, ","); !strings.Contains(j, "task.escalated,task.sla_") || !strings.HasSuffix(j, ",task.resolved") {
		t.Fatalf("audit %v", actions)
	}
}
