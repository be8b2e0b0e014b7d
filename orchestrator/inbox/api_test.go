package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestAPIAnswersMatchOpenAPI calls every JSON operation and checks the
// answer against the schema /api/openapi.json gives for it: no field the
// document does not name, every required one present, and every field name
// snake_case (the portal's own data inside an item excepted).
func TestAPIAnswersMatchOpenAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf := e.login("admin")
	task := e.tasks[0] // the one with evidence
	id := strconv.FormatInt(task.ID, 10)
	doc := e.srv.openAPIDoc()
	raw, err := json.Marshal(doc) // the document as clients read it
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	schemas := spec["components"].(map[string]any)["schemas"].(map[string]any)
	calls := []struct{ method, path, pattern, body string }{
		{"GET", "/api/v1/me", "/api/v1/me", ""},
		{"GET", "/api/v1/tasks?sort=oldest", "/api/v1/tasks", ""},
		{"GET", "/api/v1/tasks/" + id, "/api/v1/tasks/{id}", ""},
		{"POST", "/api/v1/tasks/" + id + "/claim", "/api/v1/tasks/{id}/claim", `{"version": ` + strconv.FormatInt(task.Version, 10) + `}`},
		{"POST", "/api/v1/tasks/" + id + "/comments", "/api/v1/tasks/{id}/comments", `{"body": "checked"}`},
		{"POST", "/api/v1/tasks/" + id + "/release", "/api/v1/tasks/{id}/release", `{}`},
		{"POST", "/api/v1/tasks/" + id + "/assign", "/api/v1/tasks/{id}/assign", `{"user": "admin"}`},
		{"POST", "/api/v1/tasks/" + id + "/resolve", "/api/v1/tasks/{id}/resolve", `{"outcome": "code_corrected"}`},
		{"POST", "/api/v1/tasks/" + id + "/retry-writeback", "/api/v1/tasks/{id}/retry-writeback", `{}`},
		{"GET", "/api/v1/evidence/" + strconv.FormatInt(e.screenshot.ID, 10), "/api/v1/evidence/{id}", ""},
		{"GET", "/api/v1/queues", "/api/v1/queues", ""},
		{"GET", "/api/v1/bots", "/api/v1/bots", ""},
		{"GET", "/api/v1/runs", "/api/v1/runs", ""},
		{"GET", "/api/v1/runs/" + e.run.ID, "/api/v1/runs/{id}", ""},
		{"POST", "/api/v1/schedules/" + e.bot.Name + "/pause", "/api/v1/schedules/{bot}/pause", ""},
		{"POST", "/api/v1/schedules/" + e.bot.Name + "/resume", "/api/v1/schedules/{bot}/resume", ""},
		{"POST", "/api/v1/schedules/" + e.bot.Name + "/run", "/api/v1/schedules/{bot}/run", ""},
		{"GET", "/api/v1/audit", "/api/v1/audit", ""},
		{"GET", "/api/v1/users", "/api/v1/users", ""},
	}
	covered := map[string]bool{}
	for _, call := range calls {
		if strings.HasSuffix(call.pattern, "/retry-writeback") {
			// The write-back the resolution asked for failed for good.
			if _, err := e.svc.WriteBackFailed(context.Background(), task.ID, orchestrator.WriteBackRunID(task.ID), "The portal refused."); err != nil {
				t.Fatal(err)
			}
		}
		req, _ := http.NewRequest(call.method, e.http.URL+call.path, strings.NewReader(call.body))
		if call.method == "POST" {
			req.Header.Set(csrfHeader, csrf)
			req.Header.Set("Content-Type", "application/json")
		}
		resp, body := do(t, c, req)
		key := call.method + " " + call.pattern
		covered[key] = true
		answer, ok := apiAnswers[key]
		if !ok {
			t.Errorf("%s: no answer type in apiAnswers", key)
			continue
		}
		if resp.StatusCode != answer.Status {
			t.Errorf("%s: status %d, want %d: %s", key, resp.StatusCode, answer.Status, body)
			continue
		}
		op := spec["paths"].(map[string]any)[call.pattern].(map[string]any)[strings.ToLower(call.method)].(map[string]any)
		schema := op["responses"].(map[string]any)[strconv.Itoa(answer.Status)].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
		var got any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		for _, problem := range checkSchema(schemas, schema, got, "$") {
			t.Errorf("%s: %s", key, problem)
		}
	}
	// The task document carries the task's steps in snake_case.
	req, _ := http.NewRequest("GET", e.http.URL+"/api/v1/tasks/"+id, nil)
	_, body := do(t, c, req)
	for _, want := range []string{`"item_id":`, `"write_back_run_id": "writeback@task-` + id + `-retry-v`, `"action": "task.claimed"`,
		`"action": "task.resolved"`, `"sla_now":`, `"write_back":`, `"content_url":`} {
		if !strings.Contains(body, want) {
			t.Errorf("task document lacks %s", want)
		}
	}
	for _, rt := range e.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		if rt.API && apiAnswers[key].Body != nil && !covered[key] {
			t.Errorf("%s is not called by this test", key)
		}
		if rt.API {
			if _, ok := apiAnswers[key]; !ok {
				t.Errorf("%s has no entry in apiAnswers", key)
			}
		}
	}
}

// checkSchema lists where v does not fit schema (a small JSON Schema
// subset: $ref, anyOf, type, properties, required, additionalProperties,
// items).
func checkSchema(defs map[string]any, schema any, v any, at string) []string {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return checkSchema(defs, defs[strings.TrimPrefix(ref, "#/components/schemas/")], v, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			if len(checkSchema(defs, alt, v, at)) == 0 {
				return nil
			}
		}
		return []string{at + ": matches no alternative"}
	}
	var problems []string
	switch s["type"] {
	case "null":
		if v != nil {
			problems = append(problems, at+": not null")
		}
	case "string":
		if _, ok := v.(string); !ok {
			problems = append(problems, fmt.Sprintf("%s: %T, want a string", at, v))
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			problems = append(problems, fmt.Sprintf("%s: %T, want a number", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: %T, want a boolean", at, v))
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return append(problems, fmt.Sprintf("%s: %T, want an array", at, v))
		}
		for i, x := range list {
			problems = append(problems, checkSchema(defs, s["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return append(problems, fmt.Sprintf("%s: %T, want an object", at, v))
		}
		props, _ := s["properties"].(map[string]any)
		for k, x := range obj {
			if !snakeCase.MatchString(k) {
				problems = append(problems, fmt.Sprintf("%s: field %q is not snake_case", at, k))
			}
			if p, ok := props[k]; ok {
				problems = append(problems, checkSchema(defs, p, x, at+"."+k)...)
			} else if extra, ok := s["additionalProperties"].(map[string]any); ok {
				problems = append(problems, checkSchema(defs, extra, x, at+"."+k)...)
			} else if s["additionalProperties"] == false {
				problems = append(problems, fmt.Sprintf("%s: field %q is not in the schema", at, k))
			}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required field %q missing", at, r))
			}
		}
	}
	return problems
}
