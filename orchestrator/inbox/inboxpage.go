package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

type inboxView struct {
	TaskPage
	// MyWork is the "My work" page: the viewer's own open tasks, breached
	// first, with the way to the next unclaimed one.
	MyWork     bool
	Path       string     // /inbox or /work, for forms and links
	Values     url.Values // the query, for sort and page links
	Back       string     // this page's path and query, where list actions return
	Queues     []string
	Reasons    []string
	Payers     []string
	Priorities []orchestrator.Priority
	SLAStates  []orchestrator.SLAState
	Statuses   []string
	Staff      []string // who a supervisor may assign to (bulk assign)
	Results    []bulkResult
	Prev, Next int // 0 when there is none
	// Empty says why nothing is listed; set only when nothing is.
	Empty emptyInbox
}

// Sorted says how column col is sorted now: "ascending", "descending" or
// "" (for aria-sort and the visible arrow).
func (v inboxView) Sorted(col string) string {
	switch {
	case col == "task" && v.Query.Sort == "oldest", col == "due" && v.Query.Sort == "due", col == "age" && v.Query.Sort == "newest":
		return "ascending"
	case col == "priority" && v.Query.Sort == "priority":
		return "descending"
	}
	return ""
}

// taskQuery reads the inbox's query and checks the queue against the
// configured ones.
func (s *Server) taskQuery(q url.Values) (TaskQuery, error) {
	tq, err := ParseTaskQuery(q)
	if tq.Queue != "" && !slices.Contains(s.cfg.Tasks.Queues().Names(), tq.Queue) {
		msg := fmt.Sprintf("queue %q is not one of %s", shownValue(tq.Queue), strings.Join(s.cfg.Tasks.Queues().Names(), ", "))
		if err != nil {
			return tq, fmt.Errorf("%w; %s", err, msg)
		}
		return tq, fmt.Errorf("%w: %s", orchestrator.ErrInvalid, msg)
	}
	return tq, err
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderList(w, r, p, http.StatusOK, nil)
}

// myWork is staff's landing page: the tasks assigned to the viewer,
// breached first.
func (s *Server) myWork(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderList(w, r, p, http.StatusOK, nil)
}

// renderList shows the inbox or "My work" (by path; after a list action,
// the page the form came from) with the results of that action. A bad
// filter value shows the form with the error and no rows (400): a list
// that ignored it would say it lists what it does not.
func (s *Server) renderList(w http.ResponseWriter, r *http.Request, p *principal, status int, results []bulkResult) {
	q, myWork := r.URL.Query(), r.URL.Path == "/work"
	if r.Method == http.MethodPost {
		u, err := url.Parse(safeNext(r.PostFormValue("back")))
		if err != nil {
			u = &url.URL{Path: "/inbox"}
		}
		q, myWork = u.Query(), u.Path == "/work"
	}
	tq, qerr := s.taskQuery(q)
	path := "/inbox"
	if myWork {
		path = "/work"
		tq.Mine = true
		if q.Get("sort") == "" {
			tq.Sort = "due" // breached first: the earliest deadline leads
		}
	}
	v := inboxView{MyWork: myWork, Path: path, Values: tq.Values(), Queues: s.cfg.Tasks.Queues().Names(),
		Priorities: priorities, SLAStates: slaStates, Statuses: taskStatuses, Results: results}
	if myWork {
		v.Values.Del("mine")
	}
	v.Back = path
	if enc := v.Values.Encode(); enc != "" {
		v.Back += "?" + enc
	}
	facets, err := s.facets(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	v.Reasons, v.Payers = withValue(facets.Reasons, tq.Reason), withValue(facets.Payers, tq.Payer)
	if p.Can(orchestrator.RoleSupervisor) && !myWork {
		if v.Staff, err = s.staffNames(r.Context()); err != nil {
			s.fail(w, r, false, err)
			return
		}
	}
	title := "Inbox"
	if myWork {
		title = "My work"
	}
	nav := strings.TrimPrefix(path, "/")
	if qerr != nil {
		v.TaskPage = TaskPage{Query: tq, Pages: 1}
		s.render(w, r, p, http.StatusBadRequest, "inbox", view{Title: title, Nav: nav,
			Error: "This filter cannot be used: " + strings.TrimPrefix(publicMessage(qerr), "invalid: ") + ". Fix it below or clear the filters.", Data: v})
		return
	}
	page, err := s.listTasks(r.Context(), p, tq)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	v.TaskPage = page
	if len(page.Rows) == 0 {
		if v.Empty, err = s.explainEmpty(r.Context(), p, tq); err != nil {
			s.fail(w, r, false, err)
			return
		}
	}
	if tq.Page > 1 {
		v.Prev = tq.Page - 1
	}
	if tq.Page < page.Pages || (page.More && len(page.Rows) == s.cfg.PageSize) {
		v.Next = tq.Page + 1 // past CountMax the pages go on while they are full
	}
	s.render(w, r, p, status, "inbox", view{Title: title, Nav: nav, Flash: flash(r), Data: v})
}

// withValue adds the selected value to a select's options when the data
// no longer holds it, so the select shows what the list is filtered by.
func withValue(opts []string, v string) []string {
	if v == "" || slices.Contains(opts, v) {
		return opts
	}
	return append(slices.Clone(opts), v)
}

// facetsTTL is how long the filter options are reused: a new reason shows
// in the select within this time.
const facetsTTL = 30 * time.Second

// facetCache keeps the inbox's filter options for facetsTTL.
type facetCache struct {
	mu     sync.Mutex
	at     time.Time
	facets orchestrator.TaskFacets
}

// facetsMax bounds the options of each select.
const facetsMax = 500

func (s *Server) facets(ctx context.Context) (orchestrator.TaskFacets, error) {
	s.facetCache.mu.Lock()
	defer s.facetCache.mu.Unlock()
	now := s.cfg.Now()
	if !s.facetCache.at.IsZero() && now.Sub(s.facetCache.at) < facetsTTL && now.After(s.facetCache.at) {
		return s.facetCache.facets, nil
	}
	f, err := s.cfg.Store.TaskFacets(ctx, facetsMax)
	if err != nil {
		return orchestrator.TaskFacets{}, err
	}
	s.facetCache.at, s.facetCache.facets = now, f
	return f, nil
}

// staffNames are the active users who may work tasks.
func (s *Server) staffNames(ctx context.Context) ([]string, error) {
	users, err := s.cfg.Users.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range users {
		if !u.Disabled && u.Role.Includes(orchestrator.RoleStaff) {
			out = append(out, u.Name)
		}
	}
	return out, nil
}
