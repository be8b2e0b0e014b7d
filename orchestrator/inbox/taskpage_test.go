package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// getPage sends GET path with c and returns the response and its body.
func (e *env) getPage(c *http.Client, path string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+path, nil)
	return do(e.t, c, req)
}

// TestTaskPageSummaryEvidenceAndActions: the task page opens with the
// summary card (the reason in words, the codes, the amount, the deadline
// in business days, the account with its portal page), shows the
// screenshot inline beside the DOM snapshot in a sandboxed frame, keeps
// the raw fields collapsed, and offers only the actions the viewer may
// take; viewers get no task page.
func TestTaskPageSummaryEvidenceAndActions(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testTaskPageSummaryEvidenceAndActions(t, newEnvOn(t, dialect, nil))
		})
	}
}

func testTaskPageSummaryEvidenceAndActions(t *testing.T, e *env) {
	task := e.tasks[0]
	path := "/tasks/" + strconv.FormatInt(task.ID, 10)
	staff, _ := e.login("staff")
	resp, page := e.getPage(staff, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("staff task page: %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("task page CSP %q: want frames from the site and no inline script", csp)
	}
	shot, dom := strconv.FormatInt(e.screenshot.ID, 10), strconv.FormatInt(e.dom.ID, 10)
	for _, want := range []string{
		`id="summary-title"><bdi>Missing documentation</bdi>`, // the rule in words, not its slug
		`id="summary-why"><bdi>hold reason MISSING_OP_NOTE</bdi>`,
		`<code><bdi>MISSING_OP_NOTE</bdi></code> <bdi>Missing operative note</bdi>`,
		`id="summary-amount">$12,345.67<`,
		`id="summary-account">` + e.account + `<`,
		`href="http://portal.test/account/` + e.account + `" id="portal-link"`,
		`<dt>Discharged</dt><dd class="fact" data-field="discharge_date"><bdi>`,
		`<img class="evidence" src="/evidence/` + shot + `"`,
		`<iframe sandbox src="/evidence/` + dom + `/page"`,
		`<details id="raw-data">`,
		`id="resolve-form"`, `id="claim"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("staff task page lacks %s", want)
		}
	}
	if strings.Count(page, "$12,345.67") != 2 { // the card's amount and the record's field
		t.Errorf("the amount is shown %d times, want the card's and the record's", strings.Count(page, "$12,345.67"))
	}
	if strings.Index(page, `id="summary"`) > strings.Index(page, `id="raw-data"`) {
		t.Error("the summary card is not first")
	}
	if i, j := strings.Index(page, `src="/evidence/`+shot+`"`), strings.Index(page, `/evidence/`+dom+`/page`); i < 0 || j < 0 || j < i {
		t.Error("the screenshot and its DOM snapshot are not shown together")
	}
	dl := dueWhen(e.svc.Queues().Calendar, time.Now(), task.DueAt)
	if !strings.Contains(page, `<time datetime="`+dl.UTC+`" title="`+dl.Local+`">`+dl.Words+`</time>`) || !strings.Contains(dl.Words, "business day") {
		t.Errorf("the deadline %+v is not shown in business days with its local time", dl)
	}

	// Claimed by staff: staff2 may comment but not resolve or release; a
	// supervisor may reassign but not resolve; a viewer gets nothing.
	if _, err := e.svc.Claim(context.Background(), task.ID, 0, "staff"); err != nil {
		t.Fatal(err)
	}
	other, _ := e.login("staff2")
	_, page = e.getPage(other, path)
	for _, absent := range []string{`id="resolve-form"`, `id="release"`, `id="claim"`, `id="assign"`} {
		if strings.Contains(page, absent) {
			t.Errorf("staff2 sees %s on staff's task", absent)
		}
	}
	if !strings.Contains(page, `id="resolve-held"`) || !strings.Contains(page, `id="comment-form"`) {
		t.Error("staff2 is not told who holds the task, or cannot comment")
	}
	sup, _ := e.login("supervisor")
	_, page = e.getPage(sup, path)
	if strings.Contains(page, `id="resolve-form"`) || !strings.Contains(page, `id="assign"`) {
		t.Error("a supervisor sees a resolve form on staff's task, or no assign form")
	}
	_, page = e.getPage(staff, path)
	if !strings.Contains(page, `id="resolve-form"`) || !strings.Contains(page, `id="release"`) {
		t.Error("the holder has no resolve or release form")
	}
	viewer, _ := e.login("viewer")
	for _, p := range []string{path, "/evidence/" + dom + "/page", "/evidence/" + shot} {
		if resp, body := e.getPage(viewer, p); resp.StatusCode != http.StatusForbidden || strings.Contains(body, e.account) {
			t.Errorf("viewer GET %s: %d, want 403 without the account", p, resp.StatusCode)
		}
	}
	e.noPHIInLogs()
}

// TestEvidencePageIsSandboxed: a DOM snapshot is served as its page for a
// sandboxed frame (no script, may only be framed by Docket, styles from
// the portal it was captured on), by record id, audited; anything but a
// DOM snapshot is not a page.
func TestEvidencePageIsSandboxed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff, _ := e.login("staff")
	dom := "/evidence/" + strconv.FormatInt(e.dom.ID, 10) + "/page"
	resp, body := e.getPage(staff, dom)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: %d %s", dom, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"sandbox;", "default-src 'none'", "style-src 'unsafe-inline' http://portal.test;", "frame-ancestors 'self'", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("snapshot CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") || resp.Header.Get("X-Frame-Options") != "SAMEORIGIN" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("snapshot headers: CSP %q, X-Frame-Options %q, Referrer-Policy %q", csp, resp.Header.Get("X-Frame-Options"), resp.Header.Get("Referrer-Policy"))
	}
	if !strings.HasPrefix(body, `<base href="http://portal.test/account/`+e.account+`"><html>`) || !strings.Contains(body, `<script>alert("dom")</script>`) {
		t.Errorf("snapshot body %q: want the page as captured after its <base>", body)
	}
	if resp, _ := e.getPage(staff, "/evidence/"+strconv.FormatInt(e.screenshot.ID, 10)+"/page"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a screenshot as a page: %d, want 404", resp.StatusCode)
	}
	entries, err := e.store.AuditFor(context.Background(), orchestrator.AuditSubjectItem(e.items[0].ID)+"/evidence:"+strconv.FormatInt(e.dom.ID, 10), time.Time{}, 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "evidence.viewed" {
		t.Errorf("snapshot view audit: %+v %v", entries, err)
	}
	if got := withBase([]byte(`<!doctype html><HTML><Head lang=x><title>t</title>`), `http://p.test/a?b="c"`); string(got) != `<!doctype html><HTML><Head lang=x><base href="http://p.test/a?b=&#34;c&#34;"><title>t</title>` {
		t.Errorf("withBase: %s", got)
	}
	for addr, want := range map[string]string{"https://portal.example:8443/x": "https://portal.example:8443", "javascript:alert(1)": "",
		"http://a b/": "", "file:///etc/passwd": "", "http://evil.test;script-src *": ""} {
		if got := portalOrigin(addr); got != want {
			t.Errorf("portalOrigin(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestResolveGoesToNextTask: after resolving, the page is the next task:
// the viewer's own open tasks first, then unassigned ones of the same
// queue, then any; when none is left, the inbox says so.
func TestResolveGoesToNextTask(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testResolveGoesToNextTask(t, newEnvOn(t, dialect, nil))
		})
	}
}

func testResolveGoesToNextTask(t *testing.T, e *env) {
	ctx := context.Background()
	c, csrf := e.login("staff")
	mine := e.tasks[3]
	if _, err := e.svc.Claim(ctx, mine.ID, 0, "staff"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Claim(ctx, e.tasks[4].ID, 0, "staff2"); err != nil {
		t.Fatal(err)
	}
	resolve := func(id int64) string {
		t.Helper()
		resp, body := do(t, c, form(t, "POST", e.http.URL+"/tasks/"+strconv.FormatInt(id, 10)+"/resolve",
			url.Values{"csrf_token": {csrf}, "outcome": {"not_an_issue"}}))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("resolve %d: %d %s", id, resp.StatusCode, body)
		}
		return resp.Header.Get("Location")
	}
	want := "/tasks/" + strconv.FormatInt(mine.ID, 10) + "?ok=next"
	if got := resolve(e.tasks[0].ID); got != want {
		t.Fatalf("after resolving task %d: to %s, want my own task %s", e.tasks[0].ID, got, want)
	}
	_, page := e.getPage(c, want)
	if !strings.Contains(page, "Task resolved. This is your next task.") {
		t.Error("the next task does not say the last one was resolved")
	}
	// Then the unassigned tasks, staff2's task never.
	resolved := map[int64]bool{e.tasks[0].ID: true}
	next := mine.ID
	for range e.tasks {
		to := resolve(next)
		resolved[next] = true
		if to == "/work?ok=lastdone" {
			break
		}
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(to, "/tasks/"), "?ok=next"), 10, 64)
		if err != nil || resolved[id] || id == e.tasks[4].ID {
			t.Fatalf("after resolving %d: to %s", next, to)
		}
		next = id
	}
	if len(resolved) != len(e.tasks)-1 {
		t.Fatalf("resolved %d tasks one after the other, want %d", len(resolved), len(e.tasks)-1)
	}
	_, page = e.getPage(c, "/work?ok=lastdone")
	if !strings.Contains(page, "Task resolved. Nothing left to work") {
		t.Error("the inbox does not say no task is left")
	}
}

