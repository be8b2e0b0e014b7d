package dashboards

// Metrics read from the shared database and Redis (work items, human
// tasks, the bot queue) are exported alike by every serve replica, so a
// panel reads them through max by the metric's own labels (one replica's
// value) before it sums anything; counters that workers increment are
// summed as they are. TestSharedMetricsAreNotSummedOverReplicas holds
// every panel to that.

// All returns Docket's dashboards.
func All() []Board {
	return []Board{BotHealth(), WorkQueues(), Exceptions(), Governance()}
}

// BotHealth is for the automation team: are the bots running, succeeding,
// finding their selectors, and is the fleet up?
func BotHealth() Board {
	return Board{
		UID: "docket-bot-health", File: "bot-health.json", Title: "Docket / Bot health", Audience: "automation team",
		Summary: "Are the bots running and succeeding, is a portal change breaking a selector, is the fleet up?",
		Sections: []Section{
			{Title: "Runs", Panels: []Panel{
				{Title: "Run attempts by outcome", Kind: TimeSeries, Unit: "short",
					Tells:   "Attempts ending per bot and outcome; a rising failed or retrying line is the first sign of a broken portal or selector.",
					Queries: []Query{q(`sum by (bot, outcome) (increase(docket_bot_runs_total[$__rate_interval]))`, "{{bot}} {{outcome}}")}},
				{Title: "Success ratio (1h)", Kind: Stat, Unit: "percentunit",
					Tells:   "Share of attempts in the last hour that succeeded; below 1 means retries or failures.",
					Queries: []Query{q(`sum by (bot) (increase(docket_bot_runs_total{outcome="succeeded"}[1h])) / clamp_min(sum by (bot) (increase(docket_bot_runs_total[1h])), 1)`, "{{bot}}")}},
				{Title: "Time since last successful run", Kind: Stat, Unit: "s",
					Tells:   "From the system of record, so it holds across workers and restarts; compare with the schedule interval.",
					Queries: []Query{q(`time() - max by (bot) (docket_bot_last_run_end_timestamp_seconds{status="succeeded"})`, "{{bot}}")}},
				{Title: "Consecutive failed runs", Kind: Stat, Unit: "none",
					Tells:   "Runs that failed in a row (after all retries); 3 or more pages the automation team.",
					Queries: []Query{q(`max by (bot) (docket_bot_consecutive_failures)`, "{{bot}}")}},
				{Title: "Run duration p50 / p95", Kind: TimeSeries, Unit: "s",
					Tells: "How long attempts take; a slow portal or a growing worklist shows here before timeouts do.",
					Queries: []Query{
						q(`histogram_quantile(0.5, sum by (bot, le) (rate(docket_bot_run_duration_seconds_bucket[$__rate_interval])))`, "{{bot}} p50"),
						q(`histogram_quantile(0.95, sum by (bot, le) (rate(docket_bot_run_duration_seconds_bucket[$__rate_interval])))`, "{{bot}} p95"),
					}},
				{Title: "Failures by reason (1h)", Kind: Bars, Unit: "short",
					Tells:   "Why attempts failed: selector_miss means the portal changed, login_rejected means credentials, portal_unavailable means the portal is down.",
					Queries: []Query{q(`sum by (bot, reason) (increase(docket_bot_run_failures_total[1h]))`, "{{bot}} {{reason}}")}},
				{Title: "Login failures (1h)", Kind: Stat, Unit: "short",
					Tells:   "Rejected portal logins; retrying does not help, someone must fix the credentials before the account locks.",
					Queries: []Query{q(`sum by (bot) (increase(docket_bot_login_failures_total[1h]))`, "{{bot}}")}},
				{Title: "Scheduled slots vs runs started (1h)", Kind: TimeSeries, Unit: "short",
					Tells: "Slots the scheduler fired (enqueued, duplicate, missed) against runs that actually started; a gap means runs wait in the queue or workers are missing.",
					Queries: []Query{
						q(`sum by (bot, result) (increase(docket_scheduler_slots_total[1h]))`, "{{bot}} slots {{result}}"),
						q(`sum by (bot) (increase(docket_bot_runs_started_total[1h]))`, "{{bot}} runs started"),
					}},
			}},
			{Title: "Portal reading", Panels: []Panel{
				{Title: "Records and pages read per minute", Kind: TimeSeries, Unit: "short",
					Tells: "Throughput of each bot; a drop to zero while runs succeed means an empty worklist or a page the bot no longer understands.",
					Queries: []Query{
						q(`sum by (bot) (rate(docket_bot_records_read_total[$__rate_interval])) * 60`, "{{bot}} records"),
						q(`sum by (bot) (rate(docket_bot_pages_read_total[$__rate_interval])) * 60`, "{{bot}} pages"),
					}},
				{Title: "Step duration p95", Kind: TimeSeries, Unit: "s",
					Tells:   "Where a run's time goes: waiting for a browser (session), reading a page, writing to the database (upsert), storing evidence.",
					Queries: []Query{q(`histogram_quantile(0.95, sum by (bot, step, le) (rate(docket_bot_step_duration_seconds_bucket[$__rate_interval])))`, "{{bot}} {{step}}")}},
				{Title: "Selector matches by candidate (1h)", Kind: Bars, Unit: "short",
					Tells:   "Which candidate of each selector matched; matches on candidate 1 or later mean the portal layout is drifting and the first choice needs fixing.",
					Queries: []Query{q(`sum by (portal, element, candidate) (increase(docket_selector_matches_total[1h]))`, "{{portal}} {{element}} #{{candidate}}")}},
				{Title: "Selector misses (1h)", Kind: Bars, Unit: "short",
					Tells:   "Elements no candidate found: the portal changed and the selector file needs a new candidate.",
					Queries: []Query{q(`sum by (portal, element) (increase(docket_selector_misses_total[1h]))`, "{{portal}} {{element}}")}},
			}},
			{Title: "Browsers and fleet", Panels: []Panel{
				{Title: "Browser contexts in use / capacity", Kind: TimeSeries, Unit: "short",
					Tells: "Runs in progress against how many the workers can run; in use at capacity with a growing queue means add workers.",
					Queries: []Query{
						q(`sum(docket_browser_contexts_in_use)`, "in use"),
						q(`sum(docket_browser_contexts_capacity)`, "capacity"),
					}},
				{Title: "Browser restarts (1h)", Kind: Stat, Unit: "short",
					Tells:   "Relaunches by reason: recycle is routine, crash is not.",
					Queries: []Query{q(`sum by (reason) (increase(docket_browser_restarts_total[1h]))`, "{{reason}}")}},
				{Title: "Wait for a browser context p95", Kind: TimeSeries, Unit: "s",
					Tells:   "How long runs wait for a free context on their worker.",
					Queries: []Query{q(`histogram_quantile(0.95, sum by (le) (rate(docket_browser_session_wait_seconds_bucket[$__rate_interval])))`, "p95")}},
				{Title: "Workers up", Kind: Stat, Unit: "none",
					Tells: "Workers whose heartbeat found a live browser and Redis, and worker processes asynq sees in Redis; they should agree.",
					Queries: []Query{
						q(`sum(docket_worker_up)`, "healthy"),
						q(`max(docket_workers)`, "in Redis"),
					}},
				{Title: "Seconds since worker heartbeat", Kind: Stat, Unit: "s",
					Tells:   "Per worker; above a minute means the worker hangs even if its process answers.",
					Queries: []Query{q(`time() - max by (instance) (docket_worker_heartbeat_timestamp_seconds)`, "{{instance}}")}},
			}},
		},
	}
}

