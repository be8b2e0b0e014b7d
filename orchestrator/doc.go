// Package orchestrator is Docket's domain: bots, bot runs, work items and
// their history, human tasks, evidence references and the audit log, plus
// the interfaces the adapters implement.
//
// # Work items
//
// A WorkItem moves New → InProgress → Successful | Failed (business or
// application) | Abandoned, with retries back to New (lifecycle.go), and
// carries a separate ReviewStatus, a Priority, a deferral, a deadline and
// a reference unique in its queue. ItemService makes every change: it
// checks the lifecycle, writes with optimistic concurrency and records the
// actor and reason in the item's history and the audit log; its Sweep
// abandons items whose lease ran out or whose deadline passed, saying why.
//
// # Team queues, SLA clocks and human tasks
//
// Queues (QueueConfig) carry an SLAPolicy counted on a business Calendar,
// members, an assignment strategy and resolution outcomes. TaskService
// opens HumanTasks from routing decisions, and claims, assigns, escalates,
// resolves and comments on them against the version the person saw; a
// lost race or a stale page is a *TaskConflictError ("cannot claim task
// 42: it was claimed by alice at 10:02 UTC …"). Each step a person takes
// lands in the item's history and the audit log in one write. Its SweepSLA
// turns tasks at risk, breached, or up their escalation ladder. A
// resolution may enqueue a write-back run through a WriteBacker.
//
// # Routing
//
// A Router (package rules) turns an observed item or a failed run into
// RouteDecisions; Sampled picks a reproducible audit sample. The Intake
// applies what bots observe: upsert, history, routing, human tasks, QA
// samples, and an automation task for a rule that fails at run time.
//
// It imports nothing of Docket's and no asynq, rod, HTTP or SQL driver.
// Adapters (sqlstore, evidence, inbox) import it; it never imports them.
package orchestrator
