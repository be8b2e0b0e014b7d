package inbox

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// openAPIDoc builds the OpenAPI 3.1 document from the route table, so a
// route cannot exist without being documented (and the role each needs
// is in x-docket-role).
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]any{}
	set := schemaSet{}
	for _, rt := range s.routes {
		if !rt.API || !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"responses":   responsesFor(rt, set),
		}
		op["x-docket-role"] = string(rt.Role)
		op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}, "csrf": []any{}}}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			typ := "integer"
			if m[1] == "bot" || (m[1] == "id" && strings.Contains(rt.Pattern, "/runs/")) {
				typ = "string"
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
		}
		if rt.Pattern == "/api/v1/tasks" {
			params = append(params, taskQueryParams()...)
		}
		if rt.Pattern == "/api/v1/audit" {
			str := map[string]any{"type": "string"}
			date := map[string]any{"type": "string", "format": "date"}
			num := map[string]any{"type": "integer"}
			params = append(params,
				map[string]any{"name": "actor", "in": "query", "schema": str, "description": "e.g. user:alice or alice, run:<id>, system"},
				map[string]any{"name": "action", "in": "query", "schema": str, "description": "e.g. task.claimed; task. for every task action"},
				map[string]any{"name": "object", "in": "query", "schema": str, "description": "an object anywhere in the subject: task:32 finds item:5/task:32; item:42 includes its tasks; run: every run"},
				map[string]any{"name": "subject", "in": "query", "schema": str, "description": "the same as object (older name)"},
				map[string]any{"name": "from", "in": "query", "schema": date, "description": "entries on or after this day (UTC)"},
				map[string]any{"name": "until", "in": "query", "schema": date, "description": "entries on or before this day (UTC)"},
				map[string]any{"name": "before", "in": "query", "schema": num, "description": "continue a newest-first listing before this seq (next_before)"},
				map[string]any{"name": "after", "in": "query", "schema": num, "description": "list oldest first after this seq (next_after), ignoring the filters"})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Method == http.MethodPost && strings.HasPrefix(rt.Pattern, "/api/v1/tasks/") {
			op["requestBody"] = map[string]any{"required": false, "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/TaskInput"}}}}
		}
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Docket API",
			"version": "1",
			"description": "The inbox, supervisor and administration operations of the Docket web UI. " +
				"Authenticate with an API token (Authorization: Bearer dkt_..., created at /account/tokens), or with the " +
				"browser session cookie plus the X-CSRF-Token header for unsafe methods. Each operation needs at least " +
				"the role in x-docket-role (viewer < staff < supervisor < admin); 401 without credentials, 403 with too " +
				"little role. Records have stable snake_case field names (components/schemas); times are RFC 3339 " +
				"in UTC, and a time that is not set is left out.",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "API token"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
				"csrf":    map[string]any{"type": "apiKey", "in": "header", "name": csrfHeader},
			},
			"schemas": s.schemas(set),
		},
	}
}

// schemas are the records' generated schemas plus the error and the task
// action's input.
func (s *Server) schemas(set schemaSet) map[string]any {
	out := map[string]any{
		"Error": map[string]any{"type": "object", "required": []string{"error", "code"}, "properties": map[string]any{
			"error": map[string]any{"type": "string"},
			"code":  map[string]any{"type": "string", "enum": []string{"unauthenticated", "forbidden", "not_found", "conflict", "invalid", "too_large", "unavailable", "internal"}},
		}},
		"TaskInput": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
			"version": map[string]any{"type": "integer", "description": "the task version you saw (task.version); 0 or absent: current. " +
				"A stale version is 409, naming who changed the task and when."},
			"body":    map[string]any{"type": "string", "maxLength": s.cfg.CommentMax, "description": "comment text (comments)"},
			"outcome": map[string]any{"type": "string", "description": "one of the task's queue outcomes (resolve)"},
			"note":    map[string]any{"type": "string", "maxLength": s.cfg.CommentMax, "description": "resolution note (resolve)"},
			"user":    map[string]any{"type": "string", "description": "who gets the task (assign)"},
		}},
	}
	for name, schema := range set {
		out[name] = schema
	}
	return out
}

func operationID(rt Route) string {
	p := strings.TrimPrefix(rt.Pattern, "/api/v1/")
	p = pathParam.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

func responsesFor(rt Route, set schemaSet) map[string]any {
	errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	with := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": errRef["content"]}
	}
	answer := apiAnswers[rt.Method+" "+rt.Pattern]
	ok := map[string]any{"description": "OK"}
	if answer.Body != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": set.ref(reflect.TypeOf(answer.Body))}}
	}
	if strings.HasSuffix(rt.Pattern, "/content") {
		ok = map[string]any{"description": "the evidence bytes (images as themselves, anything else as text/plain)"}
	}
	r := map[string]any{strconv.Itoa(answer.Status): ok, "401": with("no or bad credentials"), "403": with("role too low, or missing CSRF token")}
	if strings.Contains(rt.Pattern, "{") {
		r["404"] = with("no such record")
	}
	if rt.Method == http.MethodPost {
		r["400"] = with("invalid input")
		r["409"] = with("conflict: someone else claimed or resolved it first, or the version is stale; the message says who and when")
	}
	return r
}

func taskQueryParams() []any {
	q := func(name, desc string, schema map[string]any) any {
		return map[string]any{"name": name, "in": "query", "description": desc, "schema": schema}
	}
	str := map[string]any{"type": "string"}
	return []any{
		q("queue", "queue name", str),
		q("status", "open (default), unassigned, assigned, escalated, completed, all", map[string]any{"type": "string", "enum": []string{"open", "unassigned", "assigned", "escalated", "completed", "all"}}),
		q("mine", "1: only tasks assigned to the caller", str),
		q("priority", "low, normal, high, critical", map[string]any{"type": "string", "enum": []string{"low", "normal", "high", "critical"}}),
		q("sla", "SLA state now", map[string]any{"type": "string", "enum": []string{"on_track", "at_risk", "breached"}}),
		q("age", "at least this many days old", map[string]any{"type": "integer", "minimum": 0}),
		q("payer", "payer contains (any case)", str),
		q("reason", "task reason (exact)", str),
		q("q", "account or reference starts with (case-sensitive)", str),
		q("sort", "priority (default), due, oldest, newest", map[string]any{"type": "string", "enum": []string{"priority", "due", "oldest", "newest"}}),
		q("page", "1-based page", map[string]any{"type": "integer", "minimum": 1}),
	}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *principal) {
	writeJSON(w, http.StatusOK, s.openAPIDoc())
}