// WorkQueues is for supervisors: how much work waits, how old it is, and
// whether SLAs hold.
func WorkQueues() Board {
	return Board{
		UID: "docket-work-queues", File: "work-queues.json", Title: "Docket / Work queues & SLA", Audience: "supervisors",
		Summary: "How much work waits in each queue, how old it is in business days, and whether SLAs hold.",
		Sections: []Section{
			{Title: "Backlog", Panels: []Panel{
				{Title: "Open work items by queue", Kind: Stat, Unit: "short",
					Tells:   "Items still to be worked in each team queue.",
					Queries: []Query{q(`sum by (queue) (max by (queue, kind, status) (docket_open_work_items))`, "{{queue}}")}},
				{Title: "Work items by queue and status", Kind: TimeSeries, Unit: "short",
					Tells:   "The whole lifecycle: new, in progress, successful, failed, abandoned.",
					Queries: []Query{q(`max by (queue, status) (docket_work_items)`, "{{queue}} {{status}}")}},
				{Title: "Open items by hold reason", Kind: Bars, Unit: "short",
					Tells:   "Why accounts cannot be billed yet; an item with two reasons counts under both.",
					Queries: []Query{q(`max by (queue, reason) (docket_open_work_items_by_reason)`, "{{queue}} {{reason}}")}},
				{Title: "Item age p50 / p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells: "Age of open items since discharge (coding holds) or since first seen, Monday to Friday.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (docket_open_work_item_age_workdays_bucket))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (docket_open_work_item_age_workdays_bucket))`, "{{queue}} p90"),
					}},
				{Title: "Items older than 5 business days", Kind: Stat, Unit: "short",
					Tells:   "Open items past the usual DNFB threshold; these hold cash.",
					Queries: []Query{q(`max by (queue) (docket_open_work_item_age_workdays_count) - max by (queue) (docket_open_work_item_age_workdays_bucket{le=~"5|5.0"})`, "{{queue}}")}},
			}},
			{Title: "SLA", Panels: []Panel{
				{Title: "Human tasks by SLA state", Kind: Bars, Unit: "short",
					Tells:   "Open tasks on track, due within 4 hours, past due, or without a due time.",
					Queries: []Query{q(`max by (queue, sla) (docket_human_tasks_open)`, "{{queue}} {{sla}}")}},
				{Title: "Open SLA breaches", Kind: Stat, Unit: "short",
					Tells:   "Open tasks past their due time; reassign or escalate.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_open{sla="breached"})`, "{{queue}}")}},
				{Title: "Tasks resolved late", Kind: Stat, Unit: "short",
					Tells:   "Tasks that were closed after their due time, all time.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_resolved_late_total)`, "{{queue}}")}},
			}},
			{Title: "Bot queue", Panels: []Panel{
				{Title: "Queued tasks by type and state", Kind: TimeSeries, Unit: "short",
					Tells:   "Pending, active, scheduled, retry and archived tasks per queue and task type; retained (completed) tasks are not depth and are left out.",
					Queries: []Query{q(`max by (queue, task_type, state) (docket_queue_tasks{state!="completed"})`, "{{queue}} {{task_type}} {{state}}")}},
				{Title: "Queue latency by task type", Kind: TimeSeries, Unit: "s",
					Tells:   "Age of the oldest pending task; growing latency means workers cannot keep up.",
					Queries: []Query{q(`max by (queue, task_type) (docket_queue_task_latency_seconds)`, "{{queue}} {{task_type}}")}},
			}},
		},
	}
}

