package inbox

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestMyWorkNextClaimAndBulkAssign walks the list actions: staff land on
// "My work"; "next" opens their own most urgent task before any unclaimed
// one, else the unclaimed task due first, else says nothing is left; a
// claim from the list returns to the list (a stale one says who won); a
// supervisor's bulk assignment audits one change per task and reports
// each task's result, refusing a resolved task without stopping the rest;
// staff may not bulk assign.
func TestMyWorkNextClaimAndBulkAssign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	staff, staffCSRF := e.login("staff")
	staff2, staff2CSRF := e.login("staff2")
	sup, supCSRF := e.login("supervisor")
	admin, _ := e.login("admin")
	id := func(i int) string { return strconv.FormatInt(e.tasks[i].ID, 10) }
	get := func(c *http.Client, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+path, nil)
		return do(t, c, req)
	}
	post := func(c *http.Client, path string, v url.Values) (*http.Response, string) {
		t.Helper()
		return do(t, c, form(t, "POST", e.http.URL+path, v))
	}

	if resp, _ := get(staff, "/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
		t.Fatalf("staff at /: %d to %q, want 303 to /work", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(sup, "/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("supervisor at /: %d, want the overview", resp.StatusCode)
	}
	resp, body := get(staff, "/work")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "(0 tasks)") || !strings.Contains(body, `id="next-task"`) ||
		!strings.Contains(body, "Nothing is assigned to you") {
		t.Fatalf("empty My work: %d\n%s", resp.StatusCode, body)
	}

	// Nothing of staff's own: next is the unclaimed task due first.
	if resp, _ := get(staff, "/next"); resp.Header.Get("Location") != "/tasks/"+id(0) {
		t.Fatalf("next = %q, want task %s (due first)", resp.Header.Get("Location"), id(0))
	}
	// The supervisor gives task 0 away and task 3 to staff: staff's next
	// is their own task 3, though task 1 is due before it.
	for _, a := range []struct {
		task int
		user string
	}{{0, "staff2"}, {3, "staff"}} {
		if _, err := e.svc.Assign(ctx, e.tasks[a.task].ID, 0, a.user, "supervisor"); err != nil {
			t.Fatal(err)
		}
	}
	if resp, _ := get(staff, "/next"); resp.Header.Get("Location") != "/tasks/"+id(3) {
		t.Fatalf("next with a task of one's own = %q, want task %s", resp.Header.Get("Location"), id(3))
	}

	// Claim task 1 from the list; the list comes back with the
	// confirmation and its filters.
	resp, _ = post(staff, "/inbox/claim", url.Values{"csrf_token": {staffCSRF}, "task": {id(1)}, "version": {"1"}, "back": {"/inbox?sort=oldest"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/inbox?ok=claimed&sort=oldest" {
		t.Fatalf("claim from the list: %d to %q", resp.StatusCode, loc)
	}
	if got, _ := e.store.Task(ctx, e.tasks[1].ID); got.Assignee != "staff" || got.Status != orchestrator.TaskAssigned {
		t.Fatalf("after claim: %+v", got)
	}
	// staff2 claims it too, from the page they loaded before.
	resp, body = post(staff2, "/inbox/claim", url.Values{"csrf_token": {staff2CSRF}, "task": {id(1)}, "version": {"1"}, "back": {"/inbox"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "cannot claim task "+id(1)+": it was claimed by staff") {
		t.Fatalf("late claim: %d\n%s", resp.StatusCode, between(body, `id="results"`, "</ul>"))
	}
	// A foreign back target stays on the site.
	resp, _ = post(staff, "/inbox/claim", url.Values{"csrf_token": {staffCSRF}, "task": {id(1)}, "back": {"//evil.example/x"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/inbox?") {
		t.Fatalf("claim with a foreign back: %d to %q", resp.StatusCode, loc)
	}

	// My work: staff's two tasks, the earlier deadline first.
	_, body = get(staff, "/work")
	if got := listedTasks(body); !equalIDs(got, []int64{e.tasks[1].ID, e.tasks[3].ID}) || !strings.Contains(body, "(2 tasks)") {
		t.Fatalf("My work lists %v, want tasks 1 and 3", got)
	}
	if !strings.Contains(body, "due in 2 business days") || !strings.Contains(body, `<time datetime="`) {
		t.Errorf("My work does not say when tasks are due in business days")
	}

	// Bulk assignment: staff may not; the supervisor assigns 2 and 5, and
	// 4, resolved meanwhile, is refused on its own.
	if resp, _ := post(staff, "/inbox/assign", url.Values{"csrf_token": {staffCSRF}, "task": {id(2)}, "user": {"staff2"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("staff bulk assign: %d, want 403", resp.StatusCode)
	}
	if _, err := e.svc.Claim(ctx, e.tasks[4].ID, 0, "staff2"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Resolve(ctx, e.tasks[4].ID, 0, "staff2", orchestrator.Resolution{Outcome: "not_an_issue"}); err != nil {
		t.Fatal(err)
	}
	_, body = get(sup, "/inbox")
	if !strings.Contains(body, `id="bulk-user"`) || !strings.Contains(body, `<option>staff2</option>`) || !strings.Contains(body, `form="bulk"`) {
		t.Fatalf("supervisor's inbox has no bulk assignment")
	}
	// Task 1 is listed at version 1 but staff claimed it since: refused.
	if !strings.Contains(body, `value="`+id(2)+`:1" form="bulk"`) {
		t.Fatalf("the bulk checkbox does not carry the version the list shows")
	}
	resp, body = post(sup, "/inbox/assign", url.Values{"csrf_token": {supCSRF}, "user": {"staff2"}, "back": {"/inbox?queue=coding"},
		"task": {id(2) + ":1", id(4), id(5), "x", id(1) + ":1"}})
	results := html.UnescapeString(between(body, `id="results"`, "</ul>"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(results, "Task #"+id(2)+"</a>: assigned to staff2") ||
		!strings.Contains(results, "Task #"+id(5)+"</a>: assigned to staff2") ||
		!strings.Contains(results, "Task #"+id(4)+"</a>: <bdi>cannot assign task "+id(4)) || !strings.Contains(results, `"x" is not a task number`) ||
		!strings.Contains(results, "Task #"+id(1)+"</a>: <bdi>cannot assign task "+id(1)+": it was claimed by staff") {
		t.Fatalf("bulk results: %d\n%s", resp.StatusCode, results)
	}
	if !strings.Contains(body, `name="queue" id="f-queue"`) || !strings.Contains(body, `<option selected>coding</option>`) {
		t.Errorf("after the bulk action the list lost its filter")
	}
	if got, _ := e.store.Task(ctx, e.tasks[1].ID); got.Assignee != "staff" {
		t.Errorf("a task claimed since the list was loaded was reassigned to %q", got.Assignee)
	}
	for _, i := range []int{2, 5} {
		got, _ := e.store.Task(ctx, e.tasks[i].ID)
		if got.Assignee != "staff2" {
			t.Errorf("task %d after bulk assign: %q", i, got.Assignee)
		}
		entries, _ := e.store.AuditFor(ctx, orchestrator.AuditSubjectTask(got.ItemID, got.ID), time.Time{}, 0)
		n := 0
		for _, a := range entries {
			if a.Action == "task.assigned" && a.Actor == "user:supervisor" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("task %d: %d audited assignments by the supervisor, want 1", i, n)
		}
	}
	_, body = post(sup, "/inbox/assign", url.Values{"csrf_token": {supCSRF}, "user": {"nobody"}, "task": {id(2)}})
	if !strings.Contains(html.UnescapeString(body), `"nobody" is not an active staff user`) {
		t.Errorf("assign to an unknown user: %s", between(body, `id="results"`, "</ul>"))
	}
	_, body = post(sup, "/inbox/assign", url.Values{"csrf_token": {supCSRF}, "user": {"staff2"}})
	if !strings.Contains(body, "Tick the tasks to assign first.") {
		t.Errorf("assign nothing: %s", between(body, `id="results"`, "</ul>"))
	}

	// Nothing unclaimed left: admin (who may work tasks) is told so.
	if resp, _ := get(admin, "/next"); resp.Header.Get("Location") != "/work?ok=nonext" {
		t.Fatalf("next with nothing left = %q", resp.Header.Get("Location"))
	}
	if _, body := get(admin, "/work?ok=nonext"); !strings.Contains(body, "Nothing left to work") {
		t.Errorf("My work does not say nothing is left")
	}
	e.noPHIInLogs()
}

// TestInboxListShowsSortFacetsAndGrammar: the current sort is marked
// (aria-sort and an arrow), the reason and payer selects offer what the
// data holds, and one task is "1 task".
func TestInboxListShowsSortFacetsAndGrammar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _ := e.login("staff")
	get := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+path, nil)
		resp, body := do(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return body
	}
	body := get("/inbox?queue=billing")
	if !strings.Contains(body, "(1 task)") {
		t.Errorf("one task: %s", between(body, `id="total">`, "</span>"))
	}
	if !strings.Contains(get("/inbox"), "(6 tasks)") {
		t.Errorf("six tasks not counted")
	}
	for sort, col := range map[string]string{"due": "Due", "oldest": "Task", "newest": "Age", "priority": "Priority"} {
		body := get("/inbox?sort=" + sort)
		if n := strings.Count(body, "aria-sort="); n != 1 {
			t.Errorf("sort %s: %d columns marked", sort, n)
		}
		th := between(body, "aria-sort=", "</th>")
		if !strings.Contains(th, ">"+col+" <span aria-hidden=\"true\">") {
			t.Errorf("sort %s: marked column %q, want %s with an arrow", sort, th, col)
		}
	}
	body = get("/inbox")
	reasons := between(body, `id="f-reason">`, "</select>")
	payerOpts := between(body, `id="f-payer">`, "</select>")
	if !strings.Contains(reasons, "<option>missing_documentation</option>") {
		t.Errorf("reason select: %s", reasons)
	}
	for _, p := range []string{"Medicare Part A", "100% Care_Plan", "&lt;script&gt;alert(&#34;payer&#34;)&lt;/script&gt;"} {
		if !strings.Contains(payerOpts, "<option>"+p+"</option>") {
			t.Errorf("payer select lacks %q: %s", p, payerOpts)
		}
	}
	// A chosen payer stays selected and filters exactly.
	body = get("/inbox?payer=" + url.QueryEscape("100% Care_Plan"))
	if !strings.Contains(body, "<option selected>100% Care_Plan</option>") || len(listedTasks(body)) != 1 {
		t.Errorf("payer chosen: %d rows", len(listedTasks(body)))
	}
	// A reason no open task has any more is still shown as chosen.
	body = get("/inbox?reason=gone_rule")
	if !strings.Contains(body, "<option selected>gone_rule</option>") || len(listedTasks(body)) != 0 {
		t.Errorf("a reason the data lacks is not shown as chosen")
	}
}

// TestNextTaskKeepsToMyQueues: a member of a queue is sent to that
// queue's unclaimed tasks (the billing task, though coding's are due
// first); someone in no queue's member list gets the earliest of all.
func TestNextTaskKeepsToMyQueues(t *testing.T) {
	t.Parallel()
	qs := orchestrator.DefaultQueues()
	for i := range qs {
		if qs[i].Name == orchestrator.QueueBilling {
			qs[i].Members = []string{"staff2"}
		}
	}
	queues, err := orchestrator.NewQueues(nil, qs...)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) {
		svc, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: c.Store, Queues: queues, WriteBack: &fakeWriteBack{}})
		if err != nil {
			t.Fatal(err)
		}
		c.Tasks = svc
	})
	ctx := context.Background()
	billing := e.tasks[5]
	if billing.Queue != orchestrator.QueueBilling {
		t.Fatalf("fixture: task 5 is in %s", billing.Queue)
	}
	got, ok, err := e.srv.NextTask(ctx, "staff2")
	if err != nil || !ok || got.ID != billing.ID {
		t.Fatalf("staff2 (billing member): next %d %v %v, want the billing task %d", got.ID, ok, err, billing.ID)
	}
	got, ok, err = e.srv.NextTask(ctx, "staff")
	if err != nil || !ok || got.ID != e.tasks[0].ID {
		t.Fatalf("staff (no queue): next %d %v %v, want task %d", got.ID, ok, err, e.tasks[0].ID)
	}
	// An escalated task nobody holds counts as unclaimed; one held does not.
	if _, err := e.svc.Escalate(ctx, billing.ID, 0, "system", "test"); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := e.srv.NextTask(ctx, "staff2"); !ok || got.ID != billing.ID {
		t.Fatalf("escalated, unheld: next %d %v", got.ID, ok)
	}
	if _, err := e.svc.Assign(ctx, billing.ID, 0, "staff", "supervisor"); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := e.srv.NextTask(ctx, "staff2"); ok {
		t.Fatalf("nothing unclaimed in billing, yet next is %d", got.ID)
	}
}
