package monitoring

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Run outcomes used as the "outcome" label.
const (
	OutcomeSucceeded = "succeeded"
	OutcomeRetrying  = "retrying"
	OutcomeFailed    = "failed"
)

// Metrics holds every metric a Docket process updates. Labels are bounded:
// bot, portal, outcome, reason, queue, status; never an id or patient data.
type Metrics struct {
	registry prometheus.Registerer

	BotRuns         *prometheus.CounterVec   // bot, outcome
	BotRunDuration  *prometheus.HistogramVec // bot, outcome
	RecordsRead     *prometheus.CounterVec   // bot
	PagesRead       *prometheus.CounterVec   // bot
	Screenshots     *prometheus.CounterVec   // bot
	ItemChanges     *prometheus.CounterVec   // bot, outcome (created, updated, unchanged)
	LastSuccess     *prometheus.GaugeVec     // bot
	BrowserRestarts *prometheus.CounterVec   // reason
	BrowserInUse    prometheus.Gauge
	BrowserCapacity prometheus.Gauge
	ScheduledSlots  *prometheus.CounterVec // bot, result (enqueued, duplicate, missed, error)
	SelectorMatches *prometheus.CounterVec // portal, element, candidate ("0", "1", …)
	SelectorMisses  *prometheus.CounterVec // portal, element
}

// NewMetrics creates the metrics and registers them, with the Go and
// process collectors, on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		registry: reg,
		BotRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_bot_runs_total",
			Help: "Bot run attempts that ended, by bot and outcome (succeeded, retrying, failed).",
		}, []string{"bot", "outcome"}),
		BotRunDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "docket_bot_run_duration_seconds",
			Help:    "Duration of bot run attempts, by bot and outcome.",
			Buckets: []float64{1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280},
		}, []string{"bot", "outcome"}),
		RecordsRead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_bot_records_read_total",
			Help: "Records (work items) read from portals, by bot.",
		}, []string{"bot"}),
		PagesRead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_bot_pages_read_total",
			Help: "Portal pages read, by bot.",
		}, []string{"bot"}),
		Screenshots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_bot_screenshots_total",
			Help: "Screenshots stored as evidence, by bot.",
		}, []string{"bot"}),
		ItemChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_work_item_upserts_total",
			Help: "Work item upserts by bot and outcome (created, updated, unchanged).",
		}, []string{"bot", "outcome"}),
		LastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "docket_bot_last_success_timestamp_seconds",
			Help: "Unix time of the bot's last successful run seen by this process.",
		}, []string{"bot"}),
		BrowserRestarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_browser_restarts_total",
			Help: "Browser relaunches by reason (crash, recycle).",
		}, []string{"reason"}),
		BrowserInUse: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_browser_contexts_in_use",
			Help: "Browser contexts currently running a bot.",
		}),
		BrowserCapacity: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "docket_browser_contexts_capacity",
			Help: "Browser contexts this worker may run at once.",
		}),
		ScheduledSlots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_scheduler_slots_total",
			Help: "Schedule slots fired, by bot and result (enqueued, duplicate, error).",
		}, []string{"bot", "result"}),
		SelectorMatches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_selector_matches_total",
			Help: "Selector lookups that matched, by portal, element and which candidate (0 is the first choice).",
		}, []string{"portal", "element", "candidate"}),
		SelectorMisses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_selector_misses_total",
			Help: "Selector lookups where every candidate missed, by portal and element.",
		}, []string{"portal", "element"}),
	}
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.BotRuns, m.BotRunDuration, m.RecordsRead, m.PagesRead, m.Screenshots, m.ItemChanges,
		m.LastSuccess, m.BrowserRestarts, m.BrowserInUse, m.BrowserCapacity, m.ScheduledSlots,
		m.SelectorMatches, m.SelectorMisses,
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

// RunEnded records one finished run attempt.
func (m *Metrics) RunEnded(bot, outcome string, d time.Duration, at time.Time) {
	m.BotRuns.WithLabelValues(bot, outcome).Inc()
	m.BotRunDuration.WithLabelValues(bot, outcome).Observe(d.Seconds())
	if outcome == OutcomeSucceeded {
		m.LastSuccess.WithLabelValues(bot).Set(float64(at.Unix()))
	}
}

// SelectorUsed counts a selector lookup; index -1 is a miss. Element
// names come from selector files, so the label set stays bounded.
func (m *Metrics) SelectorUsed(portal, element string, index int) {
	if index < 0 {
		m.SelectorMisses.WithLabelValues(portal, element).Inc()
		return
	}
	m.SelectorMatches.WithLabelValues(portal, element, strconv.Itoa(index)).Inc()
}

// Handler serves the registry in the Prometheus text or OpenMetrics format.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true})
}
