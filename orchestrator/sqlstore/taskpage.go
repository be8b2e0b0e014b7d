package sqlstore

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

// Tasks lists human tasks matching f in f.Sort order. Search is a prefix
// match on the item reference or key, in byte order; Payer a
// case-insensitive substring of the task's payer (see taskWhere). The
// page's ids are read from an index that holds every filtered column, and
// then only its rows. A listing of every status reads the open and the
// completed tasks each through their own ordered index and merges the two.
func (s *Store) Tasks(ctx context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
	limit, offset := f.Limit, max(f.Offset, 0)
	if limit <= 0 {
		limit = listLimitDefault
	}
	order := s.taskOrder(f.Sort)
	var (
		page string
		args []any
		err  error
	)
	if open, done, ok := splitStatuses(f); ok {
		// Each side's first offset+limit tasks hold the merged page.
		cols := `id, priority_rank, ` + s.d.dueKey() + ` AS due_at`
		var a, b string
		var aArgs, bArgs []any
		if a, aArgs, err = s.pageSQL(ctx, open, cols, limit+offset, 0); err == nil {
			b, bArgs, err = s.pageSQL(ctx, done, cols, limit+offset, 0)
		}
		page = `SELECT id FROM (SELECT * FROM (` + a + `) o UNION ALL SELECT * FROM (` + b + `) d) m` + order + ` LIMIT ? OFFSET ?`
		args = append(append(aArgs, bArgs...), limit, offset)
	} else {
		page, args, err = s.pageSQL(ctx, f, `id`, limit, offset)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tasks: %w", err)
	}
	tasks, err := s.tasks(ctx, `WHERE id IN (`+page+`)`+order, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tasks: %w", err)
	}
	return tasks, nil
}

// CountTasks counts the tasks f matches, ignoring its sort and page, up to
// upTo (0: all) so a broad filter costs no more than upTo index entries.
func (s *Store) CountTasks(ctx context.Context, f orchestrator.TaskFilter, upTo int) (int, error) {
	open, done, ok := splitStatuses(f)
	if !ok {
		n, err := s.countOf(ctx, f, upTo)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: count tasks: %w", err)
		}
		return n, nil
	}
	n, err := s.countOf(ctx, open, upTo)
	if err == nil && (upTo <= 0 || n < upTo) {
		var m int
		m, err = s.countOf(ctx, done, max(upTo-n, 0))
		n += m
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: count tasks: %w", err)
	}
	return n, nil
}

// splitStatuses splits a listing of every status into its open and its
// completed tasks, each of which has ordered indexes; ok is false for any
// other filter, and for one item's tasks, which its index finds at once.
func splitStatuses(f orchestrator.TaskFilter) (open, done orchestrator.TaskFilter, ok bool) {
	if f.Status != "" || f.Open || f.ItemID != 0 {
		return f, f, false
	}
	open, done = f, f
	open.Open = true
	done.Status = orchestrator.TaskCompleted
	return open, done, true
}

func (s *Store) countOf(ctx context.Context, f orchestrator.TaskFilter, upTo int) (int, error) {
	q, err := s.taskWhere(ctx, f)
	if err != nil {
		return 0, err
	}
	q.index = s.countIndex(f, q)
	return s.countUpTo(ctx, q, upTo)
}

// taskOrder is the ORDER BY of a task listing.
func (s *Store) taskOrder(sort orchestrator.TaskSort) string {
	switch sort {
	case orchestrator.TaskSortPriority:
		return ` ORDER BY priority_rank DESC, ` + s.d.nullsLast("due_at") + `, id`
	case orchestrator.TaskSortDue:
		return ` ORDER BY ` + s.d.nullsLast("due_at") + `, id`
	case orchestrator.TaskSortNewest:
		return ` ORDER BY id DESC`
	}
	return ` ORDER BY id`
}

// pageSQL selects cols of the page of f's tasks (limit from offset), and
// returns the query and its arguments.
func (s *Store) pageSQL(ctx context.Context, f orchestrator.TaskFilter, cols string, limit, offset int) (string, []any, error) {
	q, err := s.taskWhere(ctx, f)
	if err != nil {
		return "", nil, err
	}
	if sel := s.selectiveIndex(f, q); sel != "" {
		// Few matches: read them through the filter's index and sort them.
		probe := q
		probe.index = sel
		n, err := s.countUpTo(ctx, probe, s.selectiveMax+1)
		if err != nil {
			return "", nil, err
		}
		if n <= s.selectiveMax {
			q.index = sel
		}
	}
	var order string
	switch f.Sort {
	case orchestrator.TaskSortNewest:
		order = s.idOrder(&q, true, 0)
	case orchestrator.TaskSortOldest:
		order = s.idOrder(&q, false, f.AfterID)
	default:
		order = s.taskOrder(f.Sort)
	}
	return `SELECT ` + cols + q.from() + q.sql() + order + ` LIMIT ? OFFSET ?`, append(q.args, limit, offset), nil
}
