package dashboards

// Metrics read from the shared database and Redis (work items, human
// tasks, the bot queue, the outbox) are exported alike by every serve
// replica, so a panel reads them through max by the metric's own labels
// (one replica's value) before it sums anything; counters that workers
// increment are summed as they are. TestSharedMetricsAreNotSummedOverReplicas
// holds every panel to that.
//
// Stats and bars over a window use $__range, the dashboard's time range;
// graphs use $__rate_interval. Counters and histograms that count since
// the start (resolutions, late tasks, QA samples, turnaround) are read
// through increase, never raw.

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
		Vars:    []Var{botVar, portalVar},
		Sections: []Section{
			{Title: "Runs", Panels: []Panel{
				{Title: "Success ratio", Kind: Stat, Unit: "percentunit", Colors: goodFrom(0.8, 0.95), Links: []Link{botRuns, botsPage},
					Tells:   "Share of attempts in the time range that succeeded; below 1 means retries or failures.",
					Queries: []Query{q(`sum by (bot) (increase(docket_bot_runs_total{outcome="succeeded",bot=~"$bot"}[$__range])) / clamp_min(sum by (bot) (increase(docket_bot_runs_total{bot=~"$bot"}[$__range])), 1)`, "{{bot}}")}},
				{Title: "Time since last successful run", Kind: Stat, Unit: "s", Colors: badFrom(3600, 3*3600), Links: []Link{botRuns},
					Tells:   "From the system of record, so it holds across workers and restarts; compare with the schedule interval.",
					Queries: []Query{q(`time() - max by (bot) (docket_bot_last_run_end_timestamp_seconds{status="succeeded",bot=~"$bot"})`, "{{bot}}")}},
				{Title: "Consecutive failed runs", Kind: Stat, Unit: "none", Colors: badFrom(1, 3), Links: []Link{botRuns},
					Tells:   "Runs that failed in a row (after all retries); 3 or more pages the automation team.",
					Queries: []Query{q(`max by (bot) (docket_bot_consecutive_failures{bot=~"$bot"})`, "{{bot}}")}},
				{Title: "Login failures", Kind: Stat, Unit: "short", Colors: redFrom(1), Links: []Link{botRuns},
					Tells:   "Rejected portal logins in the time range; retrying does not help, someone must fix the credentials before the account locks.",
					Queries: []Query{q(`sum by (bot) (increase(docket_bot_login_failures_total{bot=~"$bot"}[$__range]))`, "{{bot}}")}},
				{Title: "Run attempts by outcome", Kind: TimeSeries, Unit: "short", Links: []Link{botRuns, botsPage},
					Tells:   "Attempts ending per bot and outcome; a rising failed or retrying line is the first sign of a broken portal or selector.",
					Queries: []Query{q(`sum by (bot, outcome) (increase(docket_bot_runs_total{bot=~"$bot"}[$__rate_interval]))`, "{{bot}} {{outcome}}")}},
				{Title: "Run duration p50 / p95", Kind: TimeSeries, Unit: "s", Links: []Link{botRuns},
					Tells: "How long attempts take; a slow portal or a growing worklist shows here before timeouts do. An exemplar opens its run.",
					Queries: []Query{
						q(`histogram_quantile(0.5, sum by (bot, le) (rate(docket_bot_run_duration_seconds_bucket{bot=~"$bot"}[$__rate_interval])))`, "{{bot}} p50"),
						q(`histogram_quantile(0.95, sum by (bot, le) (rate(docket_bot_run_duration_seconds_bucket{bot=~"$bot"}[$__rate_interval])))`, "{{bot}} p95"),
					}},
				{Title: "Failures by reason", Kind: Bars, Unit: "short", Colors: badFrom(1, 5), Links: []Link{botRuns},
					Tells:   "Why attempts failed in the time range: selector_miss means the portal changed, login_rejected means credentials, portal_unavailable means the portal is down.",
					Queries: []Query{q(`sum by (bot, reason) (increase(docket_bot_run_failures_total{bot=~"$bot"}[$__range]))`, "{{bot}} {{reason}}")}},
				{Title: "Scheduled slots vs runs started", Kind: TimeSeries, Unit: "short", Links: []Link{schedulesPage},
					Tells: "Slots the scheduler fired (enqueued, duplicate, missed) against runs that actually started; a gap means runs wait in the queue or workers are missing.",
					Queries: []Query{
						q(`sum by (bot, result) (increase(docket_scheduler_slots_total{bot=~"$bot"}[$__rate_interval]))`, "{{bot}} slots {{result}}"),
						q(`sum by (bot) (increase(docket_bot_runs_started_total{bot=~"$bot"}[$__rate_interval]))`, "{{bot}} runs started"),
					}},
			}},
			{Title: "Portal reading", Panels: []Panel{
				{Title: "Records and pages read per minute", Kind: TimeSeries, Unit: "short", Links: []Link{botRuns},
					Tells: "Throughput of each bot; a drop to zero while runs succeed means an empty worklist or a page the bot no longer understands.",
					Queries: []Query{
						q(`sum by (bot) (rate(docket_bot_records_read_total{bot=~"$bot"}[$__rate_interval])) * 60`, "{{bot}} records"),
						q(`sum by (bot) (rate(docket_bot_pages_read_total{bot=~"$bot"}[$__rate_interval])) * 60`, "{{bot}} pages"),
					}},
				{Title: "Step duration p95", Kind: TimeSeries, Unit: "s", Links: []Link{botRuns},
					Tells:   "Where a run's time goes: waiting for a browser (session), reading a page, writing to the database (upsert), storing evidence.",
					Queries: []Query{q(`histogram_quantile(0.95, sum by (bot, step, le) (rate(docket_bot_step_duration_seconds_bucket{bot=~"$bot"}[$__rate_interval])))`, "{{bot}} {{step}}")}},
				{Title: "Selector matches by candidate", Kind: TimeSeries, Unit: "short",
					Tells:   "Which candidate of each selector matched; a line for candidate 1 or later means the portal layout is drifting and the first choice needs fixing.",
					Queries: []Query{q(`sum by (portal, element, candidate) (increase(docket_selector_matches_total{portal=~"$portal"}[$__rate_interval]))`, "{{portal}} {{element}} #{{candidate}}")}},
				{Title: "Selector misses", Kind: Bars, Unit: "short", Colors: badFrom(1, 10),
					Tells:   "Elements no candidate found in the time range: the portal changed and the selector file needs a new candidate.",
					Queries: []Query{q(`sum by (portal, element) (increase(docket_selector_misses_total{portal=~"$portal"}[$__range]))`, "{{portal}} {{element}}")}},
			}},
			{Title: "Browsers and fleet", Panels: []Panel{
				{Title: "Workers up", Kind: Stat, Unit: "none", Colors: greenFrom(1),
					Tells: "Workers whose heartbeat found a live browser and Redis, and worker processes asynq sees in Redis; they should agree. Red at none.",
					Queries: []Query{
						q(`sum(docket_worker_up)`, "healthy"),
						q(`max(docket_workers)`, "in Redis"),
					}},
				{Title: "Seconds since worker heartbeat", Kind: Stat, Unit: "s", Colors: badFrom(30, 60),
					Tells:   "Per worker; above a minute means the worker hangs even if its process answers.",
					Queries: []Query{q(`time() - max by (instance) (docket_worker_heartbeat_timestamp_seconds)`, "{{instance}}")}},
				{Title: "Browser restarts", Kind: Stat, Unit: "short", Colors: badFrom(5, 20),
					Tells:   "Relaunches in the time range by reason: recycle is routine, crash is not.",
					Queries: []Query{q(`sum by (reason) (increase(docket_browser_restarts_total[$__range]))`, "{{reason}}")}},
				{Title: "Browser contexts in use / capacity", Kind: TimeSeries, Unit: "short",
					Tells: "Runs in progress against how many the workers can run; in use at capacity with a growing queue means add workers.",
					Queries: []Query{
						q(`sum(docket_browser_contexts_in_use)`, "in use"),
						q(`sum(docket_browser_contexts_capacity)`, "capacity"),
					}},
				{Title: "Wait for a browser context p95", Kind: TimeSeries, Unit: "s",
					Tells:   "How long runs wait for a free context on their worker.",
					Queries: []Query{q(`histogram_quantile(0.95, sum by (le) (rate(docket_browser_session_wait_seconds_bucket[$__rate_interval])))`, "p95")}},
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
		Vars:    []Var{queueVar},
		Sections: []Section{
			{Title: "SLA", Panels: []Panel{
				{Title: "Open SLA breaches", Kind: Stat, Unit: "short", Colors: redFrom(1), Links: []Link{inboxBreached, allBreached},
					Tells:   "Open tasks past their due time; reassign or escalate. A value opens that queue's breached tasks in the inbox.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_open{sla="breached",queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Tasks at risk", Kind: Stat, Unit: "short", Colors: amberFrom(1), Links: []Link{inboxAtRisk, allAtRisk},
					Tells:   "Open tasks past their queue's at-risk point (a business day before the deadline by default), not yet breached: the queues page's at risk. A value opens them in the inbox.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_open{sla="due_soon",queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Tasks resolved late", Kind: Stat, Unit: "short", Colors: badFrom(1, 5), Links: []Link{queuesPage},
					Tells:   "Tasks closed after their due time within the time range.",
					Queries: []Query{q(`max by (queue) (increase(docket_human_tasks_resolved_late_total{queue=~"$queue"}[$__range]))`, "{{queue}}")}},
				{Title: "Human tasks by SLA state", Kind: Bars, Unit: "short", Colors: volume(50), Links: []Link{inboxQueue},
					Tells:   "Open tasks on track, at risk (due_soon), past due, or without a due time.",
					Queries: []Query{q(`max by (queue, sla) (docket_human_tasks_open{queue=~"$queue"})`, "{{queue}} {{sla}}")}},
			}},
			{Title: "Backlog", Panels: []Panel{
				{Title: "Open work items by queue", Kind: Stat, Unit: "short", Colors: volume(500), Links: []Link{inboxQueue, queuesPage},
					Tells:   "Items still to be worked in each team queue; amber from 500.",
					Queries: []Query{q(`sum by (queue) (max by (queue, kind, status) (docket_open_work_items{queue=~"$queue"}))`, "{{queue}}")}},
				{Title: "Items older than 5 business days", Kind: Stat, Unit: "short", Colors: badFrom(1, 20), Links: []Link{queuesPage},
					Tells:   "Open items past the usual DNFB threshold; these hold cash.",
					Queries: []Query{q(`max by (queue) (docket_open_work_item_age_workdays_count{queue=~"$queue"}) - max by (queue) (docket_open_work_item_age_workdays_bucket{le=~"5|5.0",queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Work items by queue and status", Kind: TimeSeries, Unit: "short",
					Tells:   "The whole lifecycle: new, in progress, successful, failed, abandoned.",
					Queries: []Query{q(`max by (queue, status) (docket_work_items{queue=~"$queue"})`, "{{queue}} {{status}}")}},
				{Title: "Open items by record kind", Kind: Bars, Unit: "short", Colors: volume(500), Links: []Link{queuesPage},
					Tells:   "Items still to be worked by what they are: the built-in coding holds and claim edits and the kinds the portal packs declare (past 50 kinds, other).",
					Queries: []Query{q(`sum by (kind) (max by (queue, kind, status) (docket_open_work_items{queue=~"$queue"}))`, "{{kind}}")}},
				{Title: "Open items by hold reason", Kind: Bars, Unit: "short", Colors: volume(200), Links: []Link{inboxQueue},
					Tells:   "Why accounts cannot be billed yet; an item with two reasons counts under both.",
					Queries: []Query{q(`max by (queue, reason) (docket_open_work_items_by_reason{queue=~"$queue"})`, "{{queue}} {{reason}}")}},
				{Title: "Item age p50 / p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells: "Age of open items since discharge (coding holds) or since first seen, Monday to Friday.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (docket_open_work_item_age_workdays_bucket{queue=~"$queue"}))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (docket_open_work_item_age_workdays_bucket{queue=~"$queue"}))`, "{{queue}} p90"),
					}},
			}},
			{Title: "Bot queue and outbox", Panels: []Panel{
				{Title: "Oldest pending bot task", Kind: Stat, Unit: "s", Colors: badFrom(60, 600), Links: []Link{botsPage},
					Tells:   "Age of the oldest task waiting for a worker; minutes mean workers cannot keep up or none is running.",
					Queries: []Query{q(`max by (queue) (docket_queue_latency_seconds)`, "{{queue}}")}},
				{Title: "Outbox lag", Kind: Stat, Unit: "s", Colors: badFrom(30, 300), Links: []Link{botsPage},
					Tells:   "Age of the oldest write-back or manual run committed but not yet taken by the queue; growing means Redis is unreachable from serve.",
					Queries: []Query{q(`max(docket_outbox_oldest_unsent_age_seconds)`, "oldest unsent")}},
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
		Vars:    []Var{queueVar},
		Sections: []Section{
			{Title: "Human tasks", Panels: []Panel{
				{Title: "Bot failures waiting for the automation team", Kind: Stat, Unit: "short", Colors: redFrom(1),
					Links:   []Link{inboxRunTasks, botsPage},
					Tells:   "Open bot_failure tasks: runs that failed for good and need a person.",
					Queries: []Query{q(`max by (queue) (docket_human_tasks_open_by_reason{reason="bot_failure",queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Open human tasks by reason", Kind: Bars, Unit: "short", Colors: volume(50), Links: []Link{inboxReason},
					Tells:   "Tasks waiting for a person by queue and reason (a routing rule, bot_failure, qa_sample); a bar opens them in the inbox.",
					Queries: []Query{q(`max by (queue, reason) (docket_human_tasks_open_by_reason{queue=~"$queue"})`, "{{queue}} {{reason}}")}},
				{Title: "Task age p90 (business days)", Kind: TimeSeries, Unit: "none", Links: []Link{inboxQueue},
					Tells:   "How long open tasks have waited; the exception backlog alert watches this.",
					Queries: []Query{q(`histogram_quantile(0.9, max by (queue, le) (docket_human_task_age_workdays_bucket{queue=~"$queue"}))`, "{{queue}}")}},
				{Title: "Time to human resolution p50 / p90", Kind: TimeSeries, Unit: "s",
					Tells: "From task creation to resolution, over tasks resolved in each interval.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (increase(docket_human_task_resolution_seconds_bucket{queue=~"$queue"}[$__rate_interval])))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (increase(docket_human_task_resolution_seconds_bucket{queue=~"$queue"}[$__rate_interval])))`, "{{queue}} p90"),
					}},
			}},
			{Title: "Machine exceptions", Panels: []Panel{
				{Title: "Failed attempts by reason", Kind: Bars, Unit: "short", Colors: badFrom(1, 10), Links: []Link{botsPage},
					Tells:   "Exceptions raised by the machinery in the time range, grouped by cause.",
					Queries: []Query{q(`sum by (reason) (increase(docket_bot_run_failures_total[$__range]))`, "{{reason}}")}},
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
		Vars:    []Var{queueVar},
		Sections: []Section{
			{Title: "Turnaround and queries", Panels: []Panel{
				{Title: "Open physician queries", Kind: Stat, Unit: "short", Colors: volume(20), Links: []Link{inboxQueue},
					Tells:   "Query volume: documentation queries still waiting for a physician; amber from 20.",
					Queries: []Query{q(`max by (queue) (docket_open_queries{queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Queries open more than 3 business days", Kind: Stat, Unit: "short", Colors: badFrom(1, 10), Links: []Link{inboxQueue},
					Tells:   "Queries due for escalation to the physician advisor.",
					Queries: []Query{q(`max by (queue) (docket_open_query_age_workdays_count{queue=~"$queue"}) - max by (queue) (docket_open_query_age_workdays_bucket{le=~"3|3.0",queue=~"$queue"})`, "{{queue}}")}},
				{Title: "Turnaround p50 / p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells: "Business days from an item first seen to done, over items finished in each interval.",
					Queries: []Query{
						q(`histogram_quantile(0.5, max by (queue, le) (increase(docket_work_item_turnaround_workdays_bucket{queue=~"$queue"}[$__rate_interval])))`, "{{queue}} p50"),
						q(`histogram_quantile(0.9, max by (queue, le) (increase(docket_work_item_turnaround_workdays_bucket{queue=~"$queue"}[$__rate_interval])))`, "{{queue}} p90"),
					}},
				{Title: "Query age p90 (business days)", Kind: TimeSeries, Unit: "none",
					Tells:   "How long physicians take to answer.",
					Queries: []Query{q(`histogram_quantile(0.9, max by (queue, le) (docket_open_query_age_workdays_bucket{queue=~"$queue"}))`, "{{queue}}")}},
			}},
			{Title: "Holds, edits and rework", Panels: []Panel{
				{Title: "Claim edit rate", Kind: Stat, Unit: "percentunit", Colors: badFrom(0.1, 0.25),
					Tells:   "Share of open work items that are claim scrubber edits.",
					Queries: []Query{q(`sum(max by (queue, kind, status) (docket_open_work_items{kind="claim_edit",queue=~"$queue"})) / clamp_min(sum(max by (queue, kind, status) (docket_open_work_items{queue=~"$queue"})), 1)`, "claim edits")}},
				{Title: "Rework rate", Kind: Stat, Unit: "percentunit", Colors: badFrom(0.1, 0.25),
					Tells:   "Share of changed items in the time range that were updates of items already known: work that came back.",
					Queries: []Query{q(`sum(increase(docket_work_item_upserts_total{outcome="updated"}[$__range])) / clamp_min(sum(increase(docket_work_item_upserts_total{outcome=~"created|updated"}[$__range])), 1)`, "rework")}},
				{Title: "Holds by reason", Kind: Bars, Unit: "short", Colors: volume(200),
					Tells:   "Open holds across queues by reason code, the DNFB picture by cause.",
					Queries: []Query{q(`sum by (reason) (max by (queue, reason) (docket_open_work_items_by_reason{queue=~"$queue"}))`, "{{reason}}")}},
			}},
			{Title: "Audit samples", Panels: []Panel{
				{Title: "Audit finding rate", Kind: Stat, Unit: "percentunit", Colors: badFrom(0.05, 0.15),
					Tells:   "Share of QA samples resolved in the time range that failed review.",
					Queries: []Query{q(`sum(max by (queue, result) (increase(docket_qa_samples_total{result="fail",queue=~"$queue"}[$__range]))) / clamp_min(sum(max by (queue, result) (increase(docket_qa_samples_total{queue=~"$queue"}[$__range]))), 1)`, "findings")}},
				{Title: "QA sample results", Kind: Bars, Unit: "short", Colors: volume(100),
					Tells:   "QA sample reviews resolved in the time range, by result.",
					Queries: []Query{q(`max by (queue, result) (increase(docket_qa_samples_total{queue=~"$queue"}[$__range]))`, "{{queue}} {{result}}")}},
			}},
		},
	}
}
