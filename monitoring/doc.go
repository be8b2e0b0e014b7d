// Package monitoring is Docket's observability: Prometheus metrics on an
// injected registry (no globals), zap logging that redacts patient data
// and secrets and carries run and request ids, and the /healthz and
// /readyz endpoints.
//
// # Metrics
//
// Metrics holds what processes update as things happen (bot runs, steps,
// selectors, the browser pool, the worker heartbeat, scheduler slots).
// Run ids travel as exemplars in the OpenMetrics format, never as labels.
// What is read at scrape time has its own collectors, registered by one
// process only (serve, or demo): NewQueueCollector over the asynq
// Inspector, and NewWorkCollector, NewTaskCollector and
// NewBotStateCollector over the system of record. Each caches one reading
// for a few seconds and reports its failures as a *_scrape_error gauge.
// Labels are bounded: known values start at zero, free-form values (hold
// reasons, task types) are capped.
//
// # Dashboards
//
// Subpackage dashboards defines the Grafana dashboards as code; the alert
// rules live in deploy/prometheus.
//
// It imports orchestrator for domain types, asynq for the inspector, and
// nothing else of Docket's; the processes in cmd build it and inject it
// into tasks.
package monitoring
