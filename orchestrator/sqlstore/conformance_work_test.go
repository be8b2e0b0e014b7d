package sqlstore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// workTests are the conformance tests of orchestrator.WorkStore:
// lifecycles, human tasks, hostile filters, bulk upserts and audit export.
func workTests() []struct {
	name string
	fn   func(t *testing.T, s *Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"UpdateItemLifecycle", testUpdateItemLifecycle},
		{"ReferenceUniquePerQueue", testReferenceUniquePerQueue},
		{"LeasesAndDeadlines", testLeasesAndDeadlines},
		{"HostileItemFilters", testHostileItemFilters},
		{"HostileTaskFilters", testHostileTaskFilters},
		{"TaskSortAndPages", testTaskSortAndPages},
		{"UpdateTaskRace", testUpdateTaskRace},
		{"CommentsAndTurns", testCommentsAndTurns},
		{"SLADue", testSLADue},
		{"BulkUpsert", testBulkUpsert},
		{"AuditForAndEvidenceFor", testAuditForAndEvidenceFor},
	}
}

func newItem(t *testing.T, s *Store, id string) orchestrator.WorkItem {
	t.Helper()
	res, err := s.UpsertItem(ctxT(t), upsert(t, "r1", t0, id, hold{Account: id}))
	must(t, err)
	return res.Item
}

func testUpdateItemLifecycle(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "A1")
	if it.Priority != orchestrator.PriorityNormal || it.Review != orchestrator.ReviewNone || it.Status != orchestrator.ItemNew {
		t.Fatalf("new item defaults: %+v", it)
	}
	st := it.State()
	st.Status, st.LeaseOwner, st.LeaseUntil = orchestrator.ItemInProgress, "user:alice", t0.Add(time.Hour)
	st.Priority, st.DueAt = orchestrator.PriorityHigh, t0.Add(48*time.Hour)
	got, err := s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: it.Version, State: st,
		Actor: "user:alice", Action: orchestrator.ActionStarted, Reason: "picked from the inbox", At: t0.Add(time.Minute)})
	must(t, err)
	if got.Version != it.Version+1 || got.Status != orchestrator.ItemInProgress || got.LeaseOwner != "user:alice" ||
		!got.LeaseUntil.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) || got.Priority != orchestrator.PriorityHigh ||
		!got.DueAt.Equal(t0.Add(48*time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("after update: %+v", got)
	}
	again, err := s.Item(ctx, it.ID)
	must(t, err)
	if again.State() != got.State() {
		t.Fatalf("read back %+v, want %+v", again.State(), got.State())
	}
	hist, err := s.History(ctx, it.ID)
	must(t, err)
	last := hist[len(hist)-1]
	if len(hist) != 2 || last.Actor != "user:alice" || last.Action != orchestrator.ActionStarted || last.Reason != "picked from the inbox" {
		t.Fatalf("history: %+v", hist)
	}
	fields := []string{}
	for _, c := range last.Changes {
		fields = append(fields, c.Field)
	}
	if strings.Join(fields, ",") != "due_at,lease_owner,lease_until,priority,status" {
		t.Fatalf("changed fields %v", fields)
	}
	audit, err := s.AuditFor(ctx, orchestrator.AuditSubjectItem(it.ID), time.Time{}, 0)
	must(t, err)
	if len(audit) != 1 || audit[0].Action != "item.started" || audit[0].Actor != "user:alice" ||
		!strings.Contains(audit[0].Detail, `status "new"→"in_progress"`) || !strings.Contains(audit[0].Detail, "picked from the inbox") {
		t.Fatalf("audit: %+v", audit)
	}
	// The version it read is stale now.
	_, err = s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: it.Version, State: st, Actor: "user:bob", Action: "started"})
	wantErr(t, err, orchestrator.ErrConflict)
	_, err = s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: 9999, Version: 1, State: st, Actor: "user:bob", Action: "started"})
	wantErr(t, err, orchestrator.ErrNotFound)
	bad := st
	bad.Priority = "urgent"
	_, err = s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: got.Version, State: bad, Actor: "user:bob", Action: "edited"})
	wantErr(t, err, orchestrator.ErrInvalid)
	// A bot re-reading the portal does not undo the lifecycle.
	res, err := s.UpsertItem(ctx, upsert(t, "r2", t0.Add(2*time.Minute), "A1", hold{Account: "A1", Days: 9}))
	must(t, err)
	if res.Item.Status != orchestrator.ItemInProgress || res.Item.Priority != orchestrator.PriorityHigh {
		t.Fatalf("upsert changed the lifecycle: %+v", res.Item)
	}
}

