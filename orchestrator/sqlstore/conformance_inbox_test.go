package sqlstore

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// inboxTests are the conformance tests of the inbox's task filters, the
// payer tasks carry, and task steps in the item history.
func inboxTests() []struct {
	name string
	fn   func(t *testing.T, s *Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"TaskFiltersMatchReference", testTaskFiltersMatchReference},
		{"TaskPayerFollowsItem", testTaskPayerFollowsItem},
		{"TaskStepsInItemHistory", testTaskStepsInItemHistory},
		{"MigrationBackfillsPayer", testMigrationBackfillsPayer},
		{"TaskFacetsMatchTasks", testTaskFacetsMatchTasks},
		{"AuditSearch", testAuditSearch},
	}
}

// filterPayers are payer names with SQL and LIKE metacharacters, quotes,
// markup, case pairs and unicode, including letters whose case folding is
// not ASCII's.
var filterPayers = []string{
	"Medicare Part A", "MEDICARE Advantage", `O'Brien Health; DROP TABLE human_tasks;--`, "100% Care_Plan",
	"Ünïcödé Versicherung 医療保険", "ÜNÏCÖDÉ Kasse", `<script>alert("payer")</script>`, "Straße AG", "ΣΊΣΥΦΟΣ Ασφάλειες",
	`back\slash "quoted"`, "",
}

// seedFilterTasks opens a task per (payer, variant) with varied reasons,
// queues, priorities, creation times and SLA clocks, and completes or
// claims some.
func seedFilterTasks(t *testing.T, s *Store) {
	ctx := ctxT(t)
	reasons := []string{"missing_documentation", `rule'x`, "100%_rule", "qa_sample"}
	queues := []string{orchestrator.QueueCoding, orchestrator.QueueBilling, orchestrator.QueueCDI}
	prios := []orchestrator.Priority{orchestrator.PriorityLow, orchestrator.PriorityNormal, orchestrator.PriorityHigh, orchestrator.PriorityCritical}
	n := 0
	for i, payer := range filterPayers {
		for v := range 3 {
			n++
			data := map[string]any{"account_number": fmt.Sprintf("F%02d", n)}
			kind := orchestrator.KindCodingHold
			switch v {
			case 0:
				data["primary_payer"] = payer
			case 1: // a claim edit names its payer differently
				data["payer"], kind = payer, orchestrator.KindClaimEdit
			default: // an empty or non-string primary payer falls back to payer
				data["primary_payer"], data["payer"] = []any{i}, payer
			}
			u, err := orchestrator.NewItemUpsert("r1", t0, orchestrator.Observation{Portal: "coding-worklist",
				ExternalID: fmt.Sprintf("F%02d", n), Kind: kind, Queue: queues[n%3], Data: data})
			must(t, err)
			res, err := s.UpsertItem(ctx, u)
			must(t, err)
			task := orchestrator.HumanTask{ItemID: res.Item.ID, ItemRef: res.Item.Ref(), ItemKey: res.Item.ExternalID,
				Queue: queues[n%3], Reason: reasons[n%4], Priority: prios[n%4], CreatedAt: t0.Add(time.Duration(n) * time.Hour)}
			if n%5 != 0 { // every fifth task has no deadline
				task.AtRiskAt = t0.Add(time.Duration(24+n) * time.Hour)
				task.DueAt = t0.Add(time.Duration(48+n) * time.Hour)
			}
			created, _, err := s.CreateTask(ctx, task)
			must(t, err)
			switch n % 4 {
			case 1:
				created.Status, created.Assignee, created.AssignedAt = orchestrator.TaskAssigned, []string{"renée", "o'hara"}[n%2], t0
			case 2:
				created.Status, created.CompletedAt, created.Outcome = orchestrator.TaskCompleted, t0, "done"
				created.SLAState = []orchestrator.SLAState{"", orchestrator.SLABreached, orchestrator.SLAAtRisk}[n%3]
			default:
				continue
			}
			_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: created, Actor: "user:test", Action: "task.test", At: t0})
			must(t, err)
		}
	}
	// A task about no item (a failed run) carries no payer.
	_, _, err := s.CreateTask(ctx, orchestrator.HumanTask{Queue: orchestrator.QueueAutomation, Reason: "bot_failure:x", ItemRef: "bot:x", ItemKey: "x"})
	must(t, err)
}

