// Package rules loads Docket's routing file: team queues with their SLA
// policies and resolution outcomes, the business calendar, the audit
// sample, and routing rules whose conditions are expr-lang/expr
// expressions. Load validates everything and names the rule or queue at
// fault; the result implements orchestrator.Router.
//
// A rule's condition sees, for an observed item: kind, queue, portal,
// external_id, status, priority, outcome (created, updated, unchanged),
// data (the observed record as a map), problems (the fields the bot could
// not read), bot and run_id; for a failed run ("on: run_failure"): bot,
// run_id, error, attempts, portal and kind. Functions businessDaysSince,
// businessDaysUntil and daysSince take YYYY-MM-DD or RFC 3339 text and
// count on the file's calendar; date(text) parses a date for clock_start
// and due.
//
// It imports orchestrator, expr and the YAML decoder only.
package rules
