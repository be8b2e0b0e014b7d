package inbox

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func rawForm(t *testing.T, c *http.Client, u, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// TestBadFormInput: malformed forms, oversized comments, markup and
// script in comments and portal data, NUL and broken UTF-8: clear 4xx
// answers, no 500, text kept, markup shown as text, nothing lost.
func TestBadFormInput(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testBadFormInput(t, newEnvOn(t, dialect, nil))
		})
	}
}

func testBadFormInput(t *testing.T, e *env) {
	c, csrf := e.login("staff")
	ctx := context.Background()
	task := e.tasks[0]
	base := e.http.URL + "/tasks/" + strconv.FormatInt(task.ID, 10)
	tok := "csrf_token=" + url.QueryEscape(csrf)

	// Markup, script, SQL and unicode round-trip exactly and render inert.
	nasty := "<script>alert('x')</script> <b>bold</b> '; DROP TABLE task_comments; -- Ünïcödé 医療 🙂\n\tsecond line"
	resp, _ := rawForm(t, c, base+"/comments", tok+"&body="+url.QueryEscape(nasty))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", resp.StatusCode)
	}
	comments, err := e.store.Comments(ctx, task.ID)
	if err != nil || len(comments) != 1 || comments[0].Body != nasty {
		t.Fatalf("stored comment %+v %v, want it exactly as typed", comments, err)
	}
	req, _ := http.NewRequest("GET", base, nil)
	_, page := do(t, c, req)
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>bold</b>") || strings.Contains(page, `<img src=x`) {
		t.Fatal("the task page renders markup from a comment or the portal data")
	}
	for _, want := range []string{html.EscapeString("<script>alert('x')</script>"), "Ünïcödé 医療 🙂", "&lt;img src=x onerror=", "&lt;script&gt;alert(&#34;portal&#34;)&lt;/script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the task page lacks %q as text", want)
		}
	}

	// Exactly at the limit is fine; one over is refused, and the text is
	// shown back so nothing typed is lost.
	atLimit := strings.Repeat("é", CommentMaxDefault)
	if resp, _ := rawForm(t, c, base+"/comments", tok+"&body="+url.QueryEscape(atLimit)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("comment at the limit: %d", resp.StatusCode)
	}
	over := strings.Repeat("x", CommentMaxDefault) + "<tail>"
	resp, page = rawForm(t, c, base+"/comments", tok+"&body="+url.QueryEscape(over))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "4006 characters long; the limit is 4000") ||
		!strings.Contains(page, html.EscapeString(over)+"</textarea>") {
		t.Errorf("oversized comment: %d; message or kept text missing", resp.StatusCode)
	}

	// Malformed encodings and fields.
	for _, tc := range []struct {
		name, path, body string
		status           int
		msg              string
	}{
		{"broken escape", "/comments", tok + "&body=%zz%", http.StatusBadRequest, "the comment is empty"},
		{"empty comment", "/comments", tok + "&body=+++", http.StatusBadRequest, "the comment is empty"},
		{"bad version", "/claim", tok + "&version=abc", http.StatusBadRequest, "reload the page"},
		{"negative version", "/claim", tok + "&version=-1", http.StatusBadRequest, "reload the page"},
		{"no outcome", "/resolve", tok + "&note=kept+note", http.StatusBadRequest, "choose an outcome"},
		{"unknown outcome", "/resolve", tok + "&outcome=%3Cscript%3E&note=kept+note", http.StatusBadRequest, "is not one of queue coding"},
		{"stale version", "/resolve", tok + "&version=99&outcome=not_an_issue&note=kept+note", http.StatusConflict, "reload and try again"},
		{"assign needs supervisor", "/assign", tok + "&user=staff2", http.StatusForbidden, "needs supervisor"},
	} {
		resp, page := rawForm(t, c, base+tc.path, tc.body)
		if resp.StatusCode != tc.status || !strings.Contains(page, tc.msg) {
			t.Errorf("%s: %d, want %d with %q", tc.name, resp.StatusCode, tc.status, tc.msg)
		}
		if strings.Contains(tc.body, "kept+note") && !strings.Contains(page, ">kept note</textarea>") {
			t.Errorf("%s: the note was not kept", tc.name)
		}
		if strings.Contains(page, "<script></option>") {
			t.Errorf("%s: markup from the form rendered", tc.name)
		}
	}

	// NUL and broken UTF-8 are stored as U+FFFD (PostgreSQL refuses them).
	if resp, _ := rawForm(t, c, base+"/comments", tok+"&body=a%00b%FFc"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("comment with NUL and bad UTF-8: %d", resp.StatusCode)
	}
	comments, _ = e.store.Comments(ctx, task.ID)
	if got := comments[len(comments)-1].Body; got != "a\uFFFDb\uFFFDc" {
		t.Errorf("stored %q", got)
	}

	// A body over 64 KB is refused before anything is parsed.
	resp, page = rawForm(t, c, base+"/comments", tok+"&body="+strings.Repeat("y", 70<<10))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "larger than 64 KB") {
		t.Errorf("huge form: %d", resp.StatusCode)
	}
	// Unknown task ids.
	for _, p := range []string{"/tasks/999999", "/tasks/0", "/tasks/abc", "/tasks/1e3"} {
		req, _ := http.NewRequest("GET", e.http.URL+p, nil)
		if resp, _ := do(t, c, req); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := rawForm(t, c, e.http.URL+"/tasks/999999/comments", tok+"&body=hi"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("comment on a missing task: %d", resp.StatusCode)
	}

	// The JSON API: malformed, unknown fields, wrong type, oversized.
	api := func(path, ct, body string) int {
		req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+path, strings.NewReader(body))
		req.Header.Set(csrfHeader, csrf)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, _ := do(t, c, req)
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name, path, ct, body string
		want                 int
	}{
		{"malformed", "/comments", "application/json", `{"body": "unterminated`, http.StatusBadRequest},
		{"unknown field", "/comments", "application/json", `{"text": "hi"}`, http.StatusBadRequest},
		{"wrong type", "/comments", "application/json", `{"body": 5}`, http.StatusBadRequest},
		{"form to the API", "/comments", "application/x-www-form-urlencoded", `body=hi`, http.StatusUnsupportedMediaType},
		{"oversized", "/comments", "application/json", `{"body":"` + strings.Repeat("z", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"too long", "/comments", "application/json", `{"body":"` + strings.Repeat("z", 4001) + `"}`, http.StatusBadRequest},
		{"ok", "/comments", "application/json", `{"body":"<i>fine</i> ✓"}`, http.StatusCreated},
	} {
		if got := api(tc.path, tc.ct, tc.body); got != tc.want {
			t.Errorf("API %s: %d, want %d", tc.name, got, tc.want)
		}
	}
	comments, _ = e.store.Comments(ctx, task.ID)
	if got := comments[len(comments)-1].Body; got != "<i>fine</i> ✓" {
		t.Errorf("API comment stored as %q", got)
	}
	e.noPHIInLogs()
}