// TestBotFailureTaskShowsTheFailure: the automation team's task about a
// failed run shows the run's error in words and the screenshot it took,
// not "No evidence".
func TestBotFailureTaskShowsTheFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task, _, err := e.svc.OpenForRun(context.Background(), orchestrator.RunFailure{Run: e.run, Bot: e.bot},
		orchestrator.RouteDecision{Rule: "bot-failure", Queue: orchestrator.QueueAutomation, Priority: orchestrator.PriorityHigh,
			Detail: "A bot run failed after its retries."})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := e.login("staff")
	_, page := e.getPage(c, "/tasks/"+strconv.FormatInt(task.ID, 10))
	for _, want := range []string{
		`id="summary-title"><bdi>Bot run failed: coding-holds</bdi>`,
		`id="failed-error"`, `href="/runs/` + e.run.ID + `"`,
		`<img class="evidence" src="/evidence/` + strconv.FormatInt(e.screenshot.ID, 10) + `"`,
		`<iframe sandbox src="/evidence/` + strconv.FormatInt(e.dom.ID, 10) + `/page"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("bot-failure task page lacks %s", want)
		}
	}
	if strings.Contains(page, "No evidence") {
		t.Error("the bot-failure task says it has no evidence")
	}
}

// TestSummaryOfAClaimEdit: the card reads any kind by its declaration: a
// claim edit's account, its edit code with the edit's message, its
// procedure code and its modifiers and diagnoses; without an account it
// names the item by its key fields.
func TestSummaryOfAClaimEdit(t *testing.T) {
	kind, ok := orchestrator.NewKindRegistry().Lookup(orchestrator.KindClaimEdit)
	if !ok {
		t.Fatal("no claim_edit kind")
	}
	edit := orchestrator.ClaimEdit{ClaimID: "CLM1", EditID: "E01", AccountNumber: "ACC-9", Payer: "Lakeshore Mutual EPO",
		EditCode: "PAY-AUTH", Message: "Prior authorization number required for this procedure", Severity: "hard",
		Code: "73721", Modifiers: []string{"59", "XS"}, Diagnoses: []string{"M25.561"}}
	data, err := json.Marshal(edit)
	if err != nil {
		t.Fatal(err)
	}
	it := orchestrator.WorkItem{Kind: orchestrator.KindClaimEdit, ExternalID: "CLM1:E01", Data: data}
	task := orchestrator.HumanTask{Reason: "hard-edit", Detail: "A hard scrubber edit stops the claim until it is fixed."}
	s := summarize(task, &it, kind, true, nil, When{Words: "no deadline"})
	if s.Title != "Hard edit" || s.AccountLabel != "Account" || s.Account != "ACC-9" || s.Kind != "Claim edit" {
		t.Errorf("card %+v", s)
	}
	want := []codeChip{
		{Code: "PAY-AUTH", Text: "Prior authorization number required for this procedure"},
		{Code: "73721", Text: "Code"},
		{Label: "Modifiers", Code: "59, XS"},
		{Label: "Diagnoses", Code: "M25.561"},
	}
	if fmt.Sprint(s.Codes) != fmt.Sprint(want) {
		t.Errorf("codes %+v, want %+v", s.Codes, want)
	}
	edit.AccountNumber = ""
	data, _ = json.Marshal(edit)
	it.Data = data
	if s := summarize(task, &it, kind, true, nil, When{}); s.AccountLabel != "Claim / Edit" || s.Account != "CLM1:E01" {
		t.Errorf("without an account: %s %s", s.AccountLabel, s.Account)
	}
}