// referenceTasks is TaskFilter's meaning, in Go, over every task.
func referenceTasks(all []orchestrator.HumanTask, f orchestrator.TaskFilter) []orchestrator.HumanTask {
	var out []orchestrator.HumanTask
	for _, t := range all {
		switch {
		case f.Queue != "" && t.Queue != f.Queue,
			f.Status != "" && t.Status != f.Status,
			f.Status == "" && f.Open && !t.Status.Open(),
			f.ItemID != 0 && t.ItemID != f.ItemID,
			f.Assignee != "" && t.Assignee != f.Assignee,
			f.Priority != "" && t.Priority != f.Priority,
			f.Reason != "" && t.Reason != f.Reason,
			f.Payer != "" && !orchestrator.PayerMatches(t.Payer, f.Payer),
			!f.CreatedUntil.IsZero() && t.CreatedAt.After(f.CreatedUntil),
			!f.DueBefore.IsZero() && (t.DueAt.IsZero() || !t.DueAt.Before(f.DueBefore)),
			f.Search != "" && !strings.HasPrefix(t.ItemRef, f.Search) && !strings.HasPrefix(t.ItemKey, f.Search),
			f.AfterID > 0 && f.Sort == orchestrator.TaskSortOldest && t.ID <= f.AfterID:
			continue
		}
		if f.SLAState != "" {
			st := t.SLAState
			if !f.SLAAt.IsZero() {
				switch {
				case t.Status.Open():
					st = orchestrator.SLAStateAt(f.SLAAt, t.AtRiskAt, t.DueAt)
				case st == "":
					st = orchestrator.SLAOnTrack
				}
			}
			if st != f.SLAState {
				continue
			}
		}
		out = append(out, t)
	}
	due := func(t orchestrator.HumanTask) time.Time {
		if t.DueAt.IsZero() {
			return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return t.DueAt
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch f.Sort {
		case orchestrator.TaskSortNewest:
			return a.ID > b.ID
		case orchestrator.TaskSortPriority:
			if a.Priority.Rank() != b.Priority.Rank() {
				return a.Priority.Rank() > b.Priority.Rank()
			}
			fallthrough
		case orchestrator.TaskSortDue:
			if !due(a).Equal(due(b)) {
				return due(a).Before(due(b))
			}
		}
		return a.ID < b.ID
	})
	return out
}

