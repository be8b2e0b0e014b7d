package inbox

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// apiAnswer is what an API operation answers on success: its status and
// a zero value of the record type it writes.
type apiAnswer struct {
	Status int
	Body   any
}

// apiAnswers names each API operation's successful answer ("METHOD
// pattern"); the OpenAPI document's schemas are generated from the Go
// types, so the document cannot drift from what the handlers write. A
// test checks every API route is here and that real answers match.
var apiAnswers = map[string]apiAnswer{
	"GET /api/v1/me":                          {http.StatusOK, UserJSON{}},
	"GET /api/v1/tasks":                       {http.StatusOK, TaskListJSON{}},
	"GET /api/v1/tasks/{id}":                  {http.StatusOK, TaskJSON{}},
	"POST /api/v1/tasks/{id}/claim":           {http.StatusOK, TaskJSON{}},
	"POST /api/v1/tasks/{id}/release":         {http.StatusOK, TaskJSON{}},
	"POST /api/v1/tasks/{id}/comments":        {http.StatusCreated, TaskJSON{}},
	"POST /api/v1/tasks/{id}/resolve":         {http.StatusOK, TaskJSON{}},
	"POST /api/v1/tasks/{id}/assign":          {http.StatusOK, TaskJSON{}},
	"POST /api/v1/tasks/{id}/retry-writeback": {http.StatusOK, TaskJSON{}},
	"GET /api/v1/evidence/{id}":               {http.StatusOK, EvidenceJSON{}},
	"GET /api/v1/queues":                      {http.StatusOK, QueuesJSON{}},
	"GET /api/v1/bots":                        {http.StatusOK, BotsJSON{}},
	"GET /api/v1/runs":                        {http.StatusOK, RunsJSON{}},
	"GET /api/v1/runs/{id}":                   {http.StatusOK, RunDetailJSON{}},
	"POST /api/v1/schedules/{bot}/pause":      {http.StatusOK, PauseJSON{}},
	"POST /api/v1/schedules/{bot}/resume":     {http.StatusOK, PauseJSON{}},
	"POST /api/v1/schedules/{bot}/run":        {http.StatusAccepted, RunStartedJSON{}},
	"GET /api/v1/audit":                       {http.StatusOK, AuditListJSON{}},
	"GET /api/v1/users":                       {http.StatusOK, UsersJSON{}},
	"GET /api/v1/evidence/{id}/content":       {http.StatusOK, nil}, // the bytes themselves
	"GET /api/openapi.json":                   {http.StatusOK, nil},
}

// schemaSet collects the component schemas of named record types.
type schemaSet map[string]any

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// ref returns the schema of t, adding named structs to the set and
// referring to them.
func (set schemaSet) ref(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{"description": "any JSON value"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{set.ref(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": set.ref(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": set.ref(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		name := strings.TrimSuffix(t.Name(), "JSON") // TaskListJSON is "TaskList" to clients
		if _, ok := set[name]; !ok {
			set[name] = nil // a placeholder stops recursion
			set[name] = set.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object is a struct's schema: its JSON fields (embedded structs' fields
// inline), each required unless it is omitted when empty.
func (set schemaSet) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = set.ref(f.Type)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}
