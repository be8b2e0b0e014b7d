package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// viewerAnswers logs in to the web at addr as the demo's viewer and
// returns every answer a viewer can reach, by path: each page linked from
// a page it reached (starting at /), and each GET operation of the API
// that the OpenAPI document opens to viewers, with its {id} filled in by
// every run the run list names. A wildcard it cannot fill fails the test,
// so a new viewer route cannot slip past the scan.
func viewerAnswers(t *testing.T, addr string) map[string]string {
	t.Helper()
	base := "http://" + addr
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"name": {"viewer"}, "password": {"demo-viewer"}})
	mustf(t, err, "log in as viewer")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log in as viewer: status %d", resp.StatusCode)
	}
	get := func(path string) (int, string) {
		resp, err := c.Get(base + path)
		mustf(t, err, "GET %s", path)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		mustf(t, err, "GET %s", path)
		return resp.StatusCode, string(b)
	}
	answers := map[string]string{}
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	queue := []string{"/"}
	for len(queue) > 0 && len(answers) < 500 {
		path := queue[0]
		queue = queue[1:]
		if _, done := answers[path]; done {
			continue
		}
		status, body := get(path)
		answers[path] = body
		if status != http.StatusOK {
			continue // a link to a staff page: refused, nothing shown
		}
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			p := strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.HasPrefix(p, "/static/") {
				queue = append(queue, p)
			}
		}
	}

	_, doc := get("/api/openapi.json")
	var spec struct {
		Paths map[string]map[string]struct {
			Role string `json:"x-docket-role"`
		} `json:"paths"`
	}
	mustf(t, json.Unmarshal([]byte(doc), &spec), "OpenAPI document")
	_, runsDoc := get("/api/v1/runs")
	var runs struct {
		Runs []struct {
			ID string `json:"id"`
		} `json:"runs"`
	}
	mustf(t, json.Unmarshal([]byte(runsDoc), &runs), "run list")
	if len(runs.Runs) == 0 {
		t.Fatal("the run list is empty; the scan would prove nothing")
	}
	var paths []string
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		op, ok := spec.Paths[p]["get"]
		if !ok || (op.Role != "" && op.Role != "viewer") {
			continue
		}
		switch {
		case !strings.Contains(p, "{"):
			_, answers[p] = get(p)
		case strings.HasPrefix(p, "/api/v1/runs/{id}"):
			for _, r := range runs.Runs {
				q := strings.Replace(p, "{id}", url.PathEscape(r.ID), 1)
				_, answers[q] = get(q)
			}
		default:
			t.Fatalf("viewer route %s: no sample value; add one to viewerAnswers", p)
		}
	}
	return answers
}
