package inbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestStatusPagesKeepTheNavigation: not found, refused and conflict pages
// keep the header's navigation for whoever is logged in, say what happened
// in words with a way on, and the API still answers in JSON.
func TestStatusPagesKeepTheNavigation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		who, path string
		status    int
		want      []string
	}{
		{"staff", "/no-such-page", http.StatusNotFound, []string{"<h1>Page not found</h1>", "There is no page at this address.", `href="/inbox"`, `<nav aria-label="Main">`, `id="logout"`}},
		{"viewer", "/inbox", http.StatusForbidden, []string{"<h1>Not allowed</h1>", "your role (viewer) may not do this; it needs staff", `<nav aria-label="Main">`, "Go to the overview"}},
		{"staff", "/tasks/999999", http.StatusNotFound, []string{"<h1>Page not found</h1>", "There is no task 999999.", `<nav aria-label="Main">`, "Go to the inbox"}},
		{"viewer", "/runs/no-such-run", http.StatusNotFound, []string{"There is no run no-such-run.", `<nav aria-label="Main">`, `href="/bots"`}},
	}
	for _, c := range cases {
		status, body := e.getAs(t, c.who, "session", c.path)
		if status != c.status {
			t.Errorf("GET %s as %s: status %d, want %d", c.path, c.who, status, c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s as %s: the page lacks %q:\n%s", c.path, c.who, w, body)
			}
		}
		if strings.Contains(body, ": not found") || strings.Contains(body, "view task") {
			t.Errorf("GET %s as %s: the store's wording is shown", c.path, c.who)
		}
		if !strings.Contains(body, `<a class="skip" href="#main">`) || !strings.Contains(body, `<main id="main"`) {
			t.Errorf("GET %s as %s: no skip link to main", c.path, c.who)
		}
	}
	// Anonymous: a page that does not exist says so and offers the login.
	resp, err := e.client().Get(e.http.URL + "/no-such-page")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("anonymous GET /no-such-page: status %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	status, body := e.getAs(t, "staff", "token", "/api/v1/no-such-thing")
	if status != http.StatusNotFound || !strings.Contains(body, `"code": "not_found"`) {
		t.Errorf("GET /api/v1/no-such-thing: %d %s", status, body)
	}
}

// TestRunErrorsShownInWords: the bots page, the run page and a task's
// write-back show a failed run's error as people read it
// (orchestrator.RunErrorWords), never the queue's marker or the packages'
// prefixes.
func TestRunErrorsShownInWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now().UTC()
	run, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@words", Bot: e.bot.Name, Slot: orchestrator.SlotManual,
		Status: orchestrator.RunQueued, QueuedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, run.ID, "w1", now); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishAttempt(ctx, run.ID, orchestrator.RunFailed, "codingholds: bots: portal rejected the login: skip retry for the task", now); err != nil {
		t.Fatal(err)
	}
	want := "the portal rejected the sign-in for coding-worklist; check its credentials with `docket credentials set coding-worklist`"
	for _, path := range []string{"/runs/" + run.ID, "/bots"} {
		for _, who := range []string{"viewer", "supervisor"} {
			status, body := e.getAs(t, who, "session", path)
			if status != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("GET %s as %s: status %d, the error is not in words:\n%s", path, who, status, around(body, "rejected"))
			}
			for _, internal := range []string{"skip retry", "bots: portal", "codingholds:"} {
				if strings.Contains(body, internal) {
					t.Errorf("GET %s as %s shows %q", path, who, internal)
				}
			}
		}
	}
}
