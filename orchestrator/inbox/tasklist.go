package inbox

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

// TaskQuery is the inbox's filters, sort and page, read from the URL query
// of the page and the API alike. A value the inbox does not know is an
// error that names it (the page shows it, the API answers 400), never
// silently dropped: a hand-edited or stale link must not list something
// other than what it says.
type TaskQuery struct {
	Queue    string
	Status   string // open (default), unassigned, assigned, escalated, completed, all
	Mine     bool   // only tasks assigned to the viewer
	Priority orchestrator.Priority
	SLA      orchestrator.SLAState
	MinAge   int    // days; 0 = any
	Payer    string // case-insensitive substring of the item's payer
	Reason   string // exact
	Search   string // prefix of the item reference or account
	Sort     string // priority (default), due, oldest, newest
	Page     int    // 1-based
}

// filterMax bounds free-text filters; longer input is cut, not refused.
const filterMax = 200

func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > filterMax {
		s = string([]rune(s)[:filterMax])
	}
	return cleanText(s)
}

// taskStatuses and taskSortNames are the values the status and sort
// filters take.
var (
	// taskQueryKeys are the parameters a task list takes; ok, last, is
	// the confirmation a redirect asks the page to show.
	taskQueryKeys = []string{"queue", "status", "mine", "priority", "sla", "age", "payer", "reason", "q", "sort", "page", "ok"}
	taskStatuses  = []string{"open", "unassigned", "assigned", "escalated", "completed", "all"}
	taskSortNames = []string{"priority", "due", "oldest", "newest"}
	slaStates     = []orchestrator.SLAState{orchestrator.SLAOnTrack, orchestrator.SLAAtRisk, orchestrator.SLABreached}
	priorities    = []orchestrator.Priority{orchestrator.PriorityCritical, orchestrator.PriorityHigh, orchestrator.PriorityNormal, orchestrator.PriorityLow}
)

// ParseTaskQuery reads a TaskQuery from URL values. Every value it cannot
// use is named in the error (orchestrator.ErrInvalid), one clause per
// parameter; the query returned keeps the values that were good.
func ParseTaskQuery(q url.Values) (TaskQuery, error) {
	tq := TaskQuery{
		Queue: clip(q.Get("queue")), Status: "open", Payer: clip(q.Get("payer")),
		Reason: clip(q.Get("reason")), Search: clip(q.Get("q")), Sort: "priority", Page: 1,
	}
	var bad []string
	badf := func(name, v, want string) {
		bad = append(bad, fmt.Sprintf("%s %q is not %s", name, shownValue(v), want))
	}
	var unknown []string
	for k := range q {
		if !slices.Contains(taskQueryKeys, k) {
			unknown = append(unknown, fmt.Sprintf("%q", shownValue(k)))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		bad = append(bad, fmt.Sprintf("%s is not a filter (the filters are %s)", strings.Join(unknown, ", "),
			strings.Join(taskQueryKeys[:len(taskQueryKeys)-1], ", ")))
	}
	switch v := q.Get("mine"); v {
	case "":
	case "1", "on", "true":
		tq.Mine = true
	case "0", "off", "false":
	default:
		badf("mine", v, "1 or 0")
	}
	if v := q.Get("status"); v != "" {
		if slices.Contains(taskStatuses, v) {
			tq.Status = v
		} else {
			badf("status", v, "one of "+strings.Join(taskStatuses, ", "))
		}
	}
	if v := q.Get("priority"); v != "" {
		if p, err := orchestrator.ParsePriority(v); err == nil {
			tq.Priority = p
		} else {
			badf("priority", v, "one of critical, high, normal, low")
		}
	}
	if v := q.Get("sla"); v != "" {
		if slices.Contains(slaStates, orchestrator.SLAState(v)) {
			tq.SLA = orchestrator.SLAState(v)
		} else {
			badf("sla", v, "one of on_track, at_risk, breached")
		}
	}
	if v := q.Get("age"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < 10000 {
			tq.MinAge = n
		} else {
			badf("age", v, "a whole number of days from 0 to 9999")
		}
	}
	if v := q.Get("sort"); v != "" {
		if slices.Contains(taskSortNames, v) {
			tq.Sort = v
		} else {
			badf("sort", v, "one of "+strings.Join(taskSortNames, ", "))
		}
	}
	if v := q.Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 1_000_000 {
			tq.Page = n
		} else {
			badf("page", v, "a page number from 1")
		}
	}
	if len(bad) > 0 {
		return tq, fmt.Errorf("%w: %s", orchestrator.ErrInvalid, strings.Join(bad, "; "))
	}
	return tq, nil
}

// shownValue is a bad filter value as an error may quote it: short, one
// line.
func shownValue(v string) string {
	v = cleanText(v)
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	return v
}