// Every inbox filter, alone and combined, sorted and paged, lists exactly
// what the Go reference lists and counts the same, on both dialects;
// metacharacters, quotes and unicode in values are literal.
func testTaskFiltersMatchReference(t *testing.T, s *Store) {
	ctx := ctxT(t)
	seedFilterTasks(t, s)
	all, err := s.Tasks(ctx, orchestrator.TaskFilter{Limit: 10_000})
	must(t, err)
	if len(all) != 3*len(filterPayers)+1 {
		t.Fatalf("%d tasks seeded", len(all))
	}
	for _, task := range all {
		it, err := s.Item(ctx, task.ItemID)
		if task.ItemID == 0 {
			if task.Payer != "" {
				t.Errorf("task %d without an item has payer %q", task.ID, task.Payer)
			}
			continue
		}
		must(t, err)
		if want := orchestrator.ItemPayer(it.Data); task.Payer != want {
			t.Errorf("task %d payer %q, its item's %q", task.ID, task.Payer, want)
		}
	}
	at := t0.Add(60 * time.Hour) // some tasks on track, some at risk, some breached
	var filters []orchestrator.TaskFilter
	for _, p := range []string{"medicare", "MEDICARE", "o'brien", "'", "%", "_", "100%", "drop table", "--", "ünïcödé", "ÜNÏ",
		"医療", "<script>", `"payer"`, `\`, "straße", "STRASSE", "σίσυφος", "ασφάλειες", "a", "e", " ", "zzz"} {
		filters = append(filters, orchestrator.TaskFilter{Payer: p}, orchestrator.TaskFilter{Payer: p, Open: true})
	}
	for _, r := range []string{"missing_documentation", `rule'x`, "100%_rule", "100%", "%", "qa_sample", "bot_failure:x", "' OR '1'='1"} {
		filters = append(filters, orchestrator.TaskFilter{Reason: r}, orchestrator.TaskFilter{Reason: r, Open: true})
	}
	for _, st := range []orchestrator.SLAState{orchestrator.SLAOnTrack, orchestrator.SLAAtRisk, orchestrator.SLABreached} {
		filters = append(filters,
			orchestrator.TaskFilter{SLAState: st, SLAAt: at},
			orchestrator.TaskFilter{SLAState: st, SLAAt: at, Open: true},
			orchestrator.TaskFilter{SLAState: st, SLAAt: at, Status: orchestrator.TaskCompleted},
			orchestrator.TaskFilter{SLAState: st, SLAAt: at, Status: orchestrator.TaskAssigned},
			orchestrator.TaskFilter{SLAState: st, SLAAt: t0.Add(-time.Hour), Open: true})
	}
	filters = append(filters,
		orchestrator.TaskFilter{Open: true},
		orchestrator.TaskFilter{Status: orchestrator.TaskUnassigned},
		orchestrator.TaskFilter{CreatedUntil: t0.Add(10 * time.Hour), Open: true},
		orchestrator.TaskFilter{CreatedUntil: t0.Add(10 * time.Hour)},
		orchestrator.TaskFilter{DueBefore: dbTime(t0.Add(60 * time.Hour)), Open: true}, // the store keeps microseconds
		orchestrator.TaskFilter{Priority: orchestrator.PriorityHigh, Open: true},
		orchestrator.TaskFilter{Priority: "bogus", Open: true},
		orchestrator.TaskFilter{Assignee: "o'hara", Open: true},
		orchestrator.TaskFilter{Queue: orchestrator.QueueBilling, Open: true, Payer: "a", Reason: `rule'x`},
		orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Open: true, Search: "coding-worklist/F0", Payer: "e"},
		orchestrator.TaskFilter{Queue: orchestrator.QueueCDI, Status: orchestrator.TaskAssigned, Payer: "ü", SLAState: orchestrator.SLAOnTrack, SLAAt: at},
		orchestrator.TaskFilter{Open: true, Payer: "care", Reason: "missing_documentation", CreatedUntil: t0.Add(20 * time.Hour),
			Priority: orchestrator.PriorityLow, SLAState: orchestrator.SLAOnTrack, SLAAt: at})
	sorts := []orchestrator.TaskSort{orchestrator.TaskSortPriority, orchestrator.TaskSortDue, orchestrator.TaskSortOldest, orchestrator.TaskSortNewest}
	// Completed tasks, each filter in every order (the sort rotates with
	// the filter's place), through the completed-task indexes on SQLite.
	done := orchestrator.TaskCompleted
	for _, f := range []orchestrator.TaskFilter{
		{Status: done},
		{Status: done, Queue: orchestrator.QueueBilling},
		{Status: done, Reason: "100%_rule"},
		{Status: done, Reason: "missing_documentation"},
		{Status: done, Payer: "care"},
		{Status: done, Priority: orchestrator.PriorityHigh, CreatedUntil: t0.Add(20 * time.Hour)},
		{Status: done, Search: "coding-worklist/F1"},
		{Status: done, DueBefore: dbTime(t0.Add(60 * time.Hour)), Queue: orchestrator.QueueCDI},
		{Status: done, SLAState: orchestrator.SLAOnTrack, SLAAt: at, Queue: orchestrator.QueueCoding},
	} {
		for range sorts {
			filters = append(filters, f)
		}
	}
	for i, f := range filters {
		if i%len(sorts) == 2 && i%3 == 0 {
			f.AfterID = all[len(all)/3].ID // keyset paging of the oldest-first order
		}
		sortless := f
		sortless.AfterID = 0
		want := referenceTasks(all, sortless)
		n, err := s.CountTasks(ctx, f, 0)
		must(t, err)
		if n != len(want) {
			t.Errorf("CountTasks(%+v) = %d, want %d", f, n, len(want))
		}
		if capped, err := s.CountTasks(ctx, f, 2); err != nil || capped != min(len(want), 2) {
			t.Errorf("CountTasks(%+v, 2) = %d, %v; want %d", f, capped, err, min(len(want), 2))
		}
		f.Sort = sorts[i%len(sorts)]
		want = referenceTasks(all, f)
		// SQLite reads a reason or payer filter's few matches through the
		// filter's index and many through the ordered one: both agree.
		for _, selective := range []int{selectiveMaxDefault, 0} {
			s.selectiveMax = selective
			for offset := 0; offset <= len(want); offset += 4 {
				f.Limit, f.Offset = 4, offset
				got, err := s.Tasks(ctx, f)
				if err != nil {
					t.Fatalf("Tasks(%+v): %v", f, err)
				}
				if g, w := taskIDs(got), taskIDs(want[offset:min(offset+4, len(want))]); g != w {
					t.Errorf("Tasks(%+v) with at most %d selective = %s, want %s", f, selective, g, w)
				}
			}
		}
		s.selectiveMax = selectiveMaxDefault
	}
}

