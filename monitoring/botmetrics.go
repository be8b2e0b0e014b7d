package monitoring

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Run outcomes used as the "outcome" label.
const (
	OutcomeSucceeded = "succeeded"
	OutcomeRetrying  = "retrying"
	OutcomeFailed    = "failed"
)

// Failure reasons used as the "reason" label of docket_bot_run_failures_total.
// Whoever classifies an error must map it to one of these, so the label
// stays bounded.
const (
	ReasonSelectorMiss      = "selector_miss"
	ReasonLoginRejected     = "login_rejected"
	ReasonPortalUnavailable = "portal_unavailable"
	ReasonSessionLost       = "session_lost"
	ReasonMaintenance       = "maintenance"
	ReasonTimeout           = "timeout"
	ReasonBrowser           = "browser"
	ReasonOther             = "other"
)

// FailureReasons lists every failure reason.
func FailureReasons() []string {
	return []string{ReasonSelectorMiss, ReasonLoginRejected, ReasonPortalUnavailable, ReasonSessionLost,
		ReasonTimeout, ReasonBrowser, ReasonOther}
}

// Steps of a run measured by docket_bot_step_duration_seconds.
const (
	StepSession  = "session"  // waiting for and opening a browser context
	StepPage     = "page"     // reading one portal page (list page with its details)
	StepUpsert   = "upsert"   // writing one batch of observations: evidence records, upserts, history
	StepRoute    = "route"    // routing one batch of stored observations
	StepEvidence = "evidence" // storing one artefact's content (its record goes with the batch)
)

// Steps lists every step label.
func Steps() []string { return []string{StepSession, StepPage, StepUpsert, StepRoute, StepEvidence} }

// Attempt is one finished run attempt.
type Attempt struct {
	Bot      string
	RunID    string // becomes an exemplar, never a label
	Outcome  string // OutcomeSucceeded, OutcomeRetrying or OutcomeFailed
	Reason   string // a Reason* constant when the attempt failed
	Duration time.Duration
	At       time.Time
}

// AttemptEnded records one finished run attempt.
func (m *Metrics) AttemptEnded(a Attempt) {
	ex := runExemplar(a.RunID)
	outcome := CodeLabel(a.Outcome, OutcomeSucceeded, OutcomeRetrying, OutcomeFailed)
	addWithExemplar(m.BotRuns.WithLabelValues(a.Bot, outcome), 1, ex)
	observeWithExemplar(m.BotRunDuration.WithLabelValues(a.Bot, outcome), a.Duration.Seconds(), ex)
	if outcome == OutcomeSucceeded {
		m.LastSuccess.WithLabelValues(a.Bot).Set(float64(a.At.Unix()))
		m.ConsecutiveFailures.WithLabelValues(a.Bot).Set(0)
		return
	}
	reason := a.Reason
	if !knownReason(reason) {
		reason = ReasonOther
	}
	addWithExemplar(m.RunFailures.WithLabelValues(a.Bot, reason), 1, ex)
	if reason == ReasonLoginRejected {
		m.LoginFailures.WithLabelValues(a.Bot).Inc()
	}
	m.ConsecutiveFailures.WithLabelValues(a.Bot).Inc()
}

// RunEnded records one finished run attempt without a run id.
func (m *Metrics) RunEnded(bot, outcome string, d time.Duration, at time.Time) {
	m.AttemptEnded(Attempt{Bot: bot, Outcome: outcome, Duration: d, At: at})
}

// RunStarted counts a run whose first attempt started.
func (m *Metrics) RunStarted(bot, runID string) {
	addWithExemplar(m.RunsStarted.WithLabelValues(bot), 1, runExemplar(runID))
}

// StepDone records how long one step of a run took.
func (m *Metrics) StepDone(bot, step, runID string, d time.Duration) {
	observeWithExemplar(m.StepDuration.WithLabelValues(bot, step), d.Seconds(), runExemplar(runID))
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

// InitBot creates a configured bot's series at zero, so dashboards and
// alerts see "nothing happened" rather than "no data".
func (m *Metrics) InitBot(bot string) {
	for _, o := range []string{OutcomeSucceeded, OutcomeRetrying, OutcomeFailed} {
		m.BotRuns.WithLabelValues(bot, o)
		m.BotRunDuration.WithLabelValues(bot, o)
	}
	for _, r := range FailureReasons() {
		m.RunFailures.WithLabelValues(bot, r)
	}
	for _, s := range Steps() {
		m.StepDuration.WithLabelValues(bot, s)
	}
	for _, o := range []string{"created", "updated", "unchanged"} {
		m.ItemChanges.WithLabelValues(bot, o)
	}
	for _, r := range []string{"enqueued", "duplicate", "missed", "error"} {
		m.ScheduledSlots.WithLabelValues(bot, r)
	}
	m.RunsStarted.WithLabelValues(bot)
	m.LoginFailures.WithLabelValues(bot)
	m.ConsecutiveFailures.WithLabelValues(bot)
	m.RecordsRead.WithLabelValues(bot)
	m.PagesRead.WithLabelValues(bot)
	m.Screenshots.WithLabelValues(bot)
}

// InitSelectors creates a portal's selector series at zero: a miss for
// every element and a first-choice match.
func (m *Metrics) InitSelectors(portal string, elements []string) {
	for _, e := range elements {
		m.SelectorMisses.WithLabelValues(portal, e)
		m.SelectorMatches.WithLabelValues(portal, e, "0")
	}
}

// InitBrowser creates the browser restart and session series at zero.
func (m *Metrics) InitBrowser() {
	for _, r := range []string{"crash", "recycle"} {
		m.BrowserRestarts.WithLabelValues(r)
	}
	for _, s := range []string{"new", "kept"} {
		m.BrowserSessions.WithLabelValues(s)
	}
}

// BrowserSession counts a session handed to a run: kept when it was still
// signed in from an earlier run.
func (m *Metrics) BrowserSession(kept bool) {
	start := "new"
	if kept {
		start = "kept"
	}
	m.BrowserSessions.WithLabelValues(start).Inc()
}

func knownReason(r string) bool {
	for _, k := range FailureReasons() {
		if r == k {
			return true
		}
	}
	return false
}

// runExemplar labels an observation with the run it came from; OpenMetrics
// scrapers store it, the text format drops it.
func runExemplar(runID string) prometheus.Labels {
	if runID == "" {
		return nil
	}
	// Exemplar label sets are limited to 128 runes in all.
	if len(runID) > 100 {
		runID = runID[:100]
	}
	return prometheus.Labels{"run_id": runID}
}

func addWithExemplar(c prometheus.Counter, v float64, ex prometheus.Labels) {
	if ea, ok := c.(prometheus.ExemplarAdder); ok && ex != nil {
		ea.AddWithExemplar(v, ex)
		return
	}
	c.Add(v)
}

func observeWithExemplar(o prometheus.Observer, v float64, ex prometheus.Labels) {
	if eo, ok := o.(prometheus.ExemplarObserver); ok && ex != nil {
		eo.ObserveWithExemplar(v, ex)
		return
	}
	o.Observe(v)
}
