package inbox

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBadFilterValuesAreRefused: a filter value the inbox does not know is
// never ignored. The page answers 400 with the form, an error that names
// the parameter and the value, and no rows; the API answers 400 with the
// same words; several bad values are all named at once. A bad value is
// shown escaped.
func TestBadFilterValuesAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _ := e.login("staff")
	for _, tc := range []struct{ query, want string }{
		{"status=bogus", `status "bogus" is not one of open, unassigned, assigned, escalated, completed, all`},
		{"age=-5", `age "-5" is not a whole number of days`},
		{"age=ten", `age "ten" is not a whole number of days`},
		{"page=-3", `page "-3" is not a page number`},
		{"sort=" + url.QueryEscape("id; DROP TABLE users"), `sort "id; DROP TABLE users" is not one of priority, due, oldest, newest`},
		{"sla=due_soon", `sla "due_soon" is not one of on_track, at_risk, breached`},
		{"priority=urgent", `priority "urgent" is not one of critical, high, normal, low`},
		{"mine=yes", `mine "yes" is not 1 or 0`},
		{"queue=nope", `queue "nope" is not one of automation, billing, cdi, coding, revenue_integrity`},
		{"status=x&sort=y&queue=z", `status "x" is not one of`},
		{"status=x&sort=y&queue=z", `sort "y" is not one of`},
		{"status=x&sort=y&queue=z", `queue "z" is not one of`},
		{"status=" + url.QueryEscape("<b>x</b>"), `status "<b>x</b>" is not`},
		{"stauts=open&queue=coding", `"stauts" is not a filter (the filters are queue, status, mine, priority, sla, age, payer, reason, q, sort, page)`},
	} {
		req, _ := http.NewRequest("GET", e.http.URL+"/inbox?"+tc.query, nil)
		resp, body := do(t, c, req)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("inbox?%s: status %d, want 400", tc.query, resp.StatusCode)
		}
		errText := html.UnescapeString(between(body, `id="error">`, "</p>"))
		if !strings.Contains(errText, tc.want) || !strings.HasPrefix(errText, "This filter cannot be used: ") {
			t.Errorf("inbox?%s: error %q, want it to say %q", tc.query, errText, tc.want)
		}
		if strings.Contains(body, "<b>x</b>") {
			t.Errorf("inbox?%s: the page shows markup from the query", tc.query)
		}
		if got := listedTasks(body); len(got) != 0 || !strings.Contains(body, `id="filters"`) {
			t.Errorf("inbox?%s: lists %v beside the error (or no form)", tc.query, got)
		}
		req, _ = http.NewRequest("GET", e.http.URL+"/api/v1/tasks?"+tc.query, nil)
		resp, body = do(t, c, req)
		var apiErr apiError
		if resp.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(body), &apiErr) != nil || apiErr.Code != "invalid" {
			t.Errorf("api tasks?%s: %d %s", tc.query, resp.StatusCode, body)
			continue
		}
		if !strings.Contains(apiErr.Error, tc.want) || strings.Contains(apiErr.Error, "\n") {
			t.Errorf("api tasks?%s: error %q, want one line saying %q", tc.query, apiErr.Error, tc.want)
		}
	}
	// Good values of every kind still list.
	req, _ := http.NewRequest("GET", e.http.URL+"/inbox?status=all&sort=due&sla=on_track&priority=high&age=0&mine=0&page=1&queue=coding&ok=claimed", nil)
	if resp, body := do(t, c, req); resp.StatusCode != http.StatusOK || len(listedTasks(body)) == 0 {
		t.Fatalf("good filters: %d, %d rows", resp.StatusCode, len(listedTasks(body)))
	}
}

// between is the text of body between the first from and the next to.
func between(body, from, to string) string {
	i := strings.Index(body, from)
	if i < 0 {
		return ""
	}
	rest := body[i+len(from):]
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}
