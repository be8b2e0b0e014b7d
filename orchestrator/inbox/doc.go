// Package inbox is Docket's web UI and JSON API for people: login, the
// exception inbox, the task page with evidence and the resolve form,
// supervisor pages (queues, bots and runs, schedules), user and API token
// administration, and the JSON API described at /api/openapi.json.
//
// Pages are server-rendered html/template with embedded assets and
// stdlib routing; they work without JavaScript, and small script files
// from /static (no inline script: the CSP forbids it) add keyboard
// shortcuts and live progress. Every route declares the least role it
// needs (see routes.go); the guard checks it before the handler runs, and
// unsafe methods of browser sessions also need the session's CSRF token.
// Patient data is never logged: request logs carry the route pattern,
// status, user and duration only.
//
// The API's records have snake_case field names of their own (apiview.go),
// apart from the domain's Go types, and the OpenAPI document's schemas are
// generated from them (schemas.go), so the two cannot drift.
//
// It imports orchestrator only (of Docket's packages); the command wires
// in the stores, the evidence store and the run starter.
package inbox
