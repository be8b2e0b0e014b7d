package inbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestInboxFilters: every filter, with quotes, SQL, LIKE wildcards,
// unicode and markup, returns exactly the matching tasks, through the
// page and the API alike.
func TestInboxFilters(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testInboxFilters(t, newEnvOn(t, dialect, nil))
		})
	}
}

func testInboxFilters(t *testing.T, e *env) {
	c, _ := e.login("staff")
	cases := []struct {
		query string
		want  []int // indexes into e.tasks, in the listed order
	}{
		{"", []int{0, 3, 1, 2, 4, 5}}, // priority high first, then by due and id
		{"sort=oldest", []int{0, 1, 2, 3, 4, 5}},
		{"sort=newest", []int{5, 4, 3, 2, 1, 0}},
		{"queue=billing", []int{5}},
		{"queue=coding&priority=high", []int{0, 3}},
		{"priority=HIGH", []int{0, 3}},
		{"payer=" + url.QueryEscape("O'Brien Health; DROP TABLE human_tasks;--"), []int{1}},
		{"payer=" + url.QueryEscape("o'brien"), []int{1}},
		{"payer=" + url.QueryEscape("100%"), []int{2}},
		{"payer=_", []int{1, 2}}, // "human_tasks" and "Care_Plan": _ is literal
		{"payer=%25", []int{2}},
		{"payer=" + url.QueryEscape("ünïcödé"), []int{3}},
		{"payer=" + url.QueryEscape("医療"), []int{3}},
		{"payer=" + url.QueryEscape("<script>"), []int{4}},
		{"payer=medicare", []int{0, 5}},
		{"reason=missing_documentation&sort=oldest", []int{0, 1, 2, 3, 4, 5}},
		{"reason=" + url.QueryEscape("x' OR '1'='1"), nil},
		{"q=" + url.QueryEscape("ACC-0"), []int{3, 1, 2, 4}},
		{"q=" + url.QueryEscape("%' OR 1=1 --"), nil},
		{"q=" + url.QueryEscape("a\x00b\xff"), nil},
		{"sla=breached", nil},
		{"sla=on_track&sort=oldest", []int{0, 1, 2, 3, 4, 5}},
		{"age=1", nil},
		{"status=completed", nil},
		{"mine=1", nil},
		{"sort=oldest&page=2", []int{4, 5}},
		{"sort=oldest&page=999", nil},
		{"age=0&sort=oldest&mine=0", []int{0, 1, 2, 3, 4, 5}},
	}
	for _, tc := range cases {
		want := tc.want
		if len(want) > 4 && !strings.Contains(tc.query, "page=") {
			want = want[:4] // page size 4
		}
		// The page.
		req, _ := http.NewRequest("GET", e.http.URL+"/inbox?"+tc.query, nil)
		resp, body := do(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("inbox?%s: %d", tc.query, resp.StatusCode)
			continue
		}
		if got := listedTasks(body); !equalIDs(got, e.taskIDs(want)) {
			t.Errorf("inbox?%s lists %v, want %v", tc.query, got, e.taskIDs(want))
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("inbox?%s renders markup from data", tc.query)
		}
		// The API.
		req, _ = http.NewRequest("GET", e.http.URL+"/api/v1/tasks?"+tc.query, nil)
		resp, body = do(t, c, req)
		var list TaskListJSON
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
			t.Errorf("api tasks?%s: %d %s", tc.query, resp.StatusCode, body)
			continue
		}
		var got []int64
		for _, row := range list.Tasks {
			got = append(got, row.ID)
		}
		if !equalIDs(got, e.taskIDs(want)) {
			t.Errorf("api tasks?%s lists %v, want %v", tc.query, got, e.taskIDs(want))
		}
	}
	// Nothing was dropped by the SQL in the filters.
	if _, err := e.store.Tasks(context.Background(), orchestrator.TaskFilter{}); err != nil {
		t.Fatalf("tasks table damaged: %v", err)
	}
	if users, err := e.store.Users(context.Background()); err != nil || len(users) != len(testPasswords) {
		t.Fatalf("users table damaged: %v %v", len(users), err)
	}
	e.noPHIInLogs()
}

func (e *env) taskIDs(idx []int) []int64 {
	var out []int64
	for _, i := range idx {
		out = append(out, e.tasks[i].ID)
	}
	return out
}

func listedTasks(body string) []int64 {
	var out []int64
	for _, part := range strings.Split(body, `class="task" data-task="`)[1:] {
		n, err := strconv.ParseInt(part[:strings.Index(part, `"`)], 10, 64)
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Past Config.CountMax the inbox says "more than" and keeps paging while
// pages are full; the API says so with "more".
func TestInboxCountCap(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *Config) { c.CountMax = 3 })
	c, _ := e.login("staff")
	req, _ := http.NewRequest("GET", e.http.URL+"/inbox?sort=oldest", nil)
	_, page := do(t, c, req)
	if !strings.Contains(page, "(more than 3 tasks)") || !strings.Contains(page, "Page 1 of 1+") || !strings.Contains(page, `id="next"`) {
		t.Errorf("first page of a capped listing:\n%s", page)
	}
	if got := listedTasks(page); !equalIDs(got, e.taskIDs([]int{0, 1, 2, 3})) {
		t.Errorf("first page lists %v", got)
	}
	req, _ = http.NewRequest("GET", e.http.URL+"/inbox?sort=oldest&page=2", nil)
	_, page = do(t, c, req)
	if got := listedTasks(page); !equalIDs(got, e.taskIDs([]int{4, 5})) || strings.Contains(page, `id="next"`) {
		t.Errorf("second page lists %v (next link: %v)", got, strings.Contains(page, `id="next"`))
	}
	req, _ = http.NewRequest("GET", e.http.URL+"/api/v1/tasks?sort=oldest", nil)
	_, body := do(t, c, req)
	var list TaskListJSON
	if err := json.Unmarshal([]byte(body), &list); err != nil || list.Total != 3 || !list.More || len(list.Tasks) != 4 {
		t.Errorf("API: total %d more %v tasks %d (%v)", list.Total, list.More, len(list.Tasks), err)
	}
}