func testReferenceUniquePerQueue(t *testing.T, s *Store) {
	ctx := ctxT(t)
	a, b := newItem(t, s, "A1"), newItem(t, s, "A2")
	setRef := func(it orchestrator.WorkItem, queue, ref string) (orchestrator.WorkItem, error) {
		cur, err := s.Item(ctx, it.ID)
		must(t, err)
		st := cur.State()
		st.Queue, st.Reference = queue, ref
		return s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: cur.Version, State: st, Actor: "user:a", Action: "edited"})
	}
	_, err := setRef(a, orchestrator.QueueCoding, "CLM-1")
	must(t, err)
	_, err = setRef(b, orchestrator.QueueCoding, "CLM-1")
	wantErr(t, err, orchestrator.ErrConflict)
	if !strings.Contains(err.Error(), `reference "CLM-1" is taken in queue coding`) {
		t.Fatalf("conflict message: %v", err)
	}
	_, err = setRef(b, orchestrator.QueueBilling, "CLM-1")
	must(t, err)
	// Empty references never collide.
	_, err = setRef(a, orchestrator.QueueBilling, "")
	must(t, err)
	c := newItem(t, s, "A3")
	_, err = setRef(c, orchestrator.QueueBilling, "")
	must(t, err)
}

func testLeasesAndDeadlines(t *testing.T, s *Store) {
	ctx := ctxT(t)
	set := func(id string, status orchestrator.ItemStatus, lease, due time.Time) orchestrator.WorkItem {
		it := newItem(t, s, id)
		st := it.State()
		st.Status, st.LeaseUntil, st.DueAt = status, lease, due
		if status == orchestrator.ItemInProgress {
			st.LeaseOwner = "run:r1"
		}
		out, err := s.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: it.ID, Version: it.Version, State: st, Actor: "system", Action: "edited", Reason: "test"})
		must(t, err)
		return out
	}
	expired := set("L1", orchestrator.ItemInProgress, t0.Add(-time.Minute), time.Time{})
	set("L2", orchestrator.ItemInProgress, t0.Add(time.Minute), time.Time{})
	late := set("D1", orchestrator.ItemNew, time.Time{}, t0.Add(-time.Hour))
	set("D2", orchestrator.ItemNew, time.Time{}, t0.Add(time.Hour))
	set("D3", orchestrator.ItemSuccessful, time.Time{}, t0.Add(-time.Hour))
	leases, err := s.ExpiredLeases(ctx, t0, 10)
	must(t, err)
	if len(leases) != 1 || leases[0].ID != expired.ID {
		t.Fatalf("expired leases: %+v", leases)
	}
	past, err := s.PastDeadline(ctx, t0, 10)
	must(t, err)
	if len(past) != 1 || past[0].ID != late.ID {
		t.Fatalf("past deadline: %+v", past)
	}
}

// hostile are external ids and texts with SQL and LIKE metacharacters and
// unicode; filters must match them literally and never fail.
var hostileIDs = []string{`O'Brien`, `A%1`, `A_1`, `AB1`, `x\y`, `'; DROP TABLE work_items; --`, `Zoë-東京-🩺`, `"quoted"`, `A?1`, `$1`}

