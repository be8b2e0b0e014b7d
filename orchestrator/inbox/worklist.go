package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// NextTask is the task user should work next: the open task assigned to
// them with the earliest deadline, else the unclaimed task (unassigned, or
// escalated without an assignee) with the earliest deadline in the queues
// that list them as a member (every queue when none does). Tasks without a
// deadline come after those with one, older before newer. ok is false when
// there is nothing to work.
func (s *Server) NextTask(ctx context.Context, user string) (t orchestrator.HumanTask, ok bool, err error) {
	mine, err := s.cfg.Store.Tasks(ctx, orchestrator.TaskFilter{Open: true, Assignee: user, Sort: orchestrator.TaskSortDue, Limit: 1})
	if err != nil || len(mine) > 0 {
		return firstOf(mine), len(mine) > 0, err
	}
	var cands []orchestrator.HumanTask
	for _, q := range s.memberQueues(user) {
		un, err := s.cfg.Store.Tasks(ctx, orchestrator.TaskFilter{Queue: q, Status: orchestrator.TaskUnassigned, Sort: orchestrator.TaskSortDue, Limit: 1})
		if err != nil {
			return t, false, err
		}
		cands = append(cands, un...)
		// Escalated tasks keep their assignee unless the ladder names
		// none: look past a few held ones.
		esc, err := s.cfg.Store.Tasks(ctx, orchestrator.TaskFilter{Queue: q, Status: orchestrator.TaskEscalated, Sort: orchestrator.TaskSortDue, Limit: 50})
		if err != nil {
			return t, false, err
		}
		for _, e := range esc {
			if e.Assignee == "" {
				cands = append(cands, e)
				break
			}
		}
	}
	if len(cands) == 0 {
		return t, false, nil
	}
	return slices.MinFunc(cands, dueOrder), true, nil
}

func firstOf(ts []orchestrator.HumanTask) orchestrator.HumanTask {
	if len(ts) == 0 {
		return orchestrator.HumanTask{}
	}
	return ts[0]
}

// dueOrder is the store's due order: earliest deadline first, none last,
// then by id.
func dueOrder(a, b orchestrator.HumanTask) int {
	switch {
	case a.DueAt.IsZero() != b.DueAt.IsZero():
		if a.DueAt.IsZero() {
			return 1
		}
		return -1
	case !a.DueAt.Equal(b.DueAt):
		return a.DueAt.Compare(b.DueAt)
	}
	return int(a.ID - b.ID)
}

// memberQueues are the queues listing user as a member, or [""] (every
// queue) when none does.
func (s *Server) memberQueues(user string) []string {
	var out []string
	qs := s.cfg.Tasks.Queues()
	for _, name := range qs.Names() {
		if q, _ := qs.Queue(name); slices.Contains(q.Members, user) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// nextPage opens the task to work next, or "My work" saying there is none.
func (s *Server) nextPage(w http.ResponseWriter, r *http.Request, p *principal) {
	t, ok, err := s.NextTask(r.Context(), p.User.Name)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if !ok {
		http.Redirect(w, r, "/work?ok=nonext", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
}

// listClaim claims a task from a list and returns to that list.
func (s *Server) listClaim(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	if err != nil || id <= 0 {
		s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Error: "The form named no task; reload the page and try again."}})
		return
	}
	var in taskInput
	if v := r.PostFormValue("version"); v != "" {
		if in.Version, err = strconv.ParseInt(v, 10, 64); err != nil || in.Version < 0 {
			s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Task: id, Error: "The form was damaged (version); reload the page and try again."}})
			return
		}
	}
	if _, err := s.doTask(r.Context(), p, id, actClaim, in); err != nil {
		status, _ := statusFor(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, false, err)
			return
		}
		s.renderList(w, r, p, status, []bulkResult{{Task: id, Error: publicMessage(err)}})
		return
	}
	http.Redirect(w, r, withOK(r.PostFormValue("back"), "claimed"), http.StatusSeeOther)
}

// withOK is back (a list page of this site) with a confirmation key.
func withOK(back, key string) string {
	u, err := url.Parse(safeNext(back))
	if err != nil || u.Path == "/" {
		u = &url.URL{Path: "/inbox"}
	}
	q := u.Query()
	q.Set("ok", key)
	u.RawQuery = q.Encode()
	return u.String()
}

// bulkResult is what became of one task of a list action.
type bulkResult struct {
	Task  int64
	Done  string // what was done, in words
	Error string // why not, in words
}

// bulkAssignMax bounds one bulk assignment (two inbox pages).
const bulkAssignMax = 200

// bulkAssign assigns the chosen tasks to one person, each through the task
// service (one audited change per task, each checked on its own against
// the version the list showed: a task claimed or resolved meanwhile is
// refused and said so, the others still assigned), and shows what became
// of each.
func (s *Server) bulkAssign(w http.ResponseWriter, r *http.Request, p *principal) {
	if err := r.ParseForm(); err != nil {
		s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Error: "The form could not be read; try again."}})
		return
	}
	user := r.PostForm.Get("user")
	ids := r.PostForm["task"]
	switch {
	case user == "":
		s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Error: "Choose whom to assign the tasks to."}})
		return
	case len(ids) == 0:
		s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Error: "Tick the tasks to assign first."}})
		return
	case len(ids) > bulkAssignMax:
		s.renderList(w, r, p, http.StatusBadRequest, []bulkResult{{Error: fmt.Sprintf("%d tasks ticked; assign at most %d at once.", len(ids), bulkAssignMax)}})
		return
	}
	var results []bulkResult
	for _, raw := range ids {
		// "id:version": the version the supervisor saw, so a task that
		// changed since (claimed, resolved) is refused and said so.
		idText, verText, _ := strings.Cut(raw, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		var version int64
		if err == nil && verText != "" {
			version, err = strconv.ParseInt(verText, 10, 64)
		}
		if err != nil || id <= 0 || version < 0 {
			results = append(results, bulkResult{Error: fmt.Sprintf("%q is not a task number", shownValue(raw))})
			continue
		}
		t, err := s.doTask(r.Context(), p, id, actAssign, taskInput{User: user, Version: version})
		if err != nil {
			if status, _ := statusFor(err); status == http.StatusInternalServerError {
				s.fail(w, r, false, err)
				return
			}
			results = append(results, bulkResult{Task: id, Error: publicMessage(err)})
			continue
		}
		results = append(results, bulkResult{Task: id, Done: "assigned to " + t.Assignee})
	}
	s.renderList(w, r, p, http.StatusOK, results)
}
