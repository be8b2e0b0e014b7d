package monitoring

import (
	"context"
	"slices"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// SLA states of open human tasks (the "sla" label).
const (
	SLAOnTrack  = "on_track"
	SLADueSoon  = "due_soon" // the task's at-risk state (orchestrator.SLAAtRisk)
	SLABreached = "breached"
	SLANone     = "none" // the task has no due time
)

// SLAStates lists every SLA state.
func SLAStates() []string { return []string{SLAOnTrack, SLADueSoon, SLABreached, SLANone} }

// QA sample results (the "result" label).
const (
	QAPass  = "pass"
	QAFail  = "fail"
	QAOther = "other"
)

// TaskCollectorConfig configures the human task collector.
type TaskCollectorConfig struct {
	StoreCollectorConfig
	// Tasks lists human tasks, usually Store.Tasks.
	Tasks func(ctx context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error)
	// Open are the statuses of tasks waiting for a person. Default
	// unassigned, assigned and escalated.
	Open []orchestrator.TaskStatus
	// Done are the statuses of resolved tasks. Default completed.
	Done []orchestrator.TaskStatus
	// QAReason is the reason of QA sample tasks. Default "qa_sample".
	QAReason string
	// QAResult maps a resolved QA task's outcome to QAPass, QAFail or
	// QAOther. Default: "pass" and "fail" as they are, the rest other.
	QAResult func(outcome string) string
	// Reasons are reason codes (HumanTask.ReasonCode) reported as they
	// are, usually orchestrator.Reasons and the rules file's rule names;
	// another code must look like a code (CodeLabel) or is "other".
	Reasons []string
}

// taskCollector reports human tasks: open by queue, SLA state and reason,
// their age in business days, SLA breaches, time to resolution and QA
// sample results. It reads the store at scrape time (cached for TTL).
type taskCollector struct {
	cfg        TaskCollectorConfig
	snap       *snapshot[taskReading]
	open       *prometheus.Desc
	byReason   *prometheus.Desc
	age        *prometheus.Desc
	resolution *prometheus.Desc
	late       *prometheus.Desc
	qa         *prometheus.Desc
	errD       *prometheus.Desc
}

type taskReading struct {
	open, byReason, late, qa counts
	age, resolution          histos
}

// NewTaskCollector returns the human task collector.
func NewTaskCollector(cfg TaskCollectorConfig) prometheus.Collector {
	cfg.StoreCollectorConfig = cfg.StoreCollectorConfig.withDefaults()
	if len(cfg.Open) == 0 {
		cfg.Open = []orchestrator.TaskStatus{orchestrator.TaskUnassigned, orchestrator.TaskAssigned, orchestrator.TaskEscalated}
	}
	if len(cfg.Done) == 0 {
		cfg.Done = []orchestrator.TaskStatus{orchestrator.TaskCompleted}
	}
	if cfg.QAReason == "" {
		cfg.QAReason = "qa_sample"
	}
	if cfg.QAResult == nil {
		cfg.QAResult = func(o string) string {
			if o == QAPass || o == QAFail {
				return o
			}
			return QAOther
		}
	}
	q := []string{"queue"}
	return &taskCollector{
		cfg:  cfg,
		snap: newSnapshot[taskReading](cfg.TTL, cfg.Now),
		open: prometheus.NewDesc("docket_human_tasks_open",
			"Human tasks waiting for a person, by queue and SLA state (on_track, due_soon, breached, none).",
			[]string{"queue", "sla"}, nil),
		byReason: prometheus.NewDesc("docket_human_tasks_open_by_reason",
			"Human tasks waiting for a person, by queue and reason (a routing rule, bot_failure, qa_sample).",
			[]string{"queue", "reason"}, nil),
		age: prometheus.NewDesc("docket_human_task_age_workdays",
			"Age of open human tasks in business days since created.", q, nil),
		resolution: prometheus.NewDesc("docket_human_task_resolution_seconds",
			"Time from a human task's creation to its resolution, over resolved tasks.", q, nil),
		late: prometheus.NewDesc("docket_human_tasks_resolved_late_total",
			"Human tasks resolved after their due time (SLA breaches that were closed).", q, nil),
		qa: prometheus.NewDesc("docket_qa_samples_total",
			"Resolved QA sample reviews by queue and result (pass, fail, other).", []string{"queue", "result"}, nil),
		errD: scrapeErrorDesc("human_tasks"),
	}
}

func (c *taskCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.byReason, c.age, c.resolution, c.late, c.qa, c.errD} {
		ch <- d
	}
}

