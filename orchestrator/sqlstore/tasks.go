package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

const taskColumns = `id, item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version,
	priority, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state, escalation, escalated_to,
	escalate_at, assigned_at, assigned_by, completed_at, completed_by, resolution, writeback_run_id`

// CreateTask opens a human task unless an open one (any status but
// completed) exists for the same item and reason; it returns the stored
// task and whether it was created. A unique partial index makes the check
// hold under concurrency. ItemID 0 means the task is about no item. A
// created task gets a "task.opened" audit entry in the same transaction.
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
	if t.Priority == "" {
		t.Priority = orchestrator.PriorityNormal
	}
	if t.Priority.Rank() == 0 {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: priority %q", orchestrator.ErrInvalid, t.Priority)
	}
	if t.SLAState == "" {
		t.SLAState = orchestrator.SLAOnTrack
	}
	created := s.orNow(t.CreatedAt)
	var (
		task  orchestrator.HumanTask
		isNew bool
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		task, err = scanTask(tx.QueryRowContext(ctx, s.d.q(`INSERT INTO human_tasks
				(item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version,
				 priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state,
				 escalation, escalated_to, escalate_at, assigned_at, assigned_by)
			VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (item_id, reason) WHERE status <> 'completed' DO NOTHING
			RETURNING `+taskColumns),
			t.ItemID, t.Queue, t.Reason, string(t.Status), t.Assignee,
			s.d.ts(created), s.d.nullTS(t.DueAt), s.d.ts(created),
			string(t.Priority), t.Priority.Rank(), t.ItemRef, t.ItemKey, t.ItemDataHash, t.Detail,
			s.d.nullTS(t.ClockStart), s.d.nullTS(t.AtRiskAt), string(t.SLAState),
			t.Escalation, t.EscalatedTo, s.d.nullTS(t.EscalateAt), s.d.nullTS(t.AssignedAt), t.AssignedBy))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		isNew = true
		detail := fmt.Sprintf("%s in %s, priority %s", t.Reason, t.Queue, t.Priority)
		if !task.DueAt.IsZero() {
			detail += ", due " + task.DueAt.Format("2006-01-02T15:04Z07:00")
		}
		_, err = s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
			At: created, Actor: orchestrator.ActorSystem, Action: "task.opened",
			Subject: orchestrator.AuditSubjectTask(task.ItemID, task.ID), Detail: detail,
		})
		return err
	})
	if err != nil {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, translate(err))
	}
	if isNew {
		return task, true, nil
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

// Tasks lists human tasks matching f in f.Sort order. Search is a prefix
// match on the item reference or key, in byte order.
func (s *Store) Tasks(ctx context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
	var matches []int64
	if s.d.name == "sqlite" && f.Search != "" && f.Open && f.Status == "" {
		ids, few, err := s.searchProbe(ctx, f.Search)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: tasks: %w", err)
		}
		if few {
			matches = append(ids, 0) // 0 never is a task id: an empty match stays a valid IN list
		}
	}
	query, args := s.tasksQuery(f, matches)
	tasks, err := s.tasks(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tasks: %w", err)
	}
	return tasks, nil
}

// searchProbeMax is how many matches the SQLite search probe collects
// before it leaves the search to the ordered index scan.
const searchProbeMax = 1000

// searchProbe finds the open tasks a search matches through the prefix
// indexes, up to searchProbeMax per index. SQLite's planner cannot tell a
// selective prefix from a broad one and would scan every open task in
// priority order for a rare reference; with the probe, a rare reference
// becomes an id list (fast), and a broad one (few = false) keeps the
// ordered scan, which finds its page of matches at once.
func (s *Store) searchProbe(ctx context.Context, search string) (ids []int64, few bool, err error) {
	lo, hi := prefixRange(search)
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, 'k' FROM (SELECT id FROM human_tasks INDEXED BY human_tasks_open_key
			WHERE status <> 'completed' AND item_key >= ? AND item_key < ? LIMIT ?)
		UNION ALL
		SELECT id, 'r' FROM (SELECT id FROM human_tasks INDEXED BY human_tasks_open_ref
			WHERE status <> 'completed' AND item_ref >= ? AND item_ref < ? LIMIT ?)`,
		lo, hi, searchProbeMax+1, lo, hi, searchProbeMax+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	seen := map[int64]bool{}
	counts := map[string]int{}
	for rows.Next() {
		var (
			id  int64
			arm string
		)
		if err := rows.Scan(&id, &arm); err != nil {
			return nil, false, err
		}
		counts[arm]++
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return ids, counts["k"] <= searchProbeMax && counts["r"] <= searchProbeMax, nil
}

// tasksQuery builds the list query. matches, when not nil, are the ids a
// search probe found, used instead of the search's ranges.
func (s *Store) tasksQuery(f orchestrator.TaskFilter, matches []int64) (string, []any) {
	var w where
	w.eq("queue", f.Queue)
	if f.Status != "" {
		w.eq("status", string(f.Status))
	} else if f.Open {
		w.add(`status <> 'completed'`)
	}
	if f.ItemID != 0 {
		w.add(`item_id = ?`, f.ItemID)
	}
	if f.Assignee != "" {
		w.add(`assignee <> '' AND assignee = ?`, f.Assignee)
	}
	w.eq("priority", string(f.Priority))
	w.eq("sla_state", string(f.SLAState))
	if matches != nil {
		w.add(`id IN (?`+strings.Repeat(", ?", len(matches)-1)+`)`, int64sAny(matches)...)
	} else if f.Search != "" {
		lo, hi := prefixRange(f.Search)
		c := s.d.byteOrder
		w.add(`((item_ref`+c+` >= ? AND item_ref`+c+` < ?) OR (item_key`+c+` >= ? AND item_key`+c+` < ?))`, lo, hi, lo, hi)
	}
	if !f.DueBefore.IsZero() {
		w.add(`due_at < ?`, s.d.ts(f.DueBefore))
	}
	if f.AfterID > 0 && f.Sort == orchestrator.TaskSortOldest {
		w.add(`id > ?`, f.AfterID)
	}
	order := ` ORDER BY id`
	switch f.Sort {
	case orchestrator.TaskSortPriority:
		order = ` ORDER BY priority_rank DESC, ` + s.d.nullsLast("due_at") + `, id`
	case orchestrator.TaskSortDue:
		order = ` ORDER BY ` + s.d.nullsLast("due_at") + `, id`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = listLimitDefault
	}
	return w.sql() + order + ` LIMIT ? OFFSET ?`, append(w.args, limit, max(f.Offset, 0))
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
		t                          orchestrator.HumanTask
		status, priority, slaState string
	)
	err := r.Scan(&t.ID, &t.ItemID, &t.Queue, &t.Reason, &status, &t.Assignee, &t.Outcome,
		timeScan{&t.CreatedAt}, timeScan{&t.DueAt}, timeScan{&t.UpdatedAt}, &t.Version,
		&priority, &t.ItemRef, &t.ItemKey, &t.ItemDataHash, &t.Detail, timeScan{&t.ClockStart}, timeScan{&t.AtRiskAt}, &slaState,
		&t.Escalation, &t.EscalatedTo, timeScan{&t.EscalateAt}, timeScan{&t.AssignedAt}, &t.AssignedBy,
		timeScan{&t.CompletedAt}, &t.CompletedBy, &t.Resolution, &t.WriteBackRunID)
	t.Status, t.Priority, t.SLAState = orchestrator.TaskStatus(status), orchestrator.Priority(priority), orchestrator.SLAState(slaState)
	return t, err
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