func testHostileItemFilters(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for _, id := range hostileIDs {
		newItem(t, s, id)
	}
	search := func(q string) []string {
		t.Helper()
		items, err := s.Items(ctx, orchestrator.ItemFilter{Search: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ExternalID)
		}
		return ids
	}
	cases := map[string]string{
		`A_`: `A_1`, `A%`: `A%1`, `A`: `A%1,A?1,AB1,A_1`, `O'`: `O'Brien`, `x\`: `x\y`, `'; DROP`: `'; DROP TABLE work_items; --`,
		`Zoë-東`: `Zoë-東京-🩺`, `Zoe`: ``, `"`: `"quoted"`, `$1`: `$1`, `A?`: `A?1`, `%`: ``, `_`: ``,
	}
	for q, want := range cases {
		if got := strings.Join(search(q), ","); got != want {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
	for _, f := range []orchestrator.ItemFilter{
		{Queue: `'; DROP TABLE work_items; --`}, {Portal: `" OR 1=1 --`}, {Status: `new' OR '1'='1`}, {Kind: "東京"},
	} {
		items, err := s.Items(ctx, f)
		if err != nil || len(items) != 0 {
			t.Errorf("Items(%+v) = %d items, %v; want none, no error", f, len(items), err)
		}
	}
	all, err := s.Items(ctx, orchestrator.ItemFilter{Limit: 100})
	must(t, err)
	if len(all) != len(hostileIDs) {
		t.Fatalf("%d items after hostile filters, want %d", len(all), len(hostileIDs))
	}
}

func testHostileTaskFilters(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for i, id := range hostileIDs {
		it := newItem(t, s, id)
		_, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, ItemRef: it.Ref(), ItemKey: it.ExternalID, Queue: orchestrator.QueueCoding,
			Reason: "r", Assignee: []string{"renée", "o'hara", ""}[i%3], DueAt: t0.Add(time.Duration(i) * time.Hour)})
		must(t, err)
	}
	search := func(f orchestrator.TaskFilter) int {
		t.Helper()
		tasks, err := s.Tasks(ctx, f)
		if err != nil {
			t.Fatalf("tasks %+v: %v", f, err)
		}
		return len(tasks)
	}
	cases := []struct {
		f    orchestrator.TaskFilter
		want int
	}{
		{orchestrator.TaskFilter{Search: `A%`}, 1}, // prefixes, every character literal
		{orchestrator.TaskFilter{Search: `A_`}, 1},
		{orchestrator.TaskFilter{Search: `A`}, 4},
		{orchestrator.TaskFilter{Search: `%`}, 0},
		{orchestrator.TaskFilter{Search: `_`}, 0},
		{orchestrator.TaskFilter{Search: `x\`}, 1},
		{orchestrator.TaskFilter{Search: `'`}, 1},
		{orchestrator.TaskFilter{Search: `O'B`}, 1},
		{orchestrator.TaskFilter{Search: `"`}, 1},
		{orchestrator.TaskFilter{Search: `$1`}, 1},
		{orchestrator.TaskFilter{Search: `Zoë-東`}, 1},
		{orchestrator.TaskFilter{Search: `🩺`}, 0},
		{orchestrator.TaskFilter{Search: `coding-worklist/A`}, 4}, // the reference
		{orchestrator.TaskFilter{Search: `coding-worklist/Zoë`, Queue: orchestrator.QueueCoding, Open: true}, 1},
		{orchestrator.TaskFilter{Assignee: "renée"}, 4},
		{orchestrator.TaskFilter{Assignee: "o'hara"}, 3},
		{orchestrator.TaskFilter{Assignee: "' OR ''='"}, 0},
		{orchestrator.TaskFilter{Queue: "coding' --", Open: true}, 0},
		{orchestrator.TaskFilter{Open: true, Sort: orchestrator.TaskSortPriority}, len(hostileIDs)},
	}
	for _, c := range cases {
		if got := search(c.f); got != c.want {
			t.Errorf("Tasks(%+v) = %d, want %d", c.f, got, c.want)
		}
		// Every task is open: the inbox's open-task search (which SQLite
		// answers through a probe of the prefix indexes) agrees.
		if c.f.Search != "" && !c.f.Open {
			f := c.f
			f.Open, f.Sort = true, orchestrator.TaskSortPriority
			if got := search(f); got != c.want {
				t.Errorf("Tasks(%+v) = %d, want %d", f, got, c.want)
			}
		}
	}
}

func testTaskSortAndPages(t *testing.T, s *Store) {
	ctx := ctxT(t)
	mk := func(id string, p orchestrator.Priority, due time.Time) orchestrator.HumanTask {
		it := newItem(t, s, id)
		task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueBilling, Reason: "r", Priority: p, DueAt: due})
		must(t, err)
		return task
	}
	a := mk("S1", orchestrator.PriorityNormal, t0.Add(2*time.Hour))
	b := mk("S2", orchestrator.PriorityCritical, time.Time{})
	c := mk("S3", orchestrator.PriorityCritical, t0.Add(3*time.Hour))
	d := mk("S4", orchestrator.PriorityLow, t0.Add(time.Hour))
	e := mk("S5", orchestrator.PriorityNormal, time.Time{})
	order := func(f orchestrator.TaskFilter) []int64 {
		tasks, err := s.Tasks(ctx, f)
		must(t, err)
		var ids []int64
		for _, x := range tasks {
			ids = append(ids, x.ID)
		}
		return ids
	}
	want := fmt.Sprint([]int64{c.ID, b.ID, a.ID, e.ID, d.ID})
	if got := fmt.Sprint(order(orchestrator.TaskFilter{Queue: orchestrator.QueueBilling, Open: true, Sort: orchestrator.TaskSortPriority})); got != want {
		t.Fatalf("priority order %s, want %s", got, want)
	}
	want = fmt.Sprint([]int64{d.ID, a.ID, c.ID, b.ID, e.ID})
	if got := fmt.Sprint(order(orchestrator.TaskFilter{Sort: orchestrator.TaskSortDue})); got != want {
		t.Fatalf("due order %s, want %s", got, want)
	}
	if got := fmt.Sprint(order(orchestrator.TaskFilter{AfterID: b.ID, Limit: 2})); got != fmt.Sprint([]int64{c.ID, d.ID}) {
		t.Fatalf("page after %d: %s", b.ID, got)
	}
}