func taskIDs(ts []orchestrator.HumanTask) string {
	var b bytes.Buffer
	for _, t := range ts {
		fmt.Fprintf(&b, "%d ", t.ID)
	}
	return b.String()
}

// A task carries its item's payer from creation, follows the item's data
// when the payer changes, and the payer filter finds it by the new name.
func testTaskPayerFollowsItem(t *testing.T, s *Store) {
	ctx := ctxT(t)
	res, err := s.UpsertItem(ctx, upsert(t, "r1", t0, "P1", map[string]string{"account_number": "P1", "primary_payer": "Aetna"}))
	must(t, err)
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: res.Item.ID, Queue: orchestrator.QueueCoding, Reason: "r"})
	must(t, err)
	if task.Payer != "Aetna" {
		t.Fatalf("new task's payer %q", task.Payer)
	}
	_, err = s.UpsertItem(ctx, upsert(t, "r2", t0.Add(time.Hour), "P1", map[string]string{"account_number": "P1", "primary_payer": "Ünïcödé Kasse"}))
	must(t, err)
	got, err := s.Task(ctx, task.ID)
	must(t, err)
	if got.Payer != "Ünïcödé Kasse" || got.Version != task.Version {
		t.Fatalf("after the item's payer changed: payer %q, version %d (was %d)", got.Payer, got.Version, task.Version)
	}
	for filter, want := range map[string]int{"ünï": 1, "aetna": 0} {
		n, err := s.CountTasks(ctx, orchestrator.TaskFilter{Payer: filter, Open: true}, 0)
		must(t, err)
		if n != want {
			t.Errorf("payer %q counts %d, want %d", filter, n, want)
		}
	}
}

