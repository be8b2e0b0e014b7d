package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

const taskColumns = `id, item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version`

// CreateTask opens a human task unless an open one (any status but
// completed) exists for the same item and reason; it returns the stored
// task and whether it was created. A unique partial index makes the check
// hold under concurrency. ItemID 0 means the task is about no item.
func (s *Store) CreateTask(ctx context.Context, t orchestrator.HumanTask) (orchestrator.HumanTask, bool, error) {
	if t.Queue == "" || t.Reason == "" {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: task needs a queue and a reason", orchestrator.ErrInvalid)
	}
	if t.Status == "" {
		t.Status = orchestrator.TaskUnassigned
	}
	if t.Status == orchestrator.TaskCompleted {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: a new task cannot be completed", orchestrator.ErrInvalid)
	}
	created := s.orNow(t.CreatedAt)
	row := s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO human_tasks
			(item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1)
		ON CONFLICT (item_id, reason) WHERE status <> 'completed' DO NOTHING
		RETURNING `+taskColumns),
		t.ItemID, t.Queue, t.Reason, string(t.Status), t.Assignee,
		s.d.ts(created), s.d.nullTS(t.DueAt), s.d.ts(created))
	task, err := scanTask(row)
	if err == nil {
		return task, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, translate(err))
	}
	open, err := s.tasks(ctx, `WHERE item_id = ? AND reason = ? AND status <> 'completed'`, t.ItemID, t.Reason)
	if err != nil {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, err)
	}
	if len(open) == 0 {
		// The open task was completed between the insert and the read.
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, orchestrator.ErrConflict)
	}
	return open[0], false, nil
}

// Tasks lists human tasks matching f, oldest first.
func (s *Store) Tasks(ctx context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
	where := `WHERE 1 = 1`
	var args []any
	if f.Queue != "" {
		where += ` AND queue = ?`
		args = append(args, f.Queue)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.ItemID != 0 {
		where += ` AND item_id = ?`
		args = append(args, f.ItemID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = listLimitDefault
	}
	where += ` ORDER BY id LIMIT ? OFFSET ?`
	args = append(args, limit, max(f.Offset, 0))
	tasks, err := s.tasks(ctx, where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tasks: %w", err)
	}
	return tasks, nil
}

func (s *Store) tasks(ctx context.Context, where string, args ...any) ([]orchestrator.HumanTask, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+taskColumns+` FROM human_tasks `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tasks []orchestrator.HumanTask
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, rows.Err()
}

func scanTask(r rowScanner) (orchestrator.HumanTask, error) {
	var (
		t      orchestrator.HumanTask
		status string
	)
	err := r.Scan(&t.ID, &t.ItemID, &t.Queue, &t.Reason, &status, &t.Assignee, &t.Outcome,
		timeScan{&t.CreatedAt}, timeScan{&t.DueAt}, timeScan{&t.UpdatedAt}, &t.Version)
	t.Status = orchestrator.TaskStatus(status)
	return t, err
}