// Two writers that read the same version: exactly one wins, the other
// gets ErrConflict, and only the winner's audit entry exists.
func testUpdateTaskRace(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "R1")
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCoding, Reason: "r"})
	must(t, err)
	users := []string{"alice", "bob", "carol", "dan"}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins []string
		errs []error
	)
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := task
			n.Status, n.Assignee, n.AssignedAt = orchestrator.TaskAssigned, u, t0
			_, err := s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: n, Actor: "user:" + u, Action: "task.claimed", At: t0})
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
	if len(wins) != 1 {
		t.Fatalf("winners %v, want exactly one", wins)
	}
	for _, err := range errs {
		if !errors.Is(err, orchestrator.ErrConflict) {
			t.Fatalf("loser error %v, want ErrConflict", err)
		}
	}
	got, err := s.Task(ctx, task.ID)
	must(t, err)
	if got.Assignee != wins[0] || got.Version != task.Version+1 {
		t.Fatalf("task after race: %+v", got)
	}
	audit, err := s.AuditFor(ctx, orchestrator.AuditSubjectItem(it.ID), time.Time{}, 0)
	must(t, err)
	claims := 0
	for _, a := range audit {
		if a.Action == "task.claimed" {
			claims++
			if a.Actor != "user:"+wins[0] || a.Subject != orchestrator.AuditSubjectTask(it.ID, task.ID) {
				t.Fatalf("claim audit %+v", a)
			}
		}
	}
	if claims != 1 {
		t.Fatalf("%d claim audit entries, want 1", claims)
	}
	_, err = s.Task(ctx, 424242)
	wantErr(t, err, orchestrator.ErrNotFound)
	n := got
	n.ID = 424242
	_, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: n, Actor: "user:x", Action: "task.claimed"})
	wantErr(t, err, orchestrator.ErrNotFound)
}

