package tasks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
)

// When a recorder writes what it buffered: at every page read, after
// batchSizeDefault records, when the oldest buffered record has waited
// batchWaitDefault, and when the attempt ends, whichever comes first.
const (
	batchSizeDefault = 250
	batchWaitDefault = time.Second
	// stagingDefault bounds the evidence blobs written at once.
	stagingDefault = 4
)

// recorder applies what a bot reads during one attempt. Observations are
// buffered and written in batches (intake.StoreBatch: evidence records,
// upserts and history in one transaction, then routing) by a writer of
// their own, so the bot reads the next page while the last is written;
// the content of routine evidence goes to blob storage as it is captured,
// concurrently, and its record joins the batch. After each batch the
// counters are written to the run row so a follower sees progress.
//
// A batch that fails to store fails the run: every later call returns
// the error, drain returns it, and the run's retry reads the portal again
// (upserts are idempotent). Nothing read is dropped without the run
// failing.
type recorder struct {
	run      orchestrator.Run
	store    orchestrator.Store
	intake   *orchestrator.Intake
	evidence orchestrator.EvidenceStore
	stager   orchestrator.EvidenceStager // nil: every capture is put at once
	policy   string                      // orchestrator.EvidenceAll or EvidenceExceptions
	metrics  *monitoring.Metrics
	now      func() time.Time
	size     int
	wait     time.Duration

	mu        sync.Mutex
	progress  orchestrator.RunProgress
	pageStart time.Time // when the page being read started, for the step metric
	buf       []orchestrator.Observation
	oldest    time.Time        // when buf's first record came
	caps      []*stagedCapture // this batch's captures, in order
	capIndex  map[int64]int    // provisional evidence id → index in caps
	resolved  map[int64]int64  // provisional id → record id, of written batches
	nextProv  int64            // provisional ids handed out
	failed    error            // the first batch that failed
	staging   chan struct{}    // bounds concurrent blob writes

	batches  chan batch    // to the writer; nil before start and after drain
	sendMu   sync.Mutex    // held from cutting a batch until the writer has it
	inFlight int           // batches cut and not yet written; r.mu
	written  *sync.Cond    // on r.mu: a batch was written (or given back)
	stopped  chan struct{} // closed when the writer has ended
}

// batch is one cut of the buffer: observations and the captures of this
// batch they may refer to.
type batch struct {
	obs   []orchestrator.Observation
	caps  []*stagedCapture
	index map[int64]int
}

// stagedCapture is a capture whose content is being written.
type stagedCapture struct {
	done chan struct{}
	ev   orchestrator.Evidence
	err  error
}

func newRecorder(run orchestrator.Run, store orchestrator.Store, in *orchestrator.Intake, ev orchestrator.EvidenceStore,
	policy string, m *monitoring.Metrics, now func() time.Time) *recorder {
	// Counters are this attempt's; the store adds created and updated to
	// what earlier attempts of the run recorded.
	stager, _ := ev.(orchestrator.EvidenceStager)
	r := &recorder{run: run, store: store, intake: in, evidence: ev, stager: stager, policy: policy, metrics: m, now: now,
		size: batchSizeDefault, wait: batchWaitDefault, capIndex: map[int64]int{}, resolved: map[int64]int64{},
		staging: make(chan struct{}, stagingDefault)}
	r.written = sync.NewCond(&r.mu)
	return r
}

// start runs the writer until drain. Its writes outlive ctx's deadline:
// what the bot read before the deadline is still stored.
func (r *recorder) start(ctx context.Context) {
	wctx := context.WithoutCancel(ctx)
	// One batch written and one waiting at most: a bot that reads faster
	// than the store writes waits at its next flush.
	ch := make(chan batch, 1)
	r.batches, r.stopped = ch, make(chan struct{})
	go func() {
		defer close(r.stopped)
		tick := time.NewTicker(r.wait / 4)
		defer tick.Stop()
		for {
			select {
			case b, ok := <-ch:
				if !ok {
					return
				}
				r.writeOne(wctx, b)
			case <-tick.C:
				// Batches are written in the order they were cut: none
				// while a flush is handing one over or one waits.
				if !r.sendMu.TryLock() {
					continue
				}
				r.mu.Lock()
				due := len(ch) == 0 && len(r.buf) > 0 && r.now().Sub(r.oldest) >= r.wait
				var b batch
				if due {
					b = r.cut()
					r.inFlight++
				}
				r.mu.Unlock()
				r.sendMu.Unlock()
				if due {
					r.writeOne(wctx, b)
				}
			}
		}
	}()
}

