package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const runColumns = `id, bot, slot, status, attempts, worker, pages, records, created, updated,
	unchanged, screenshots, error, queued_at, started_at, finished_at`

// listLimitDefault applies when a caller asks for no limit.
const listLimitDefault = 100

// CreateRun records a queued run unless one with its ID exists; it returns
// the stored run and whether it was created. QueuedAt defaults to now.
func (s *Store) CreateRun(ctx context.Context, r orchestrator.Run) (orchestrator.Run, bool, error) {
	if r.ID == "" || r.Bot == "" {
		return orchestrator.Run{}, false, fmt.Errorf("sqlstore: create run: %w: run needs an id and a bot", orchestrator.ErrInvalid)
	}
	if r.Status == "" {
		r.Status = orchestrator.RunQueued
	}
	if r.Slot == "" {
		r.Slot = orchestrator.SlotManual
	}
	row := s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO bot_runs (id, bot, slot, status, queued_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING
		RETURNING `+runColumns),
		r.ID, r.Bot, r.Slot, string(r.Status), s.d.ts(s.orNow(r.QueuedAt)))
	created, err := scanRun(row)
	if err == nil {
		return created, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return orchestrator.Run{}, false, fmt.Errorf("sqlstore: create run %s: %w", r.ID, translate(err))
	}
	stored, err := s.Run(ctx, r.ID)
	if err != nil {
		return orchestrator.Run{}, false, err
	}
	return stored, false, nil
}

// Run returns the run with id.
func (s *Store) Run(ctx context.Context, id string) (orchestrator.Run, error) {
	row := s.db.QueryRowContext(ctx, s.d.q(`SELECT `+runColumns+` FROM bot_runs WHERE id = ?`), id)
	r, err := scanRun(row)
	if err != nil {
		return orchestrator.Run{}, fmt.Errorf("sqlstore: run %s: %w", id, translate(err))
	}
	return r, nil
}

// Runs lists runs, newest first; bot "" means every bot. limit <= 0 means
// listLimitDefault.
func (s *Store) Runs(ctx context.Context, bot string, limit int) ([]orchestrator.Run, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	query := `SELECT ` + runColumns + ` FROM bot_runs`
	args := []any{}
	if bot != "" {
		query += ` WHERE bot = ?`
		args = append(args, bot)
	}
	query += ` ORDER BY queued_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: runs of %q: %w", bot, err)
	}
	defer rows.Close()
	var runs []orchestrator.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: runs of %q: %w", bot, err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: runs of %q: %w", bot, err)
	}
	return runs, nil
}

// StartAttempt marks the run running on worker, counts the attempt and
// resets the per-attempt counters; created and updated carry over, and the
// attempt's progress reports add to them. StartedAt keeps the first
// attempt's start. A run that has ended cannot start again: that returns
// ErrConflict, so a redelivered task does not reopen a finished run.
func (s *Store) StartAttempt(ctx context.Context, id, worker string, at time.Time) (orchestrator.Run, error) {
	row := s.db.QueryRowContext(ctx, s.d.q(`UPDATE bot_runs SET
			status = ?, worker = ?, attempts = attempts + 1,
			pages = 0, records = 0, unchanged = 0, screenshots = 0,
			created_base = created, updated_base = updated,
			started_at = COALESCE(started_at, ?)
		WHERE id = ? AND status NOT IN (?, ?)
		RETURNING `+runColumns),
		string(orchestrator.RunRunning), worker, s.d.ts(s.orNow(at)),
		id, string(orchestrator.RunSucceeded), string(orchestrator.RunFailed))
	r, err := scanRun(row)
	if errors.Is(err, sql.ErrNoRows) {
		return orchestrator.Run{}, s.whyNoRun(ctx, id, "start attempt on")
	}
	if err != nil {
		return orchestrator.Run{}, fmt.Errorf("sqlstore: start attempt on run %s: %w", id, translate(err))
	}
	return r, nil
}

// whyNoRun explains an update that matched no row: the run is missing, or
// it has ended.
func (s *Store) whyNoRun(ctx context.Context, id, what string) error {
	r, err := s.Run(ctx, id)
	if err != nil {
		return fmt.Errorf("sqlstore: %s run %s: %w", what, id, orchestrator.ErrNotFound)
	}
	return fmt.Errorf("sqlstore: %s run %s: %w: run has %s", what, id, orchestrator.ErrConflict, r.Status)
}

// ReportProgress stores the counters of the run's current attempt. Created
// and Updated count this attempt only; the store adds them to what earlier
// attempts created and updated.
func (s *Store) ReportProgress(ctx context.Context, id string, p orchestrator.RunProgress) error {
	res, err := s.db.ExecContext(ctx, s.d.q(`UPDATE bot_runs SET
			pages = ?, records = ?, unchanged = ?, screenshots = ?,
			created = created_base + ?, updated = updated_base + ?
		WHERE id = ?`),
		p.Pages, p.Records, p.Unchanged, p.Screenshots, p.Created, p.Updated, id)
	if err != nil {
		return fmt.Errorf("sqlstore: report progress of run %s: %w", id, translate(err))
	}
	return expectOne(res, fmt.Sprintf("report progress of run %s", id))
}

// FinishAttempt records how an attempt ended: RunSucceeded or RunFailed end
// the run (FinishedAt = at); RunRetrying leaves it open.
func (s *Store) FinishAttempt(ctx context.Context, id string, status orchestrator.RunStatus, errMsg string, at time.Time) error {
	var finished any
	switch status {
	case orchestrator.RunSucceeded, orchestrator.RunFailed:
		finished = s.d.ts(s.orNow(at))
	case orchestrator.RunRetrying:
	default:
		return fmt.Errorf("sqlstore: finish attempt on run %s: %w: status %q does not end an attempt", id, orchestrator.ErrInvalid, status)
	}
	res, err := s.db.ExecContext(ctx, s.d.q(`UPDATE bot_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?`),
		string(status), errMsg, finished, id)
	if err != nil {
		return fmt.Errorf("sqlstore: finish attempt on run %s: %w", id, translate(err))
	}
	return expectOne(res, fmt.Sprintf("finish attempt on run %s", id))
}

func expectOne(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: %s: %w", what, orchestrator.ErrNotFound)
	}
	return nil
}

func scanRun(r rowScanner) (orchestrator.Run, error) {
	var run orchestrator.Run
	var status string
	err := r.Scan(&run.ID, &run.Bot, &run.Slot, &status, &run.Attempts, &run.Worker,
		&run.Pages, &run.Records, &run.Created, &run.Updated, &run.Unchanged, &run.Screenshots,
		&run.Error, timeScan{&run.QueuedAt}, timeScan{&run.StartedAt}, timeScan{&run.FinishedAt})
	run.Status = orchestrator.RunStatus(status)
	return run, err
}
