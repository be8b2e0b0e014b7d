package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// taskSQL is a task filter in SQL: the WHERE clause and the index SQLite
// reads it through ("" leaves the choice to the planner); onlyOpen says the
// clause keeps open tasks only.
type taskSQL struct {
	where
	index    string
	onlyOpen bool
}

// from is the FROM clause: the table, through the chosen index.
func (q taskSQL) from() string {
	if q.index == "" {
		return ` FROM human_tasks`
	}
	return ` FROM human_tasks INDEXED BY ` + q.index
}

// taskWhere builds the WHERE clause of f's filters (not its sort or
// page) and picks the index. Every value travels as a parameter.
//
// Payer is a case-insensitive substring, as orchestrator.PayerMatches
// decides it: the known payers (task_payers, a few rows) are matched in Go
// so case folding is Unicode's on both dialects, and the filter becomes an
// equality list the payer index serves. A search on SQLite's open tasks
// becomes an id list through a probe of the prefix indexes (searchProbe).
func (s *Store) taskWhere(ctx context.Context, f orchestrator.TaskFilter) (taskSQL, error) {
	var w where
	w.eq("queue", f.Queue)
	open := f.Open && f.Status == ""
	onlyOpen := open || (f.Status != "" && f.Status != orchestrator.TaskCompleted)
	switch f.Status {
	case "":
	case orchestrator.TaskCompleted:
		// A literal, so the completed-task indexes, partial on it, serve
		// the query.
		w.add(`status = 'completed'`)
	default:
		w.eq("status", string(f.Status))
	}
	if onlyOpen {
		// Also for an open status: the term lets the open-task indexes,
		// partial on it, serve the query.
		w.add(`status <> 'completed'`)
	}
	if f.ItemID != 0 {
		w.add(`item_id = ?`, f.ItemID)
	}
	if f.Assignee != "" {
		w.add(`assignee <> '' AND assignee = ?`, f.Assignee)
	}
	if f.Priority != "" {
		// The rank, which the indexes hold, is one-to-one with the name;
		// an unknown name has rank 0 and matches nothing.
		w.add(`priority_rank = ?`, f.Priority.Rank())
	}
	w.eq("reason", f.Reason)
	if f.SLAState != "" {
		if f.SLAAt.IsZero() {
			w.eq("sla_state", string(f.SLAState))
		} else {
			s.slaAt(&w, f.SLAState, f.SLAAt, open || (f.Status != "" && f.Status.Open()), f.Status == orchestrator.TaskCompleted)
		}
	}
	if !f.CreatedUntil.IsZero() {
		w.add(`created_at <= ?`, s.d.ts(f.CreatedUntil))
	}
	if !f.DueBefore.IsZero() {
		w.add(s.d.dueKey()+` < ?`, s.d.ts(f.DueBefore))
	}
	if f.Payer != "" {
		if err := s.payerWhere(ctx, &w, f.Payer); err != nil {
			return taskSQL{}, err
		}
	}
	probed := false
	if f.Search != "" {
		var err error
		if probed, err = s.searchWhere(ctx, &w, f.Search, open); err != nil {
			return taskSQL{}, err
		}
	}
	return taskSQL{where: w, index: s.orderIndex(f, probed), onlyOpen: onlyOpen}, nil
}

// selectiveMaxDefault is how many matches a reason or payer filter may
// have for SQLite to read them through the filter's own index and sort
// them; with more, matches are dense and the ordered index finds a page at
// once. (Store.selectiveMax; tests lower it to take the other path.)
const selectiveMaxDefault = 1000

// selectiveIndex is the open-task index led by an equality filter of f
// (reason, else payer, else assignee) on SQLite, or "". A person's own
// tasks ("My work", sorted by deadline) are few: read through the
// assignee index and sorted, not found by walking the deadline index past
// everyone else's.
func (s *Store) selectiveIndex(f orchestrator.TaskFilter, q taskSQL) string {
	if q.index == "" || !q.onlyOpen {
		return ""
	}
	switch {
	case f.Reason != "":
		return "human_tasks_open_reason"
	case f.Payer != "":
		return "human_tasks_open_payer"
	case f.Assignee != "":
		return "human_tasks_open_assignee"
	}
	return ""
}

// countIndex is the open-task index a count reads on SQLite: the one led
// by f's narrowest equality filter, so only the matching range is read.
func (s *Store) countIndex(f orchestrator.TaskFilter, q taskSQL) string {
	if sel := s.selectiveIndex(f, q); sel != "" || q.index == "" {
		return sel
	}
	if !q.onlyOpen { // completed tasks
		if f.Queue != "" {
			return "human_tasks_done_queue"
		}
		return "human_tasks_done_id"
	}
	switch {
	case f.Assignee != "":
		return "human_tasks_open_assignee"
	case f.Queue != "":
		return "human_tasks_open_queue"
	}
	return "human_tasks_open_priority" // led by the priority
}

// countUpTo counts q's matches, stopping at upTo (0: all).
func (s *Store) countUpTo(ctx context.Context, q taskSQL, upTo int) (int, error) {
	query, args := `SELECT COUNT(*)`+q.from()+q.sql(), q.args
	if upTo > 0 {
		query = `SELECT COUNT(*) FROM (SELECT 1` + q.from() + q.sql() + ` LIMIT ?) m`
		args = append(append([]any(nil), q.args...), upTo)
	}
	var n int
	err := s.db.QueryRowContext(ctx, s.d.q(query), args...).Scan(&n)
	return n, err
}

