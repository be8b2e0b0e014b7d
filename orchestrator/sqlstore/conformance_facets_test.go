package sqlstore

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// testTaskFacetsMatchTasks: the reasons offered are exactly those of the
// open tasks (a reason only completed tasks carry is not offered), and the
// payers every non-empty payer a task carries; a limit cuts both.
func testTaskFacetsMatchTasks(t *testing.T, s *Store) {
	ctx := ctxT(t)
	seedFilterTasks(t, s)
	// A reason that only a completed task carries.
	res, err := s.UpsertItem(ctx, upsert(t, "r1", t0, "FACET-1", hold{Account: "FACET-1"}))
	must(t, err)
	done, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: res.Item.ID, Queue: orchestrator.QueueCoding, Reason: "only_completed", CreatedAt: t0})
	must(t, err)
	done.Status, done.CompletedAt, done.Outcome = orchestrator.TaskCompleted, t0, "done"
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: done, Actor: "user:test", Action: "task.test", At: t0})
	must(t, err)

	all, err := s.Tasks(ctx, orchestrator.TaskFilter{Limit: 10_000})
	must(t, err)
	var reasons, payers []string
	for _, task := range all {
		if task.Status.Open() && !slices.Contains(reasons, task.Reason) {
			reasons = append(reasons, task.Reason)
		}
		if task.Payer != "" && !slices.Contains(payers, task.Payer) {
			payers = append(payers, task.Payer)
		}
	}
	f, err := s.TaskFacets(ctx, 100)
	must(t, err)
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"reasons", f.Reasons, reasons}, {"payers", f.Payers, payers}} {
		got, want := slices.Clone(c.got), slices.Clone(c.want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("facet %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if slices.Contains(f.Reasons, "only_completed") || len(f.Reasons) < 4 {
		t.Errorf("reasons = %q", f.Reasons)
	}
	cut, err := s.TaskFacets(ctx, 2)
	must(t, err)
	if len(cut.Reasons) != 2 || len(cut.Payers) != 2 {
		t.Errorf("limit 2: %d reasons, %d payers", len(cut.Reasons), len(cut.Payers))
	}
}

// testAuditSearch: newest first, paged by BeforeSeq, filtered by actor
// (a bare name is the user), action (exact or a "kind." prefix), object
// (a path segment anywhere in the subject, exact, or a "kind:" prefix)
// and time range.
func testAuditSearch(t *testing.T, s *Store) {
	ctx := ctxT(t)
	add := func(at time.Time, actor, action, subject string) {
		_, err := s.AppendAudit(ctx, orchestrator.AuditEntry{At: at, Actor: actor, Action: action, Subject: subject})
		must(t, err)
	}
	add(t0, "user:alice", "task.claimed", "item:5/task:32")               // 1
	add(t0.Add(time.Hour), "user:bob", "task.resolved", "item:5/task:32") // 2
	add(t0.Add(2*time.Hour), "user:alice", "item.updated", "item:5")      // 3
	add(t0.Add(3*time.Hour), "user:alice", "item.updated", "item:50")     // 4
	add(t0.Add(4*time.Hour), "system", "task.sla_breached", "task:320")   // 5
	add(t0.Add(5*time.Hour), "run:x", "run.finished", "run:x")            // 6
	add(t0.Add(6*time.Hour), "alice", "user.login", "user:alice")         // 7
	add(t0.Add(7*time.Hour), "user:carol", "task.claimed", `item:9/task:%_'`)

	seqs := func(q orchestrator.AuditQuery) string {
		t.Helper()
		es, err := s.AuditSearch(ctx, q)
		must(t, err)
		out := ""
		for _, e := range es {
			out += fmt.Sprintf("%d ", e.Seq)
		}
		return out
	}
	for _, c := range []struct {
		q    orchestrator.AuditQuery
		want string
	}{
		{orchestrator.AuditQuery{}, "8 7 6 5 4 3 2 1 "},
		{orchestrator.AuditQuery{Limit: 3}, "8 7 6 "},
		{orchestrator.AuditQuery{BeforeSeq: 6, Limit: 3}, "5 4 3 "},
		{orchestrator.AuditQuery{Object: "task:32"}, "2 1 "},
		{orchestrator.AuditQuery{Object: "item:5"}, "3 2 1 "},
		{orchestrator.AuditQuery{Object: "item:5/task:32"}, "2 1 "},
		{orchestrator.AuditQuery{Object: "task:"}, "8 5 2 1 "},
		{orchestrator.AuditQuery{Object: "task:%_'"}, "8 "},
		{orchestrator.AuditQuery{Object: "%"}, ""},
		{orchestrator.AuditQuery{Actor: "alice"}, "7 4 3 1 "},
		{orchestrator.AuditQuery{Actor: "user:alice"}, "4 3 1 "},
		{orchestrator.AuditQuery{Actor: "system"}, "5 "},
		{orchestrator.AuditQuery{Action: "task."}, "8 5 2 1 "},
		{orchestrator.AuditQuery{Action: "task.claimed"}, "8 1 "},
		{orchestrator.AuditQuery{Action: "task"}, ""},
		{orchestrator.AuditQuery{From: t0.Add(time.Hour), Until: t0.Add(3 * time.Hour)}, "3 2 "},
		{orchestrator.AuditQuery{Actor: "alice", Object: "item:5", Action: "item."}, "3 "},
	} {
		if got := seqs(c.q); got != c.want {
			t.Errorf("AuditSearch(%+v) = %q, want %q", c.q, got, c.want)
		}
	}
}