// Exceptions is for team leads: what needs a person, how old it is and how
// fast people resolve it.
func Exceptions() Board {
	return Board{
		UID: "docket-exceptions", File: "exceptions.json", Title: "Docket / Exceptions & human tasks", Audience: "team leads",
		Summary: "What needs a person, how long it has waited, and how fast it gets resolved.",
		Sections: []Section{
			{Title: "Human tasks", Panels: []Panel{
				{Title: "Open human tasks by reason", Kind: Bars, Unit: "short",
					Tells:   "Tasks waiting for a person by queue and reason (a routing rule, bot_failure, qa_sample).",
					Queries: []Query{q(`max by (queue, reason) (docket_human_tasks_open_by_reason)`, "{{queue}} {{reason}}")}},
				{Title: "Task age p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells:   "How long open tasks have waited; the exception backlog alert watches this.",
					Queries: []Query{q(`histogram_quantile(0.9, max by (queue, le) (docket_human_task_age_workdays_bucket))`, "{{queue}}")}},
				{Title: "Time to human resolution p50 / p90", Kind: TimeSeries, Unit: "s",
					Tells: "From task creation to resolution, over resolved tasks.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (docket_human_task_resolution_seconds_bucket))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (docket_human_task_resolution_seconds_bucket))`, "{{queue}} p90"),
					}},
				{Title: "Bot failures waiting for the automation team", Kind: Stat, Unit: "short",
					Tells:   "Open bot_failure tasks: runs that failed for good and need a person.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_open_by_reason{reason="bot_failure"})`, "{{queue}}")}},
			}},
			{Title: "Machine exceptions", Panels: []Panel{
				{Title: "Failed attempts by reason (1d)", Kind: Bars, Unit: "short",
					Tells:   "Exceptions raised by the machinery, grouped by cause.",
					Queries: []Query{q(`sum by (reason) (increase(docket_bot_run_failures_total[1d]))`, "{{reason}}")}},
				{Title: "Tasks waiting for a retry or archived", Kind: TimeSeries, Unit: "short",
					Tells:   "Queue tasks that failed and will retry, or gave up (archived) and need a look.",
					Queries: []Query{q(`sum by (queue, state) (max by (queue, task_type, state) (docket_queue_tasks{state=~"retry|archived"}))`, "{{queue}} {{state}}")}},
			}},
		},
	}
}

