package monitoring

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every metric a Docket process updates as things happen.
// Labels are bounded: bot, portal, element, candidate, outcome, reason,
// step, result; never an id or patient data (run ids travel as exemplars).
// Metrics read from the store or the queue at scrape time are separate
// collectors (NewWorkCollector, NewQueueCollector, …) registered by the one
// process that exports them.
type Metrics struct {
	registry prometheus.Registerer

	// Bot runs (worker).
	BotRuns             *prometheus.CounterVec   // bot, outcome
	BotRunDuration      *prometheus.HistogramVec // bot, outcome
	RunsStarted         *prometheus.CounterVec   // bot
	RunFailures         *prometheus.CounterVec   // bot, reason
	LoginFailures       *prometheus.CounterVec   // bot
	ConsecutiveFailures *prometheus.GaugeVec     // bot
	StepDuration        *prometheus.HistogramVec // bot, step
	RecordsRead         *prometheus.CounterVec   // bot
	PagesRead           *prometheus.CounterVec   // bot
	Screenshots         *prometheus.CounterVec   // bot
	ItemChanges         *prometheus.CounterVec   // bot, outcome (created, updated, unchanged)
	LastSuccess         *prometheus.GaugeVec     // bot
	SelectorMatches     *prometheus.CounterVec   // portal, element, candidate ("0", "1", …)
	SelectorMisses      *prometheus.CounterVec   // portal, element

	// Browser pool (worker).
	BrowserRestarts *prometheus.CounterVec // reason
	BrowserInUse    prometheus.Gauge
	BrowserCapacity prometheus.Gauge
	BrowserLaunch   prometheus.Histogram
	SessionWait     prometheus.Histogram
	BrowserSessions *prometheus.CounterVec // start (new, kept)

	// Portal politeness (worker): waits for a portal's fleet-wide budget.
	PortalWait     *prometheus.HistogramVec // portal, what (session, request)
	PortalSessions *prometheus.GaugeVec     // portal

	// Fleet.
	WorkerHeartbeat prometheus.Gauge
	WorkerUp        prometheus.Gauge
	ScheduledSlots  *prometheus.CounterVec // bot, result (enqueued, duplicate, missed, error)
}

// Histogram buckets.
var (
	runBuckets  = []float64{1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280}
	stepBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
)

// NewMetrics creates the metrics and registers them, with the Go and
// process collectors, on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	}
	m := &Metrics{
		registry: reg,
		BotRuns: counter("docket_bot_runs_total",
			"Bot run attempts that ended, by bot and outcome (succeeded, retrying, failed).", "bot", "outcome"),
		BotRunDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "docket_bot_run_duration_seconds", Help: "Duration of bot run attempts, by bot and outcome.",
			Buckets: runBuckets,
		}, []string{"bot", "outcome"}),
		RunsStarted: counter("docket_bot_runs_started_total",
			"Bot runs whose first attempt started, by bot (compare with docket_scheduler_slots_total).", "bot"),
		RunFailures: counter("docket_bot_run_failures_total",
			"Failed bot run attempts by bot and reason (selector_miss, login_rejected, portal_unavailable, session_lost, timeout, browser, other).",
			"bot", "reason"),
		LoginFailures: counter("docket_bot_login_failures_total",
			"Run attempts whose portal login was rejected, by bot.", "bot"),
		ConsecutiveFailures: gauge("docket_bot_consecutive_failed_attempts",
			"Failed attempts in a row of a bot on this worker; 0 after a success.", "bot"),
		StepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "docket_bot_step_duration_seconds", Help: "Duration of the steps of bot runs, by bot and step (session, page, upsert, route, evidence).",
			Buckets: stepBuckets,
		}, []string{"bot", "step"}),
		RecordsRead: counter("docket_bot_records_read_total", "Records (work items) read from portals, by bot.", "bot"),
		PagesRead:   counter("docket_bot_pages_read_total", "Portal pages read, by bot.", "bot"),
		Screenshots: counter("docket_bot_screenshots_total", "Screenshots stored as evidence, by bot.", "bot"),
		ItemChanges: counter("docket_work_item_upserts_total",
			"Work item upserts by bot and outcome (created, updated, unchanged).", "bot", "outcome"),
		LastSuccess: gauge("docket_bot_last_success_timestamp_seconds",
			"Unix time of the bot's last successful run seen by this process.", "bot"),
		SelectorMatches: counter("docket_selector_matches_total",
			"Selector lookups that matched, by portal, element and which candidate (0 is the first choice).",
			"portal", "element", "candidate"),
		SelectorMisses: counter("docket_selector_misses_total",
			"Selector lookups where every candidate missed, by portal and element.", "portal", "element"),
		BrowserRestarts: counter("docket_browser_restarts_total", "Browser relaunches by reason (crash, recycle).", "reason"),
		BrowserInUse: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_browser_contexts_in_use", Help: "Browser contexts currently running a bot.",
		}),
		BrowserCapacity: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_browser_contexts_capacity", Help: "Browser contexts this worker may run at once.",
		}),
		BrowserLaunch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "docket_browser_launch_duration_seconds", Help: "Time to launch the browser.",
			Buckets: stepBuckets,
		}),
		SessionWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "docket_browser_session_wait_seconds", Help: "Time a run waited for a free browser context.",
			Buckets: stepBuckets,
		}),
		BrowserSessions: counter("docket_browser_sessions_total",
			"Browser sessions handed to runs, by start: new (a fresh context that signs in) or kept (still signed in from an earlier run).",
			"start"),
		PortalWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "docket_portal_wait_seconds",
			Help:    "Time a run waited for its portal's fleet-wide budget, by portal and what (session: a session slot, before a browser context is borrowed; request: the requests-per-second cap or a pause the portal asked for).",
			Buckets: stepBuckets,
		}, []string{"portal", "what"}),
		PortalSessions: gauge("docket_portal_sessions",
			"Portal session slots this worker holds now, by portal (the fleet's total is capped per portal).", "portal"),
		WorkerHeartbeat: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_worker_heartbeat_timestamp_seconds",
			Help: "Unix time of this worker's last heartbeat (its browser and queue connection were checked).",
		}),
		WorkerUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_worker_up", Help: "1 while this worker's last heartbeat found it able to run bots.",
		}),
		ScheduledSlots: counter("docket_scheduler_slots_total",
			"Schedule slots fired, by bot and result (enqueued, duplicate, missed, error).", "bot", "result"),
	}
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.BotRuns, m.BotRunDuration, m.RunsStarted, m.RunFailures, m.LoginFailures, m.ConsecutiveFailures,
		m.StepDuration, m.RecordsRead, m.PagesRead, m.Screenshots, m.ItemChanges, m.LastSuccess,
		m.SelectorMatches, m.SelectorMisses,
		m.BrowserRestarts, m.BrowserInUse, m.BrowserCapacity, m.BrowserLaunch, m.SessionWait, m.BrowserSessions,
		m.PortalWait, m.PortalSessions,
		m.WorkerHeartbeat, m.WorkerUp, m.ScheduledSlots,
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Register adds an extra collector (such as the work item collector).
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// Handler serves the registry in the Prometheus text or, when the scraper
// asks for it, the OpenMetrics format (which carries the run id exemplars).
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true})
}
