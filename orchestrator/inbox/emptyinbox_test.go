package inbox

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestEmptyInboxSaysWhy: an inbox page that lists nothing says why (the
// filters, nothing assigned to the viewer, everything resolved, no task
// ever opened with or without routing rules) and links the next step.
func TestEmptyInboxSaysWhy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _ := e.login("staff")
	get := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+path, nil)
		resp, page := do(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return page
	}
	for _, tc := range []struct{ path, why, link string }{
		{"/inbox?reason=no-such-rule", "No task matches these filters.", `href="/inbox" id="empty-link"`},
		{"/inbox?mine=1", "Nothing is assigned to you.", `href="/next" id="empty-link"`},
		{"/work", "Nothing is assigned to you.", `href="/next" id="empty-link"`},
	} {
		page := get(tc.path)
		if !strings.Contains(page, tc.why) || !strings.Contains(page, tc.link) {
			t.Errorf("GET %s: the empty inbox lacks %q or %q", tc.path, tc.why, tc.link)
		}
	}
	if page := get("/inbox"); strings.Contains(page, `id="empty"`) {
		t.Error("an inbox that lists tasks says it is empty")
	}

	// Everything resolved.
	ctx := context.Background()
	p := &principal{User: e.users["staff"]}
	open := TaskQuery{Status: "open", Sort: "priority", Page: 1}
	for _, task := range e.tasks {
		if _, err := e.svc.Claim(ctx, task.ID, 0, "staff"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Resolve(ctx, task.ID, 0, "staff", orchestrator.Resolution{Outcome: "not_an_issue"}); err != nil {
			t.Fatal(err)
		}
	}
	if page := get("/inbox"); !strings.Contains(page, "Every task is resolved") || !strings.Contains(page, `href="/bots"`) {
		t.Error("an inbox with every task resolved does not say so")
	}

	// No task ever opened: with and without routing rules.
	for _, rules := range [][]string{nil, {"query-aging"}} {
		st := openStore(t, "sqlite")
		srv, err := New(Config{Store: st, Users: st, Throttle: st, Schedules: st, Tasks: e.svc, RoutingRules: rules})
		if err != nil {
			t.Fatal(err)
		}
		got, err := srv.explainEmpty(ctx, p, open)
		if err != nil {
			t.Fatal(err)
		}
		want := "No task has been opened yet."
		if rules == nil {
			want = "no routing rules are configured"
		}
		if !strings.Contains(got.Why, want) || (rules == nil) != strings.Contains(got.What, "rules_file") {
			t.Errorf("rules %v: %+v, want %q", rules, got, want)
		}
	}
}
