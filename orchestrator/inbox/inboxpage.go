package inbox

import (
	"net/http"
	"net/url"

	"github.com/docket-rpa/docket/orchestrator"
)

type inboxView struct {
	TaskPage
	Values     url.Values // the query, for sort and page links
	Queues     []string
	Priorities []orchestrator.Priority
	SLAStates  []orchestrator.SLAState
	Statuses   []string
	Prev, Next int // 0 when there is none
	// Empty says why nothing is listed; set only when nothing is.
	Empty emptyInbox
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, p *principal) {
	tq := ParseTaskQuery(r.URL.Query())
	page, err := s.listTasks(r.Context(), p, tq)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	v := inboxView{
		TaskPage:   page,
		Values:     tq.Values(),
		Queues:     s.cfg.Tasks.Queues().Names(),
		Priorities: []orchestrator.Priority{orchestrator.PriorityCritical, orchestrator.PriorityHigh, orchestrator.PriorityNormal, orchestrator.PriorityLow},
		SLAStates:  []orchestrator.SLAState{orchestrator.SLAOnTrack, orchestrator.SLAAtRisk, orchestrator.SLABreached},
		Statuses:   []string{"open", "unassigned", "assigned", "escalated", "completed", "all"},
	}
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
	s.render(w, r, p, http.StatusOK, "inbox", view{Title: "Inbox", Nav: "inbox", Flash: flash(r), Data: v})
}