// orderIndex names the index SQLite reads f's open or completed tasks
// through, in the order f sorts them, or "" to leave the choice to the
// planner (one item's tasks, open and completed; a search probe's id
// list). Each of these indexes holds every column a filter
// reads, so filters are checked on index entries and only the rows of a
// page are fetched.
func (s *Store) orderIndex(f orchestrator.TaskFilter, probed bool) string {
	if s.d.name != "sqlite" || probed || f.ItemID != 0 || (f.Status == "" && !f.Open) {
		return "" // an item's few tasks come through the item index
	}
	if f.Status == orchestrator.TaskCompleted {
		return doneIndex(f)
	}
	switch f.Sort {
	case orchestrator.TaskSortDue:
		return "human_tasks_open_due"
	case orchestrator.TaskSortOldest, orchestrator.TaskSortNewest:
		return "human_tasks_open_id"
	}
	switch {
	case f.Queue != "":
		return "human_tasks_open_queue"
	case f.Assignee != "":
		return "human_tasks_open_assignee"
	}
	return "human_tasks_open_priority"
}

// doneIndex is the completed-task index for f's order on SQLite.
func doneIndex(f orchestrator.TaskFilter) string {
	switch {
	case f.Sort == orchestrator.TaskSortDue:
		return "human_tasks_done_due"
	case f.Sort == orchestrator.TaskSortOldest, f.Sort == orchestrator.TaskSortNewest:
		return "human_tasks_done_id"
	case f.Queue != "":
		return "human_tasks_done_queue"
	}
	return "human_tasks_done_priority"
}

// idOrder orders a page of q's tasks by id (descending for newest). For
// open tasks on PostgreSQL it orders by -id, which only the open-task id
// index (on -id) serves: the planner, unaware that completed tasks cluster
// among the oldest ids, would otherwise walk the primary key through every
// completed task. after continues an ascending listing (keyset).
func (s *Store) idOrder(q *taskSQL, newest bool, after int64) string {
	if s.d.name == "postgres" && q.onlyOpen {
		if after > 0 && !newest {
			q.add(`-id < ?`, -after)
		}
		if newest {
			return ` ORDER BY -id`
		}
		return ` ORDER BY -id DESC`
	}
	if after > 0 && !newest {
		q.add(`id > ?`, after)
	}
	if newest {
		return ` ORDER BY id DESC`
	}
	return ` ORDER BY id`
}

// slaAt matches tasks in state st as of at: open tasks by their clock
// (orchestrator.SLAStateAt), completed ones by the state they ended in.
// onlyOpen and onlyDone say the status filter already decided which.
func (s *Store) slaAt(w *where, st orchestrator.SLAState, at time.Time, onlyOpen, onlyDone bool) {
	t := s.d.ts(at)
	var clock string
	var args []any
	switch st {
	case orchestrator.SLABreached:
		clock, args = s.d.dueKey()+` <= ?`, []any{t}
	case orchestrator.SLAAtRisk:
		clock, args = `at_risk_at <= ? AND `+s.d.dueAfter(), []any{t, t}
	default:
		clock, args = `(at_risk_at IS NULL OR at_risk_at > ?) AND `+s.d.dueAfter(), []any{t, t}
	}
	ended := `sla_state = ?`
	endArgs := []any{string(st)}
	if st == orchestrator.SLAOnTrack {
		ended = `sla_state IN (?, '')`
	}
	switch {
	case onlyOpen:
		w.add(clock, args...)
	case onlyDone:
		w.add(ended, endArgs...)
	default:
		w.add(`((status <> 'completed' AND `+clock+`) OR (status = 'completed' AND `+ended+`))`, append(args, endArgs...)...)
	}
}

// payerWhere adds the payer filter: the known payers that match, as an
// IN list, or as a NOT IN list of those that do not when that is shorter
// (a broad filter such as "a"). The empty payer never matches.
func (s *Store) payerWhere(ctx context.Context, w *where, filter string) error {
	payers, err := s.knownPayers(ctx)
	if err != nil {
		return err
	}
	var in []any
	out := []any{""}
	for _, p := range payers {
		if orchestrator.PayerMatches(p, filter) {
			in = append(in, p)
		} else {
			out = append(out, p)
		}
	}
	switch {
	case len(in) == 0:
		w.add(`1 = 0`)
	case len(in) <= len(out):
		w.add(`payer IN (?`+strings.Repeat(", ?", len(in)-1)+`)`, in...)
	default:
		w.add(`payer NOT IN (?`+strings.Repeat(", ?", len(out)-1)+`)`, out...)
	}
	return nil
}

// knownPayers lists every payer a task has carried (task_payers: a few
// rows, one per payer name).
func (s *Store) knownPayers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payer FROM task_payers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// searchWhere adds the prefix search on the item reference or key; probed
// says it became a list of the ids a probe found.
func (s *Store) searchWhere(ctx context.Context, w *where, search string, open bool) (probed bool, err error) {
	if s.d.name == "sqlite" && open {
		ids, few, err := s.searchProbe(ctx, search)
		if err != nil {
			return false, err
		}
		if few {
			ids = append(ids, 0) // 0 never is a task id: an empty match stays a valid IN list
			w.add(`id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, int64sAny(ids)...)
			return true, nil
		}
	}
	lo, hi := prefixRange(search)
	c := s.d.byteOrder
	w.add(`((item_ref`+c+` >= ? AND item_ref`+c+` < ?) OR (item_key`+c+` >= ? AND item_key`+c+` < ?))`, lo, hi, lo, hi)
	return false, nil
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