func testCommentsAndTurns(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "C1")
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCDI, Reason: "r"})
	must(t, err)
	for _, body := range []string{"query sent to Dr. Ng", "réponse reçue 'oui' %_"} {
		_, err := s.AddComment(ctx, orchestrator.TaskComment{TaskID: task.ID, Author: "dana", Body: body, At: t0})
		must(t, err)
	}
	cs, err := s.Comments(ctx, task.ID)
	must(t, err)
	if len(cs) != 2 || cs[1].Body != "réponse reçue 'oui' %_" || cs[0].Author != "dana" || !cs[0].At.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("comments %+v", cs)
	}
	_, err = s.AddComment(ctx, orchestrator.TaskComment{TaskID: 999, Author: "dana", Body: "x"})
	wantErr(t, err, orchestrator.ErrNotFound)
	audit, err := s.AuditFor(ctx, orchestrator.AuditSubjectItem(it.ID), time.Time{}, 0)
	must(t, err)
	for _, a := range audit {
		if strings.Contains(a.Detail, "Dr. Ng") {
			t.Fatalf("comment text in the audit log: %+v", a)
		}
	}
	for want := int64(1); want <= 3; want++ {
		n, err := s.NextInTurn(ctx, "assign:billing")
		must(t, err)
		if n != want {
			t.Fatalf("turn %d, want %d", n, want)
		}
	}
	counts, err := s.CountOpenTasks(ctx, orchestrator.QueueCDI)
	must(t, err)
	if counts[""] != 1 {
		t.Fatalf("open counts %v", counts)
	}
}