// Values renders the query back into URL values (for links and forms).
func (tq TaskQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("queue", tq.Queue)
	if tq.Status != "open" {
		set("status", tq.Status)
	}
	if tq.Mine {
		v.Set("mine", "1")
	}
	set("priority", string(tq.Priority))
	set("sla", string(tq.SLA))
	if tq.MinAge > 0 {
		v.Set("age", strconv.Itoa(tq.MinAge))
	}
	set("payer", tq.Payer)
	set("reason", tq.Reason)
	set("q", tq.Search)
	if tq.Sort != "priority" {
		set("sort", tq.Sort)
	}
	return v
}

// TaskRow is one inbox line: the task and what the list shows of its item.
type TaskRow struct {
	Task    orchestrator.HumanTask
	SLA     orchestrator.SLAState // now, not as last swept
	Payer   string
	AgeDays int
	// Summary are the display fields of the task's item, by its record
	// kind.
	Summary []fieldRow
	// Due is the deadline in business days; Age how long the SLA clock
	// has run (from the clock's start, such as a query's sent date, not
	// from when Docket opened the task).
	Due, Age When
	// Claimable: the viewer may claim it from the list.
	Claimable bool
}

// TaskPage is one page of the inbox.
type TaskPage struct {
	Query TaskQuery
	Rows  []TaskRow
	// Total counts the matching tasks up to Config.CountMax; More says
	// there are more than that (pages go on while they are full).
	Total int
	More  bool
	Pages int
}

// taskSorts maps the inbox's sort names to the store's orders.
var taskSorts = map[string]orchestrator.TaskSort{
	"priority": orchestrator.TaskSortPriority, "due": orchestrator.TaskSortDue,
	"oldest": orchestrator.TaskSortOldest, "newest": orchestrator.TaskSortNewest,
}

// filter turns the query into the store's filter: every filter, the sort
// and the page run in SQL, every value as a query parameter. The SLA state
// is the one as of now (the stored one waits for the sweep), and age counts
// whole days since the task opened.
func (tq TaskQuery) filter(viewer string, now time.Time) orchestrator.TaskFilter {
	f := orchestrator.TaskFilter{Queue: tq.Queue, Priority: tq.Priority, Search: tq.Search, Reason: tq.Reason,
		Payer: tq.Payer, Sort: taskSorts[tq.Sort]}
	switch tq.Status {
	case "open":
		f.Open = true
	case "unassigned":
		f.Status = orchestrator.TaskUnassigned
	case "assigned":
		f.Status = orchestrator.TaskAssigned
	case "escalated":
		f.Status = orchestrator.TaskEscalated
	case "completed":
		f.Status = orchestrator.TaskCompleted
	}
	if tq.Mine {
		f.Assignee = viewer
	}
	if tq.SLA != "" {
		f.SLAState, f.SLAAt = tq.SLA, now
	}
	if tq.MinAge > 0 {
		f.CreatedUntil = now.Add(-time.Duration(tq.MinAge) * 24 * time.Hour)
	}
	return f
}

// listTasks reads one page of the inbox and the count of every match,
// then the items of the rows shown (for their kinds' display fields).
func (s *Server) listTasks(ctx context.Context, p *principal, tq TaskQuery) (TaskPage, error) {
	now := s.cfg.Now()
	f := tq.filter(p.User.Name, now)
	total, err := s.cfg.Store.CountTasks(ctx, f, s.cfg.CountMax+1)
	if err != nil {
		return TaskPage{}, err
	}
	size := s.cfg.PageSize
	page := TaskPage{Query: tq, Total: min(total, s.cfg.CountMax), More: total > s.cfg.CountMax}
	page.Pages = max(1, (page.Total+size-1)/size)
	f.Limit, f.Offset = size, (tq.Page-1)*size
	if f.Offset >= total && !page.More {
		return page, nil
	}
	tasks, err := s.cfg.Store.Tasks(ctx, f)
	if err != nil {
		return TaskPage{}, err
	}
	// The rows' items in one query, not one per row.
	var ids []int64
	for _, t := range tasks {
		if t.ItemID != 0 {
			ids = append(ids, t.ItemID)
		}
	}
	items := map[int64]orchestrator.WorkItem{}
	if len(ids) > 0 {
		its, err := s.cfg.Store.Items(ctx, orchestrator.ItemFilter{IDs: ids, Limit: len(ids)})
		if err != nil {
			return TaskPage{}, err
		}
		for _, it := range its {
			items[it.ID] = it
		}
	}
	page.Rows = make([]TaskRow, 0, len(tasks))
	cal := s.cfg.Tasks.Queues().Calendar
	for _, t := range tasks {
		start := t.ClockStart
		if start.IsZero() {
			start = t.CreatedAt
		}
		row := TaskRow{Task: t, SLA: slaState(t, now), Payer: t.Payer, AgeDays: int(now.Sub(t.CreatedAt).Hours() / 24),
			Due: dueWhen(cal, now, t.DueAt), Age: ageWhen(cal, now, start), Claimable: t.Status.Open() && t.Assignee == ""}
		if it, ok := items[t.ItemID]; ok {
			// The summary alone: laying out every field as well cost a
			// quarter of a list page's time (BenchmarkPages).
			k, known := s.kindOf(it)
			row.Summary = summaryRows(k, known, it.Data, !p.seesPHI())
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}