// A second person's claim of a claimed task fails with who and when, on
// the page and in the API; nothing about the task changes.
func TestClaimConflict(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.tasks[1]
	base := e.http.URL + "/tasks/" + strconv.FormatInt(task.ID, 10)
	a, csrfA := e.login("staff")
	b, csrfB := e.login("staff2")
	if resp, _ := rawForm(t, a, base+"/claim", "csrf_token="+url.QueryEscape(csrfA)+"&version="+strconv.FormatInt(task.Version, 10)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first claim: %d", resp.StatusCode)
	}
	// staff2 had the page open at the same version.
	resp, page := rawForm(t, b, base+"/claim", "csrf_token="+url.QueryEscape(csrfB)+"&version="+strconv.FormatInt(task.Version, 10))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "it was claimed by staff at") {
		t.Fatalf("second claim: %d, want 409 naming staff", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+"/claim", nil)
	req.Header.Set(csrfHeader, csrfB)
	resp, body := do(t, b, req)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `"code": "conflict"`) || !strings.Contains(body, "claimed by staff") {
		t.Fatalf("API second claim: %d %s", resp.StatusCode, body)
	}
	got, err := e.store.Task(context.Background(), task.ID)
	if err != nil || got.Assignee != "staff" {
		t.Fatalf("task after the lost race: %+v %v", got, err)
	}
}

// A claim from a page that went stale fails even when the task is free
// again, naming who changed it; the API's version field does the same.
func TestStaleClaimNamesWhoChangedIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.tasks[2]
	base := e.http.URL + "/tasks/" + strconv.FormatInt(task.ID, 10)
	a, csrfA := e.login("staff")
	b, csrfB := e.login("staff2")
	seen := strconv.FormatInt(task.Version, 10)
	if resp, _ := rawForm(t, a, base+"/claim", "csrf_token="+url.QueryEscape(csrfA)+"&version="+seen); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d", resp.StatusCode)
	}
	cur, _ := e.store.Task(context.Background(), task.ID)
	if resp, _ := rawForm(t, a, base+"/release", "csrf_token="+url.QueryEscape(csrfA)+"&version="+strconv.FormatInt(cur.Version, 10)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("release: %d", resp.StatusCode)
	}
	resp, page := rawForm(t, b, base+"/claim", "csrf_token="+url.QueryEscape(csrfB)+"&version="+seen)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "it was changed by staff at") || !strings.Contains(page, "reload and try again") {
		t.Fatalf("stale claim: %d, want 409 naming staff", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+"/claim", strings.NewReader(`{"version": `+seen+`}`))
	req.Header.Set(csrfHeader, csrfB)
	req.Header.Set("Content-Type", "application/json")
	resp, body := do(t, b, req)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "changed by staff") {
		t.Fatalf("API stale claim: %d %s", resp.StatusCode, body)
	}
	if got, _ := e.store.Task(context.Background(), task.ID); got.Assignee != "" {
		t.Fatalf("the stale claim took the task: %+v", got)
	}
}
