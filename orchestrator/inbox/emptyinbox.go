package inbox

import (
	"context"
)

// emptyInbox says why an inbox page lists nothing and what to do about
// it.
type emptyInbox struct {
	Why  string
	What string
	// Link and LinkText point at the next step; empty for none.
	Link, LinkText string
}

// narrowed reports whether tq filters beyond "open tasks" (and "mine").
func (tq TaskQuery) narrowed() bool {
	return tq.Queue != "" || tq.Status != "open" || tq.Priority != "" || tq.SLA != "" || tq.MinAge > 0 ||
		tq.Payer != "" || tq.Reason != "" || tq.Search != ""
}

// explainEmpty tells, for a query that listed nothing, which applies: the
// filters exclude every task, nothing is assigned to the viewer, every
// task is resolved, or no task was ever opened (and whether routing rules
// are configured). Each question counts at most one task, so it stays
// cheap on a large queue.
func (s *Server) explainEmpty(ctx context.Context, p *principal, tq TaskQuery) (emptyInbox, error) {
	now := s.cfg.Now()
	exists := func(status string, mine bool) (bool, error) {
		q := TaskQuery{Status: status, Mine: mine, Sort: "priority", Page: 1}
		n, err := s.cfg.Store.CountTasks(ctx, q.filter(p.User.Name, now), 1)
		return n > 0, err
	}
	anyOpen, err := exists("open", false)
	if err != nil {
		return emptyInbox{}, err
	}
	switch {
	case tq.narrowed() && anyOpen:
		return emptyInbox{Why: "No task matches these filters.",
			What: "There are open tasks: widen the filters, or clear them to see every open task.",
			Link: "/inbox", LinkText: "Clear the filters"}, nil
	case tq.Mine && anyOpen:
		unassigned, err := exists("unassigned", false)
		if err != nil {
			return emptyInbox{}, err
		}
		e := emptyInbox{Why: "Nothing is assigned to you.", What: "Open tasks are assigned to other people.",
			Link: "/inbox", LinkText: "See every open task"}
		if unassigned {
			e.What, e.Link, e.LinkText = "Unassigned tasks are waiting: open the next one and claim it.", "/next", "Open the next task"
		}
		return e, nil
	case anyOpen:
		return emptyInbox{Why: "No task matches.", Link: "/inbox", LinkText: "See every open task"}, nil
	}
	anyTask, err := exists("all", false)
	if err != nil {
		return emptyInbox{}, err
	}
	switch {
	case anyTask:
		return emptyInbox{Why: "Every task is resolved: nothing is open.",
			What: "New tasks open when the bots' next runs find work for people.", Link: "/bots", LinkText: "See the bots and their runs"}, nil
	case len(s.cfg.RoutingRules) == 0:
		return emptyInbox{Why: "No task has been opened yet, and no routing rules are configured.",
			What: "Without rules Docket opens tasks only for failed bot runs and records a bot could not read. " +
				"Set rules_file to a routing file (deploy/rules.example.yaml is an annotated example) and restart."}, nil
	}
	return emptyInbox{Why: "No task has been opened yet.",
		What: "Tasks open when a bot run finds work the routing rules send to a person: check that the bots have run.",
		Link: "/bots", LinkText: "See the bots and their runs"}, nil
}