// UpdateTask appends the item history entry it is given in the same
// transaction (none on a lost race or for a task about no item), records
// its actor as the task's last changer; a comment adds an entry without
// its text.
func testTaskStepsInItemHistory(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "H1")
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCoding, Reason: "r"})
	must(t, err)
	next := task
	next.Status, next.Assignee, next.AssignedAt = orchestrator.TaskAssigned, "alice", t0
	claimed, err := s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: next, Actor: "user:alice", Action: "task.claimed",
		Detail: "claimed", History: "task 1 claimed", At: t0.Add(time.Minute)})
	must(t, err)
	if claimed.UpdatedBy != "user:alice" {
		t.Fatalf("updated by %q", claimed.UpdatedBy)
	}
	// The same change again, from the old version: refused, no entry.
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: next, Actor: "user:bob", Action: "task.claimed", History: "task 1 claimed", At: t0})
	wantErr(t, err, orchestrator.ErrConflict)
	// A system change without a history reason adds none.
	swept := claimed
	swept.SLAState = orchestrator.SLAAtRisk
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: swept, Actor: orchestrator.ActorSystem, Action: "task.sla_at_risk", At: t0.Add(2 * time.Minute)})
	must(t, err)
	c, err := s.AddComment(ctx, orchestrator.TaskComment{TaskID: task.ID, Author: "alice", Body: "Pat Ient's op note", At: t0.Add(3 * time.Minute)})
	must(t, err)
	hist, err := s.History(ctx, it.ID)
	must(t, err)
	if len(hist) != 3 {
		t.Fatalf("history %+v, want created, claimed, commented", hist)
	}
	claim, comment := hist[1], hist[2]
	if claim.Actor != "user:alice" || claim.Action != "task.claimed" || claim.Reason != "task 1 claimed" ||
		!claim.At.Equal(dbTime(t0.Add(time.Minute))) || claim.DataHash != it.DataHash || len(claim.Changes) != 0 {
		t.Errorf("claim entry %+v", claim)
	}
	if comment.Actor != "user:alice" || comment.Action != "task.commented" ||
		comment.Reason != fmt.Sprintf("task %d commented (comment %d)", task.ID, c.ID) || strings.Contains(comment.Reason, "Pat") {
		t.Errorf("comment entry %+v", comment)
	}
	// A task about no item has no history to append to.
	free, _, err := s.CreateTask(ctx, orchestrator.HumanTask{Queue: orchestrator.QueueAutomation, Reason: "bot_failure:x"})
	must(t, err)
	free.Status, free.Assignee = orchestrator.TaskAssigned, "alice"
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: free, Actor: "user:alice", Action: "task.claimed", History: "task claimed", At: t0})
	must(t, err)
	_, err = s.AddComment(ctx, orchestrator.TaskComment{TaskID: free.ID, Author: "alice", Body: "looked", At: t0})
	must(t, err)
}

// Migration 00005 gives existing tasks their item's payer and lists the
// payers; its Down step undoes it cleanly.
func testMigrationBackfillsPayer(t *testing.T, s *Store) {
	ctx := ctxT(t)
	p, err := s.migrator()
	must(t, err)
	if _, err := p.DownTo(ctx, 4); err != nil {
		t.Fatalf("down to 4: %v", err)
	}
	at := s.d.ts(t0)
	rows := []string{
		`{"account_number":"M1","primary_payer":"Ünïcödé Kasse"}`,
		`{"claim_id":"M2","payer":"O'Brien Health"}`,
		`{"account_number":"M3","primary_payer":"","payer":"Fallback Mutual"}`,
		`{"account_number":"M4","primary_payer":7,"payer":"Typed Mutual"}`,
		`{"account_number":"M5"}`,
	}
	want := []string{"Ünïcödé Kasse", "O'Brien Health", "Fallback Mutual", "Typed Mutual", ""}
	if s.d.name == "postgres" {
		// jsonb refuses \u0000: the row is skipped, not the migration.
		rows, want = append(rows, `{"account_number":"M6","primary_payer":"A\u0000B"}`), append(want, "")
	}
	for i, data := range rows {
		var id int64
		err := s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO work_items (queue, portal, external_id, kind, status, data, data_hash, created_at, updated_at)
			VALUES ('coding', 'p', ?, 'coding_hold', 'new', ?, ?, ?, ?) RETURNING id`), fmt.Sprint("M", i), data, fmt.Sprint("h", i), at, at).Scan(&id)
		must(t, err)
		_, err = s.db.ExecContext(ctx, s.d.q(`INSERT INTO human_tasks (item_id, queue, reason, status, created_at, updated_at)
			VALUES (?, 'coding', 'r', 'unassigned', ?, ?)`), id, at, at)
		must(t, err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	tasks, err := s.Tasks(ctx, orchestrator.TaskFilter{})
	must(t, err)
	var got []string
	for _, task := range tasks {
		got = append(got, task.Payer)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("backfilled payers %q, want %q", got, want)
	}
	known, err := s.knownPayers(ctx)
	must(t, err)
	sort.Strings(known)
	if fmt.Sprint(known) != fmt.Sprint([]string{"Fallback Mutual", "O'Brien Health", "Typed Mutual", "Ünïcödé Kasse"}) {
		t.Fatalf("known payers %q", known)
	}
}