func (c *taskCollector) Collect(ch chan<- prometheus.Metric) {
	r, err := c.snap.get(c.read)
	ch <- prometheus.MustNewConstMetric(c.errD, prometheus.GaugeValue, errFloat(err))
	if err != nil {
		return
	}
	r.open.emit(ch, c.open, prometheus.GaugeValue, 2)
	r.byReason.emit(ch, c.byReason, prometheus.GaugeValue, 2)
	r.late.emit(ch, c.late, prometheus.CounterValue, 1)
	r.qa.emit(ch, c.qa, prometheus.CounterValue, 2)
	r.age.emit(ch, c.age)
	r.resolution.emit(ch, c.resolution)
}

func (c *taskCollector) read() (taskReading, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	now := c.cfg.Now()
	r := taskReading{
		open: counts{}, byReason: counts{}, late: counts{}, qa: counts{},
		age:        newHistos(ageBuckets, c.cfg.Queues),
		resolution: newHistos(resolutionBuckets, c.cfg.Queues),
	}
	for _, q := range c.cfg.Queues {
		for _, s := range SLAStates() {
			r.open[[3]string{q, s}] = 0
		}
		r.late[[3]string{q}] = 0
		for _, reason := range []string{orchestrator.ReasonBotFailure, c.cfg.QAReason} {
			r.byReason[[3]string{q, reason}] = 0
		}
		for _, res := range []string{QAPass, QAFail} {
			r.qa[[3]string{q, res}] = 0
		}
	}
	for _, status := range c.cfg.Open {
		tasks, err := c.list(ctx, status)
		if err != nil {
			return r, err
		}
		for _, t := range tasks {
			queue := c.cfg.queueLabel(t.Queue)
			r.open[[3]string{queue, c.sla(t, now)}]++
			r.byReason[[3]string{queue, c.reasonLabel(t)}]++
			r.age.get(queue).observe(float64(c.cfg.BusinessDays(t.CreatedAt, now)))
		}
	}
	for _, status := range c.cfg.Done {
		tasks, err := c.list(ctx, status)
		if err != nil {
			return r, err
		}
		for _, t := range tasks {
			queue := c.cfg.queueLabel(t.Queue)
			r.resolution.get(queue).observe(max(t.UpdatedAt.Sub(t.CreatedAt), 0).Seconds())
			if !t.DueAt.IsZero() && t.UpdatedAt.After(t.DueAt) {
				r.late[[3]string{queue}]++
			}
			if t.Reason == c.cfg.QAReason {
				r.qa[[3]string{queue, CodeLabel(c.cfg.QAResult(t.Outcome), QAPass, QAFail, QAOther)}]++
			}
		}
	}
	r.byReason = capReasons(r.byReason, c.cfg.MaxReasons)
	return r, nil
}

// reasonLabel is t's reason code (ReasonCode: "rule_failed:<rule>" is
// rule_failed, a failed run's task bot_failure) when it is known or looks
// like a code, else LabelOther.
func (c *taskCollector) reasonLabel(t orchestrator.HumanTask) string {
	code := t.ReasonCode()
	if slices.Contains(c.cfg.Reasons, code) {
		return code
	}
	return CodeLabel(code)
}

// sla is t's SLA label now, by the one definition the inbox and the
// queues page use (orchestrator.SLAStateAt of the task's own at-risk and
// due times): "due_soon" is its at-risk state, so the queues page's "at
// risk" and this gauge count the same tasks.
func (c *taskCollector) sla(t orchestrator.HumanTask, now time.Time) string {
	if t.DueAt.IsZero() {
		return SLANone
	}
	switch orchestrator.SLAStateAt(now, t.AtRiskAt, t.DueAt) {
	case orchestrator.SLABreached:
		return SLABreached
	case orchestrator.SLAAtRisk:
		return SLADueSoon
	}
	return SLAOnTrack
}

func (c *taskCollector) list(ctx context.Context, status orchestrator.TaskStatus) ([]orchestrator.HumanTask, error) {
	return pageAll(ctx, c.cfg.PageSize, c.cfg.ListLimit, func(ctx context.Context, limit, offset int) ([]orchestrator.HumanTask, error) {
		return c.cfg.Tasks(ctx, orchestrator.TaskFilter{Status: status, Limit: limit, Offset: offset})
	})
}