// drain writes what is buffered, ends the writer and returns the error
// of any batch of the attempt that failed.
func (r *recorder) drain(ctx context.Context) error {
	if r.batches != nil {
		_ = r.flush(ctx)
		r.sendMu.Lock()
		close(r.batches)
		r.batches = nil
		r.sendMu.Unlock()
		<-r.stopped
	}
	_ = r.flush(ctx) // without a writer: in this goroutine
	return r.err()
}

func (r *recorder) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// cut takes the buffer as a batch; r.mu is held.
func (r *recorder) cut() batch {
	b := batch{obs: r.buf, caps: r.caps, index: r.capIndex}
	r.buf, r.caps, r.capIndex = nil, nil, map[int64]int{}
	return b
}

// flush hands the buffer to the writer, waiting while it is busy with two
// batches, and returns the error of a batch that failed.
func (r *recorder) flush(ctx context.Context) error {
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	r.mu.Lock()
	if r.failed != nil {
		r.mu.Unlock()
		return r.failed
	}
	if len(r.buf) == 0 && len(r.caps) == 0 {
		r.mu.Unlock()
		return nil
	}
	b := r.cut()
	r.inFlight++
	r.mu.Unlock()
	if r.batches == nil { // no writer: not started, or drained
		r.writeOne(ctx, b)
		return r.err()
	}
	select {
	case r.batches <- b:
		return nil
	case <-ctx.Done():
		// The bot's deadline passed; the records stay for drain.
		r.mu.Lock()
		r.inFlight--
		r.written.Broadcast()
		r.buf, r.caps = append(b.obs, r.buf...), append(b.caps, r.caps...)
		for prov, j := range r.capIndex {
			b.index[prov] = j + len(b.caps)
		}
		r.capIndex = b.index
		r.mu.Unlock()
		return fmt.Errorf("tasks: run %s: %w", r.run.ID, ctx.Err())
	}
}

// writeOne writes b unless an earlier batch failed (the run fails; its
// retry reads everything again).
func (r *recorder) writeOne(ctx context.Context, b batch) {
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.written.Broadcast()
		r.mu.Unlock()
	}()
	if r.err() != nil {
		for _, sc := range b.caps { // no content write outlives the attempt
			<-sc.done
		}
		return
	}
	if err := r.writeBatch(ctx, b.obs, b.caps, b.index); err != nil {
		r.mu.Lock()
		r.failed = err
		r.mu.Unlock()
		return
	}
	// Progress is for followers; the runner writes the final counters.
	_ = r.reportProgress(ctx)
}

func (r *recorder) Observe(ctx context.Context, obs orchestrator.Observation) error {
	if orchestrator.CheckExternalID(obs.ExternalID) == nil || obs.ExternalID == "" {
		// Refused at once, so the bot's error names the record.
		if _, err := orchestrator.NewItemUpsert(r.run.ID, r.now(), obs); err != nil {
			return fmt.Errorf("tasks: run %s: %w", r.run.ID, err)
		}
	}
	r.mu.Lock()
	if _, pending := r.capIndex[obs.EvidenceID]; obs.EvidenceID < 0 && !pending {
		// Captured before the last flush: wait for its record.
		for r.inFlight > 0 {
			r.written.Wait()
		}
	}
	if r.failed != nil {
		r.mu.Unlock()
		return r.failed
	}
	if obs.EvidenceID < 0 {
		if id, ok := r.resolved[obs.EvidenceID]; ok {
			obs.EvidenceID = id
		} else if _, ok := r.capIndex[obs.EvidenceID]; !ok {
			r.mu.Unlock()
			return fmt.Errorf("tasks: run %s: %w: an observation refers to evidence %d this run did not capture",
				r.run.ID, orchestrator.ErrInvalid, obs.EvidenceID)
		}
	}
	if len(r.buf) == 0 {
		r.oldest = r.now()
	}
	r.buf = append(r.buf, obs)
	full := len(r.buf) >= r.size
	r.mu.Unlock()
	if full {
		return r.flush(ctx)
	}
	return nil
}

