package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestBotsAndSchedulesSayWhenAndHowWell: the bots page and API give each
// bot's schedule in words, its next run, its success rate over recent
// runs, its last success and a run in progress (with the hook the live
// progress script polls); the schedules page says the same and pausing
// asks first.
func TestBotsAndSchedulesSayWhenAndHowWell(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now()
	// Beside the seeded failed run: one that succeeded, one running.
	ok, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@ok", Bot: e.bot.Name, Slot: "s1", Status: orchestrator.RunQueued, QueuedAt: now.Add(-30 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, ok.ID, "w1", now.Add(-29*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishAttempt(ctx, ok.ID, orchestrator.RunSucceeded, "", now.Add(-28*time.Minute)); err != nil {
		t.Fatal(err)
	}
	running, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@now", Bot: e.bot.Name, Slot: "s2", Status: orchestrator.RunQueued, QueuedAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, running.ID, "w1", now.Add(-50*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := e.store.ReportProgress(ctx, running.ID, orchestrator.RunProgress{Pages: 3, Records: 42}); err != nil {
		t.Fatal(err)
	}

	status, body := e.getAs(t, "viewer", "session", "/bots")
	row := between(body, `data-bot="coding-holds"`, "</tr>")
	for _, want := range []string{"every 15 minutes, UTC", `<code class="muted">*/15 * * * *</code>`, `class="next-run" data-label="Next run"><time datetime="`,
		`title="1 of 2 recent runs succeeded">50%`, `<a href="/runs/coding-holds@ok">`, `data-run="coding-holds@now"`,
		`<span data-field="pages">3</span> pages, <span data-field="records">42</span> records`} {
		if !strings.Contains(html.UnescapeString(row), want) {
			t.Errorf("bots page row lacks %q:\n%s", want, row)
		}
	}
	if next := between(row, `data-label="Next run">`, "</td>"); !strings.Contains(next, `">in `) || strings.Contains(next, "in in") {
		t.Errorf("next run: %s", next)
	}
	if status != http.StatusOK || !strings.Contains(body, `<script src="/static/progress.js" defer></script>`) {
		t.Errorf("bots page: %d, no progress script", status)
	}
	status, body = e.getAs(t, "viewer", "token", "/api/v1/bots")
	var bots BotsJSON
	if status != http.StatusOK || json.Unmarshal([]byte(body), &bots) != nil || len(bots.Bots) != 1 {
		t.Fatalf("api bots: %d %s", status, body)
	}
	b := bots.Bots[0]
	if b.Schedule != "every 15 minutes, UTC" || b.NextRun.IsZero() || b.NextRun.Sub(now) > 15*time.Minute || b.RecentFinished != 2 ||
		b.RecentSucceeded != 1 || b.LastSuccess == nil || b.LastSuccess.ID != ok.ID || b.Active == nil || b.Active.ID != running.ID || b.Active.Records != 42 {
		t.Errorf("api bot: %+v", b)
	}

	// The progress script's source: the run's JSON says where it is.
	status, body = e.getAs(t, "viewer", "session", "/api/v1/runs/"+url.PathEscape(running.ID))
	if status != http.StatusOK || !strings.Contains(body, `"status": "running"`) || !strings.Contains(body, `"records": 42`) {
		t.Errorf("run JSON for the progress poll: %d %s", status, body)
	}
	// Its script is served under the page CSP's script-src 'self'.
	status, body = e.getAs(t, "viewer", "session", "/static/progress.js")
	if status != http.StatusOK || !strings.Contains(body, "/api/v1/runs/") {
		t.Errorf("progress.js: %d", status)
	}

	// The runs lists filter by a bot Docket knows; another is named.
	if status, body := e.getAs(t, "viewer", "token", "/api/v1/runs?bot=coding-holds"); status != http.StatusOK || !strings.Contains(body, running.ID) {
		t.Errorf("api runs of a bot: %d", status)
	}
	if status, body := e.getAs(t, "viewer", "token", "/api/v1/runs?bot=nope"); status != http.StatusBadRequest || !strings.Contains(body, `bot \"nope\" is not a bot Docket knows`) {
		t.Errorf("api runs of an unknown bot: %d %s", status, body)
	}
	if status, body := e.getAs(t, "viewer", "session", "/bots?bot=nope"); status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), `bot "nope" is not a bot Docket knows`) {
		t.Errorf("bots page of an unknown bot: %d", status)
	}

	// Schedules: words, next run, and pausing asks first.
	_, body = e.getAs(t, "viewer", "session", "/schedules")
	if !strings.Contains(body, "every 15 minutes, UTC") || strings.Contains(body, "pause-link") || strings.Contains(body, "Enabled") {
		t.Errorf("viewer's schedules page: %s", between(body, `data-bot="coding-holds"`, "</tr>"))
	}
	_, body = e.getAs(t, "supervisor", "session", "/schedules")
	row = between(body, `data-bot="coding-holds"`, "</tr>")
	if !strings.Contains(row, `href="/schedules/coding-holds/pause" class="button pause-link"`) || !strings.Contains(row, "(in ") {
		t.Errorf("supervisor's schedules row: %s", row)
	}
	status, body = e.getAs(t, "supervisor", "session", "/schedules/coding-holds/pause")
	if status != http.StatusOK || !strings.Contains(body, "Pause coding-holds?") || !strings.Contains(body, "every 15 minutes, UTC") ||
		!strings.Contains(body, `id="confirm-pause-btn"`) || !strings.Contains(body, "The next run would start at") {
		t.Errorf("pause confirmation: %d\n%s", status, between(body, `<main`, `</main>`))
	}
	if paused, _ := e.store.PausedBots(ctx); len(paused) != 0 {
		t.Fatalf("asking paused the bot: %v", paused)
	}
	if status, _ := e.getAs(t, "supervisor", "session", "/schedules/no-such-bot/pause"); status != http.StatusNotFound {
		t.Errorf("confirm for an unknown bot: %d", status)
	}
	c, csrf := e.login("supervisor")
	resp, _ := do(t, c, form(t, "POST", e.http.URL+"/schedules/coding-holds/pause", url.Values{"csrf_token": {csrf}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause: %d", resp.StatusCode)
	}
	_, body = e.getAs(t, "viewer", "session", "/bots")
	if row := between(body, `data-bot="coding-holds"`, "</tr>"); !strings.Contains(row, `data-label="Next run">paused`) {
		t.Errorf("a paused bot still shows a next run: %s", row)
	}
	if status, _ := e.getAs(t, "supervisor", "session", "/schedules/coding-holds/pause"); status != http.StatusSeeOther {
		t.Errorf("confirm for a paused bot: %d, want back to the schedules", status)
	}
}

// TestRunPageShowsThumbnails: a run's screenshots are thumbnails that open
// the evidence (for staff; viewers are told why not), its DOM snapshots
// fold away with their hashes.
func TestRunPageShowsThumbnails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := "/runs/" + url.PathEscape(e.run.ID)
	status, body := e.getAs(t, "staff", "session", path)
	shot := strconv.FormatInt(e.screenshot.ID, 10)
	if status != http.StatusOK || !strings.Contains(body, `<a href="/evidence/`+shot+`"><img src="/evidence/`+shot+`"`) ||
		!strings.Contains(body, "1 screenshot</h3>") || !strings.Contains(body, `<details id="snapshots"><summary>1 page snapshot`) {
		t.Errorf("staff's run page: %d\n%s", status, between(body, `id="evidence"`, "</section>"))
	}
	if strings.Contains(body, e.screenshot.SHA256) {
		t.Errorf("the screenshot is listed by hash")
	}
	status, body = e.getAs(t, "viewer", "session", path)
	if status != http.StatusOK || strings.Contains(body, "<img") || !strings.Contains(body, "staff may open them") {
		t.Errorf("viewer's run page: %d\n%s", status, between(body, `id="evidence"`, "</section>"))
	}
	// The thumbnail's source answers with the image.
	c, _ := e.login("staff")
	req, _ := http.NewRequest("GET", e.http.URL+"/evidence/"+shot, nil)
	if resp, _ := do(t, c, req); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("thumbnail source: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestAuditPageFiltersNewestFirst: newest first, a page at a time; actor,
// action, object (a task found by "task:N" though filed under its item)
// and dates filter; entries link to their objects; a bad date is an error
// on the page and a 400 from the API.
func TestAuditPageFiltersNewestFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	task := e.tasks[1]
	if _, err := e.svc.Claim(ctx, task.ID, 0, "staff"); err != nil {
		t.Fatal(err)
	}
	for i := range auditPageSize + 5 {
		if _, err := e.store.AppendAudit(ctx, orchestrator.AuditEntry{Actor: "system", Action: "test.filler", Subject: fmt.Sprintf("filler:%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := e.login("supervisor")
	get := func(path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+path, nil)
		resp, body := do(t, c, req)
		return resp.StatusCode, body
	}
	seqs := func(body string) []int64 {
		var out []int64
		for _, part := range strings.Split(body, `<tr class="audit-entry"><td class="num" data-label="Seq">`)[1:] {
			n, _ := strconv.ParseInt(part[:strings.Index(part, "<")], 10, 64)
			out = append(out, n)
		}
		return out
	}
	status, body := get("/audit")
	first := seqs(body)
	if status != http.StatusOK || len(first) != auditPageSize || first[0] < first[len(first)-1] || !strings.Contains(body, "user.login") {
		t.Fatalf("audit page 1: %d, %d entries, %v…", status, len(first), first[:min(3, len(first))])
	}
	if !strings.Contains(body, `id="audit-older" rel="next"`) {
		t.Fatalf("no link to older entries")
	}
	href := html.UnescapeString(between(body, `<a href="/audit?before=`, `"`))
	_, body = get("/audit?before=" + href)
	second := seqs(body)
	if len(second) == 0 || second[0] != first[len(first)-1]-1 {
		t.Fatalf("page 2 starts at %v, want %d", second, first[len(first)-1]-1)
	}

	// A task's entries by "task:N", as the placeholder suggests.
	_, body = get("/audit?object=" + url.QueryEscape("task:"+strconv.FormatInt(task.ID, 10)))
	if n := len(seqs(body)); n < 2 || !strings.Contains(body, "task.claimed") || !strings.Contains(body, "task.opened") {
		t.Errorf("object task:%d lists %d entries", task.ID, n)
	}
	tid := strconv.FormatInt(task.ID, 10)
	if !strings.Contains(body, `<a href="/tasks/`+tid+`"><bdi>task:`+tid+`</bdi></a>`) {
		t.Errorf("the task's entries do not link to the task: %s", between(body, `class="objects">`, "</td>"))
	}
	for _, c := range []struct {
		query, want, not string
	}{
		{"actor=staff", "task.claimed", "test.filler"},
		{"actor=user%3Astaff&action=task.claimed", "task.claimed", "user.login"},
		{"action=test.", "test.filler", "task.claimed"},
		{"from=2000-01-01&until=2000-01-02", "No entries match.", "test.filler"},
		{"from=" + time.Now().UTC().Format(time.DateOnly), "test.filler", "No entries match."},
	} {
		status, body := get("/audit?" + c.query)
		if status != http.StatusOK || !strings.Contains(body, c.want) || strings.Contains(between(body, `id="audit"`, "</section>"), c.not) {
			t.Errorf("audit?%s: %d, want %q and not %q", c.query, status, c.want, c.not)
		}
	}
	status, body = get("/audit?from=yesterday&before=x")
	if msg := html.UnescapeString(between(body, `id="error">`, "</p>")); status != http.StatusBadRequest ||
		!strings.Contains(msg, `from "yesterday" is not a date (YYYY-MM-DD)`) || !strings.Contains(msg, `before "x" is not an entry number`) {
		t.Errorf("bad audit filter: %d %q", status, msg)
	}
	status, body = e.getAs(t, "supervisor", "token", "/api/v1/audit?until=2026-13-01")
	if status != http.StatusBadRequest || !strings.Contains(body, `until \"2026-13-01\" is not a date`) {
		t.Errorf("api bad until: %d %s", status, body)
	}
	status, body = e.getAs(t, "supervisor", "token", "/api/v1/audit?object=task:"+tid)
	var list AuditListJSON
	if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list.Entries) < 2 || list.Entries[0].Seq < list.Entries[1].Seq {
		t.Errorf("api audit by object: %d %s", status, body)
	}
}
