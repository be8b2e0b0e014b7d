package inbox

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

// TaskQuery is the inbox's filters, sort and page, read from the URL query
// of the page and the API alike. Unknown values are dropped, not errors:
// a hand-edited URL still lists something sensible.
type TaskQuery struct {
	Queue    string
	Status   string // open (default), unassigned, assigned, escalated, completed, all
	Mine     bool   // only tasks assigned to the viewer
	Priority orchestrator.Priority
	SLA      orchestrator.SLAState
	MinAge   int    // days; 0 = any
	Payer    string // case-insensitive substring of the item's payer
	Reason   string // exact
	Search   string // substring of the item reference
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

// ParseTaskQuery reads a TaskQuery from URL values.
func ParseTaskQuery(q url.Values) TaskQuery {
	tq := TaskQuery{
		Queue: clip(q.Get("queue")), Status: "open", Payer: clip(q.Get("payer")),
		Reason: clip(q.Get("reason")), Search: clip(q.Get("q")), Sort: "priority", Page: 1,
		Mine: q.Get("mine") == "1" || q.Get("mine") == "on" || q.Get("mine") == "true",
	}
	switch v := q.Get("status"); v {
	case "open", "unassigned", "assigned", "escalated", "completed", "all":
		tq.Status = v
	}
	if p, err := orchestrator.ParsePriority(q.Get("priority")); err == nil {
		tq.Priority = p
	}
	switch v := orchestrator.SLAState(q.Get("sla")); v {
	case orchestrator.SLAOnTrack, orchestrator.SLAAtRisk, orchestrator.SLABreached:
		tq.SLA = v
	}
	if n, err := strconv.Atoi(q.Get("age")); err == nil && n > 0 && n < 10000 {
		tq.MinAge = n
	}
	switch v := q.Get("sort"); v {
	case "priority", "due", "oldest", "newest":
		tq.Sort = v
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 && n < 1_000_000 {
		tq.Page = n
	}
	return tq
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
	Task     orchestrator.HumanTask
	SLA      orchestrator.SLAState // now, not as last swept
	Payer    string
	Patient  string
	Facility string
	AgeDays  int
}

// TaskPage is one page of the inbox.
type TaskPage struct {
	Query TaskQuery
	Rows  []TaskRow
	Total int
	Pages int
}

// scanPage is how many tasks one store call returns while listing.
const scanPage = 500

// listTasks filters, sorts and pages tasks. Queue, status, assignee,
// priority and reference search go to the store, every value as a query
// parameter; the SLA state as of now (the stored one waits for the sweep),
// age, reason and payer (which TaskFilter does not have) are applied here.
func (s *Server) listTasks(ctx context.Context, p *principal, tq TaskQuery) (TaskPage, error) {
	now := s.cfg.Now()
	f := orchestrator.TaskFilter{Queue: tq.Queue, Priority: tq.Priority, Search: tq.Search, Limit: scanPage}
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
		f.Assignee = p.User.Name
	}
	var rows []TaskRow
	for {
		batch, err := s.cfg.Store.Tasks(ctx, f)
		if err != nil {
			return TaskPage{}, err
		}
		for _, t := range batch {
			row := TaskRow{Task: t, SLA: slaState(t, now), AgeDays: int(now.Sub(t.CreatedAt).Hours() / 24)}
			if (tq.SLA != "" && row.SLA != tq.SLA) || (tq.Reason != "" && t.Reason != tq.Reason) || (tq.MinAge > 0 && row.AgeDays < tq.MinAge) {
				continue
			}
			rows = append(rows, row)
		}
		if len(batch) < scanPage {
			break
		}
		f.Offset += scanPage
	}
	// Items are read only for a payer filter (every candidate) or for
	// the rows shown (one page).
	items := map[int64]orchestrator.WorkItem{}
	summarise := func(rows []TaskRow) error {
		for i := range rows {
			id := rows[i].Task.ItemID
			if id == 0 {
				continue
			}
			it, ok := items[id]
			if !ok {
				var err error
				if it, err = s.cfg.Store.Item(ctx, id); err != nil {
					return err
				}
				items[id] = it
			}
			rows[i].Payer, rows[i].Patient, rows[i].Facility = itemSummary(it.Data)
		}
		return nil
	}
	if tq.Payer != "" {
		if err := summarise(rows); err != nil {
			return TaskPage{}, err
		}
		kept := rows[:0]
		for _, row := range rows {
			if strings.Contains(strings.ToLower(row.Payer), strings.ToLower(tq.Payer)) {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	sortRows(rows, tq.Sort)
	page := TaskPage{Query: tq, Total: len(rows)}
	size := s.cfg.PageSize
	page.Pages = max(1, (len(rows)+size-1)/size)
	start := min((tq.Page-1)*size, len(rows))
	page.Rows = rows[start:min(start+size, len(rows))]
	if tq.Payer == "" {
		if err := summarise(page.Rows); err != nil {
			return TaskPage{}, err
		}
	}
	return page, nil
}

func sortRows(rows []TaskRow, by string) {
	due := func(t orchestrator.HumanTask) time.Time {
		if t.DueAt.IsZero() {
			return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return t.DueAt
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Task, rows[j].Task
		switch by {
		case "due":
			if !due(a).Equal(due(b)) {
				return due(a).Before(due(b))
			}
		case "newest":
			return a.ID > b.ID
		case "priority":
			if a.Priority.Rank() != b.Priority.Rank() {
				return a.Priority.Rank() > b.Priority.Rank()
			}
			if !due(a).Equal(due(b)) {
				return due(a).Before(due(b))
			}
		}
		return a.ID < b.ID
	})
}

// itemSummary reads the few fields the list shows from an item's data,
// whichever kind it is.
func itemSummary(data json.RawMessage) (payer, patient, facility string) {
	var d struct {
		PrimaryPayer string `json:"primary_payer"`
		Payer        string `json:"payer"`
		PatientName  string `json:"patient_name"`
		Facility     string `json:"facility"`
	}
	if json.Unmarshal(data, &d) != nil {
		return "", "", ""
	}
	payer = d.PrimaryPayer
	if payer == "" {
		payer = d.Payer
	}
	return payer, d.PatientName, d.Facility
}