// Capture stores c unless the bot's evidence policy drops it: with
// "exceptions", routine screenshots of pages read are not kept (failures,
// before/after shots and DOM snapshots always are). A dropped capture
// returns a zero Evidence. The content of a routine capture (purpose
// read) is written in the background and its record is appended with the
// next batch: the Evidence returned then carries a provisional, negative
// ID that the bot's observations may refer to. Other captures are stored
// at once.
func (r *recorder) Capture(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	if c.Kind == orchestrator.EvidenceScreenshot && !r.KeepsScreenshot(c.Purpose) {
		return orchestrator.Evidence{}, nil
	}
	c.Bot = r.run.Bot
	c.RunID = r.run.ID
	if c.CapturedAt.IsZero() {
		c.CapturedAt = r.now()
	}
	if c.Kind == orchestrator.EvidenceScreenshot {
		r.mu.Lock()
		r.progress.Screenshots++
		r.mu.Unlock()
		r.metrics.Screenshots.WithLabelValues(r.run.Bot).Inc()
	}
	if r.stager == nil || (c.Purpose != "" && c.Purpose != orchestrator.PurposeRead) {
		began := r.now()
		e, err := r.evidence.Put(ctx, c)
		r.metrics.StepDone(r.run.Bot, monitoring.StepEvidence, r.run.ID, r.now().Sub(began))
		if err != nil {
			return e, fmt.Errorf("tasks: run %s: store evidence: %w", r.run.ID, err)
		}
		return e, nil
	}
	return r.stage(ctx, c)
}

// stage starts writing c's content and returns its provisional record.
func (r *recorder) stage(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	select {
	case r.staging <- struct{}{}:
	case <-ctx.Done():
		return orchestrator.Evidence{}, fmt.Errorf("tasks: run %s: store evidence: %w", r.run.ID, ctx.Err())
	}
	sc := &stagedCapture{done: make(chan struct{})}
	r.mu.Lock()
	if r.failed != nil {
		r.mu.Unlock()
		<-r.staging
		return orchestrator.Evidence{}, r.failed
	}
	r.nextProv++
	id := -r.nextProv
	r.capIndex[id] = len(r.caps)
	r.caps = append(r.caps, sc)
	r.mu.Unlock()
	// The content is written even when the bot's deadline passes meanwhile:
	// its record may already be referred to by an observation.
	wctx := context.WithoutCancel(ctx)
	go func() {
		defer func() { <-r.staging }()
		defer close(sc.done)
		began := r.now()
		sc.ev, sc.err = r.stager.Stage(wctx, c)
		r.metrics.StepDone(r.run.Bot, monitoring.StepEvidence, r.run.ID, r.now().Sub(began))
	}()
	return orchestrator.Evidence{ID: id, Kind: c.Kind, MediaType: c.MediaType, Size: int64(len(c.Content)), URL: c.URL,
		Bot: c.Bot, RunID: c.RunID, ItemRef: c.ItemRef, SelectorVersion: c.SelectorVersion, CapturedAt: c.CapturedAt}, nil
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

func (r *recorder) writeBatch(ctx context.Context, obs []orchestrator.Observation, caps []*stagedCapture, index map[int64]int) error {
	if len(obs) == 0 && len(caps) == 0 {
		return nil
	}
	evs := make([]orchestrator.Evidence, len(caps))
	var staged error
	for i, sc := range caps {
		<-sc.done
		evs[i] = sc.ev
		staged = errors.Join(staged, sc.err)
	}
	if staged != nil {
		return fmt.Errorf("tasks: run %s: store evidence of %d records: %w", r.run.ID, len(obs), staged)
	}
	for i := range obs {
		if j, ok := index[obs[i].EvidenceID]; ok {
			obs[i].EvidenceID = orchestrator.PendingEvidenceID(j)
		}
	}
	began := r.now()
	res, err := r.intake.StoreBatch(ctx, r.run, evs, obs)
	r.metrics.StepDone(r.run.Bot, monitoring.StepUpsert, r.run.ID, r.now().Sub(began))
	if err != nil {
		return fmt.Errorf("tasks: run %s: store a batch of %d records: %w", r.run.ID, len(obs), err)
	}
	r.mu.Lock()
	for prov, j := range index {
		r.resolved[prov] = res.Evidence[j].ID
	}
	for _, it := range res.Items {
		r.progress.Records++
		switch it.Outcome {
		case orchestrator.UpsertCreated:
			r.progress.Created++
		case orchestrator.UpsertUpdated:
			r.progress.Updated++
		default:
			r.progress.Unchanged++
		}
	}
	r.mu.Unlock()
	for _, it := range res.Items {
		r.metrics.ItemChanges.WithLabelValues(r.run.Bot, monitoring.CodeLabel(string(it.Outcome), "created", "updated", "unchanged")).Inc()
	}
	r.metrics.RecordsRead.WithLabelValues(r.run.Bot).Add(float64(len(res.Items)))
	began = r.now()
	err = r.intake.RouteBatch(ctx, r.run, obs, res.Items)
	r.metrics.StepDone(r.run.Bot, monitoring.StepRoute, r.run.ID, r.now().Sub(began))
	if err != nil { // stored, not routed: the retry routes them again
		return fmt.Errorf("tasks: run %s: %w", r.run.ID, err)
	}
	return nil
}

// reportProgress writes the counters to the run row.
func (r *recorder) reportProgress(ctx context.Context) error {
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
