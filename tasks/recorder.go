package tasks

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
)

// recorder applies what a bot reads during one attempt: observations go
// to the intake (upsert, history, routing), artefacts become evidence, and
// counters are written to the run row so a follower sees progress.
type recorder struct {
	run      orchestrator.Run
	store    orchestrator.Store
	intake   *orchestrator.Intake
	evidence orchestrator.EvidenceStore
	policy   string // orchestrator.EvidenceAll or EvidenceExceptions
	metrics  *monitoring.Metrics
	now      func() time.Time

	mu        sync.Mutex
	progress  orchestrator.RunProgress
	pageStart time.Time // when the page being read started, for the step metric
}

func newRecorder(run orchestrator.Run, store orchestrator.Store, in *orchestrator.Intake, ev orchestrator.EvidenceStore,
	policy string, m *monitoring.Metrics, now func() time.Time) *recorder {
	// Counters are this attempt's; the store adds created and updated to
	// what earlier attempts of the run recorded.
	return &recorder{run: run, store: store, intake: in, evidence: ev, policy: policy, metrics: m, now: now}
}

func (r *recorder) Observe(ctx context.Context, obs orchestrator.Observation) error {
	began := r.now()
	res, err := r.intake.Observe(ctx, r.run, obs)
	r.metrics.StepDone(r.run.Bot, monitoring.StepUpsert, r.run.ID, r.now().Sub(began))
	if res.Outcome == "" { // not stored
		return fmt.Errorf("tasks: run %s: %w", r.run.ID, err)
	}
	r.mu.Lock()
	r.progress.Records++
	switch res.Outcome {
	case orchestrator.UpsertCreated:
		r.progress.Created++
	case orchestrator.UpsertUpdated:
		r.progress.Updated++
	default:
		r.progress.Unchanged++
	}
	r.mu.Unlock()
	r.metrics.RecordsRead.WithLabelValues(r.run.Bot).Inc()
	r.metrics.ItemChanges.WithLabelValues(r.run.Bot, monitoring.CodeLabel(string(res.Outcome), "created", "updated", "unchanged")).Inc()
	if err != nil { // stored, not routed: the retry routes it again
		return fmt.Errorf("tasks: run %s: %w", r.run.ID, err)
	}
	return nil
}

// Capture stores c unless the bot's evidence policy drops it: with
// "exceptions", routine screenshots of pages read are not kept (failures,
// before/after shots and DOM snapshots always are). A dropped capture
// returns a zero Evidence.
func (r *recorder) Capture(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	if c.Kind == orchestrator.EvidenceScreenshot && !r.KeepsScreenshot(c.Purpose) {
		return orchestrator.Evidence{}, nil
	}
	c.Bot = r.run.Bot
	c.RunID = r.run.ID
	if c.CapturedAt.IsZero() {
		c.CapturedAt = r.now()
	}
	began := r.now()
	e, err := r.evidence.Put(ctx, c)
	r.metrics.StepDone(r.run.Bot, monitoring.StepEvidence, r.run.ID, r.now().Sub(began))
	if err != nil {
		return e, fmt.Errorf("tasks: run %s: store evidence: %w", r.run.ID, err)
	}
	if c.Kind == orchestrator.EvidenceScreenshot {
		r.mu.Lock()
		r.progress.Screenshots++
		r.mu.Unlock()
		r.metrics.Screenshots.WithLabelValues(r.run.Bot).Inc()
	}
	return e, nil
}

// KeepsScreenshot reports whether the bot's evidence policy keeps a
// screenshot taken for purpose, so a bot can skip taking one it would drop.
func (r *recorder) KeepsScreenshot(purpose string) bool {
	return orchestrator.KeepsScreenshot(r.policy, purpose)
}

func (r *recorder) PageRead(ctx context.Context) error {
	now := r.now()
	r.mu.Lock()
	r.progress.Pages++
	took := now.Sub(r.pageStart)
	r.pageStart = now
	r.mu.Unlock()
	r.metrics.StepDone(r.run.Bot, monitoring.StepPage, r.run.ID, took)
	r.metrics.PagesRead.WithLabelValues(r.run.Bot).Inc()
	return r.flush(ctx)
}

// flush writes the counters to the run row.
func (r *recorder) flush(ctx context.Context) error {
	p := r.snapshot()
	if err := r.store.ReportProgress(ctx, r.run.ID, p); err != nil {
		return fmt.Errorf("tasks: run %s: report progress: %w", r.run.ID, err)
	}
	return nil
}

func (r *recorder) snapshot() orchestrator.RunProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.progress
}

func (r *recorder) SelectorUsed(portal, element string, index int) {
	r.metrics.SelectorUsed(portal, element, index)
}

// startPageClock starts timing the first page, once the browser session
// is open.
func (r *recorder) startPageClock() {
	r.mu.Lock()
	r.pageStart = r.now()
	r.mu.Unlock()
}