// Governance is for compliance and revenue-cycle leadership: turnaround,
// queries, holds, claim edits, rework and audit sample findings.
func Governance() Board {
	return Board{
		UID: "docket-governance", File: "governance.json", Title: "Docket / Governance", Audience: "revenue-cycle leadership and compliance",
		Summary: "Turnaround, physician query volume and aging, holds by reason, claim edit rate, rework and audit sample findings.",
		Sections: []Section{
			{Title: "Turnaround and queries", Panels: []Panel{
				{Title: "Turnaround p50 / p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells: "Business days from an item first seen to done.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (docket_work_item_turnaround_workdays_bucket))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (docket_work_item_turnaround_workdays_bucket))`, "{{queue}} p90"),
					}},
				{Title: "Open physician queries", Kind: Stat, Unit: "short",
					Tells:   "Query volume: documentation queries still waiting for a physician.",
					Queries: []Query{q(`max by (queue) (docket_open_queries)`, "{{queue}}")}},
				{Title: "Query age p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells:   "How long physicians take to answer.",
					Queries: []Query{q(`histogram_quantile(0.9, max by (queue, le) (docket_open_query_age_workdays_bucket))`, "{{queue}}")}},
				{Title: "Queries open more than 3 business days", Kind: Stat, Unit: "short",
					Tells:   "Queries due for escalation to the physician advisor.",
					Queries: []Query{q(`max by (queue) (docket_open_query_age_workdays_count) - max by (queue) (docket_open_query_age_workdays_bucket{le=~"3|3.0"})`, "{{queue}}")}},
			}},
			{Title: "Holds, edits and rework", Panels: []Panel{
				{Title: "Holds by reason", Kind: Bars, Unit: "short",
					Tells:   "Open holds across queues by reason code, the DNFB picture by cause.",
					Queries: []Query{q(`sum by (reason) (max by (queue, reason) (docket_open_work_items_by_reason))`, "{{reason}}")}},
				{Title: "Claim edit rate", Kind: Stat, Unit: "percentunit",
					Tells:   "Share of open work items that are claim scrubber edits.",
					Queries: []Query{q(`sum(max by (queue, kind, status) (docket_open_work_items{kind="claim_edit"})) / clamp_min(sum(max by (queue, kind, status) (docket_open_work_items)), 1)`, "claim edits")}},
				{Title: "Rework rate (1d)", Kind: Stat, Unit: "percentunit",
					Tells:   "Share of changed items that were updates of items already known: work that came back.",
					Queries: []Query{q(`sum(increase(docket_work_item_upserts_total{outcome="updated"}[1d])) / clamp_min(sum(increase(docket_work_item_upserts_total{outcome=~"created|updated"}[1d])), 1)`, "rework")}},
			}},
			{Title: "Audit samples", Panels: []Panel{
				{Title: "QA sample results", Kind: Bars, Unit: "short",
					Tells:   "Resolved QA sample reviews by result, all time.",
					Queries: []Query{q(`max by (queue, result) (docket_qa_samples_total)`, "{{queue}} {{result}}")}},
				{Title: "Audit finding rate", Kind: Stat, Unit: "percentunit",
					Tells:   "Share of QA samples that failed review.",
					Queries: []Query{q(`sum(max by (queue, result) (docket_qa_samples_total{result="fail"})) / clamp_min(sum(max by (queue, result) (docket_qa_samples_total)), 1)`, "findings")}},
			}},
		},
	}
}