func testSLADue(t *testing.T, s *Store) {
	ctx := ctxT(t)
	mk := func(id string, atRisk, due, esc time.Time, state orchestrator.SLAState) orchestrator.HumanTask {
		it := newItem(t, s, id)
		task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCDI, Reason: "r",
			AtRiskAt: atRisk, DueAt: due, EscalateAt: esc, SLAState: state})
		must(t, err)
		return task
	}
	past, future := t0.Add(-time.Hour), t0.Add(time.Hour)
	risk := mk("T1", past, future, time.Time{}, orchestrator.SLAOnTrack)
	mk("T2", past, future, time.Time{}, orchestrator.SLAAtRisk) // already alerted
	breach := mk("T3", past, past, time.Time{}, orchestrator.SLAAtRisk)
	mk("T4", past, past, time.Time{}, orchestrator.SLABreached) // already breached
	esc := mk("T5", future, future, past, orchestrator.SLAOnTrack)
	mk("T6", future, future, future, orchestrator.SLAOnTrack)
	due, err := s.SLADue(ctx, t0, 10)
	must(t, err)
	got := []int64{}
	for _, d := range due {
		got = append(got, d.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint([]int64{risk.ID, breach.ID, esc.ID}) {
		t.Fatalf("SLA due %v, want %v", got, []int64{risk.ID, breach.ID, esc.ID})
	}
}

func testBulkUpsert(t *testing.T, s *Store) {
	ctx := ctxT(t)
	const n = 1200 // more than two chunks
	batch := func(run string, days func(i int) int) []orchestrator.ItemUpsert {
		us := make([]orchestrator.ItemUpsert, n)
		for i := range us {
			id := fmt.Sprintf("B%05d", i)
			us[i] = upsert(t, run, t0, id, hold{Account: id, Days: days(i)})
		}
		return us
	}
	newItem(t, s, "B00007") // exists already, same data as the first batch
	res, err := s.BulkUpsertItems(ctx, batch("r1", func(int) int { return 0 }))
	must(t, err)
	count := map[orchestrator.UpsertOutcome]int{}
	for i, r := range res {
		count[r.Outcome]++
		if r.Item.ExternalID != fmt.Sprintf("B%05d", i) || r.Item.ID == 0 {
			t.Fatalf("result %d is %+v", i, r.Item)
		}
	}
	if count[orchestrator.UpsertCreated] != n-1 || count[orchestrator.UpsertUnchanged] != 1 {
		t.Fatalf("first batch outcomes %v", count)
	}
	res, err = s.BulkUpsertItems(ctx, batch("r2", func(i int) int { return i % 3 }))
	must(t, err)
	count = map[orchestrator.UpsertOutcome]int{}
	for _, r := range res {
		count[r.Outcome]++
	}
	if count[orchestrator.UpsertUpdated] != 800 || count[orchestrator.UpsertUnchanged] != 400 {
		t.Fatalf("second batch outcomes %v", count)
	}
	it, err := s.ItemByRef(ctx, "coding-worklist", "B00003")
	must(t, err)
	if it.LastRunID != "r2" || it.FirstRunID != "r1" {
		t.Fatalf("unchanged item runs: %+v", it)
	}
	hist, err := s.History(ctx, res[1].Item.ID)
	must(t, err)
	if len(hist) != 2 || hist[0].Action != orchestrator.ActionCreated || hist[1].Action != orchestrator.ActionUpdated {
		t.Fatalf("history of a changed item: %+v", hist)
	}
	audit, err := s.AuditFor(ctx, "run:r2", time.Time{}, 0)
	must(t, err)
	if len(audit) != 1 || audit[0].Action != "items.upserted" || !strings.HasPrefix(audit[0].Detail, "created 0, updated 800, unchanged 400; digest sha256:") {
		t.Fatalf("bulk audit %+v", audit)
	}
	dup := batch("r3", func(int) int { return 0 })[:2]
	dup[1] = dup[0]
	_, err = s.BulkUpsertItems(ctx, dup)
	wantErr(t, err, orchestrator.ErrInvalid)
}

func testAuditForAndEvidenceFor(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for i, subj := range []string{"item:4", "item:42", "item:42/task:7", "item:420/task:1", "bot:x", "item:42/task:8"} {
		_, err := s.AppendAudit(ctx, orchestrator.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "system", Action: "a", Subject: subj})
		must(t, err)
	}
	got, err := s.AuditFor(ctx, "item:42", time.Time{}, 0)
	must(t, err)
	var subs []string
	for _, a := range got {
		subs = append(subs, a.Subject)
	}
	if strings.Join(subs, " ") != "item:42 item:42/task:7 item:42/task:8" {
		t.Fatalf("audit for item:42: %v", subs)
	}
	since, err := s.AuditFor(ctx, "", t0.Add(4*time.Minute), 0)
	must(t, err)
	if len(since) != 2 || since[0].Seq != 5 {
		t.Fatalf("audit since: %+v", since)
	}
	for i, rec := range []orchestrator.Evidence{
		{SHA256: "a1", Kind: "dom", RunID: "r1", ItemRef: "A1", URL: "u1"},
		{SHA256: "a2", Kind: "screenshot", RunID: "r1", URL: "u2"},
		{SHA256: "a3", Kind: "dom", RunID: "r2", ItemRef: "A2", URL: "u3"},
		{SHA256: "a4", Kind: "screenshot", RunID: "wb", URL: "u4"},
	} {
		rec.CapturedAt = t0.Add(time.Duration(i) * time.Minute)
		_, err := s.AppendEvidence(ctx, rec)
		must(t, err)
	}
	ev, err := s.EvidenceFor(ctx, "A1", []string{"wb", "nope'"})
	must(t, err)
	if len(ev) != 2 || ev[0].SHA256 != "a1" || ev[1].SHA256 != "a4" {
		t.Fatalf("evidence for A1: %+v", ev)
	}
	ev, err = s.EvidenceSince(ctx, t0.Add(2*time.Minute), 0)
	must(t, err)
	if len(ev) != 2 || ev[0].ID != 3 {
		t.Fatalf("evidence since: %+v", ev)
	}
}
