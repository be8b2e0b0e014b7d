package inbox

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// taskDetail is the task page and the API's task document.
type taskDetail struct {
	orchestrator.TaskView
	SLA      orchestrator.SLAState
	Evidence []orchestrator.Evidence // about the item, and the write-back's
	Audit    []orchestrator.AuditEntry
	// WriteBackShots are the write-back run's screenshots, labelled.
	WriteBackShots []labelledEvidence
}

// labelledEvidence is a write-back screenshot and what it shows.
type labelledEvidence struct {
	orchestrator.Evidence
	Purpose string // orchestrator.PurposeBefore or PurposeAfter the action
}

// writeBackShots labels a write-back run's screenshots. The bot takes one
// before it acts and one after it acted (only the first when the portal
// already showed the decision), so in capture order the last of several
// shows the portal after the action and the others before it.
func writeBackShots(ev []orchestrator.Evidence) []labelledEvidence {
	var out []labelledEvidence
	for _, e := range ev {
		if e.Kind == orchestrator.EvidenceScreenshot {
			out = append(out, labelledEvidence{Evidence: e, Purpose: orchestrator.PurposeBefore})
		}
	}
	if len(out) > 1 {
		out[len(out)-1].Purpose = orchestrator.PurposeAfter
	}
	return out
}

const taskAuditLimit = 500

func (s *Server) taskDetail(ctx context.Context, id int64) (taskDetail, error) {
	tv, err := s.cfg.Tasks.View(ctx, id)
	if err != nil {
		return taskDetail{}, err
	}
	d := taskDetail{TaskView: tv, SLA: slaState(tv.Task, s.cfg.Now()), WriteBackShots: writeBackShots(tv.WriteBackEvidence)}
	subject := orchestrator.AuditSubjectTask(0, id)
	seen := map[int64]bool{}
	if it := tv.Item; it != nil {
		subject = orchestrator.AuditSubjectItem(it.ID)
		var runs []string
		if tv.Task.WriteBackRunID != "" {
			runs = append(runs, tv.Task.WriteBackRunID)
		}
		ev, err := s.cfg.Store.EvidenceFor(ctx, it.ExternalID, runs)
		if err != nil {
			return d, err
		}
		for _, e := range ev {
			seen[e.ID] = true
		}
		d.Evidence = ev
		if it.EvidenceID != 0 && !seen[it.EvidenceID] {
			e, err := s.cfg.Store.Evidence(ctx, it.EvidenceID)
			if err != nil && !errors.Is(err, orchestrator.ErrNotFound) {
				return d, err
			}
			if err == nil {
				d.Evidence = append([]orchestrator.Evidence{e}, d.Evidence...)
			}
		}
	}
	if d.Audit, err = s.cfg.Store.AuditFor(ctx, subject, time.Time{}, taskAuditLimit); err != nil {
		return d, err
	}
	return d, nil
}

// taskPageView adds what the page needs to decide which forms to show,
// and the person's input when a form is shown again after an error.
type taskPageView struct {
	taskDetail
	Mine     bool
	CanClaim bool
	Open     bool
	// CanResolve: the task is open and unassigned or the viewer's (the
	// task service refuses anyone else, whatever their role).
	CanResolve bool
	// Card is the summary card the page opens with.
	Card taskSummary
	// RawData is the item's data as the bot recorded it, indented; the
	// page keeps it collapsed.
	RawData string
	// Pairs are the item's screenshots beside their DOM snapshots (the
	// write-back's are in WriteBackShots); OtherEvidence the rest.
	Pairs         []evidencePair
	OtherEvidence []orchestrator.Evidence
	// Failed is the failed run a bot-failure task is about; nil otherwise.
	Failed *failedRun
	// QueueLabel and OutcomeLabel name the queue and the outcome for
	// people (the queue's label, the outcome's label).
	QueueLabel, OutcomeLabel string
	// CanRetry offers Retry on a write-back that failed for good.
	CanRetry bool
	Form     taskInput
	Staff    []string // who a supervisor may assign to
	// Record is the item's data laid out by its record kind; Summary its
	// display fields.
	Record  recordView
	Summary []fieldRow
}

func taskID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderTask(w, r, p, http.StatusOK, "", taskInput{})
}

// renderTask shows the task page; after a failed action it shows the
// message and keeps what the person typed.
func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, p *principal, status int, errMsg string, form taskInput) {
	id, ok := taskID(r)
	if !ok {
		s.renderStatus(w, r, p, http.StatusNotFound, "no such task")
		return
	}
	d, err := s.taskDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	t := d.Task
	v := taskPageView{taskDetail: d, Form: form, Open: t.Status.Open(),
		Mine:       t.Assignee == p.User.Name && t.Status.Open(),
		CanClaim:   t.Status.Open() && t.Assignee == "",
		CanResolve: t.Status.Open() && (t.Assignee == "" || t.Assignee == p.User.Name),
		CanRetry:   t.ActionError != "" && p.Can(orchestrator.RoleSupervisor)}
	var kind orchestrator.RecordKind
	known := false
	if it := d.Item; it != nil {
		// One lookup for the record and the card (packs may reload).
		kind, known = s.kindOf(*it)
		masked := !p.seesPHI()
		v.Record, v.Summary = viewRecord(kind, known, it.Data, masked), summaryRows(kind, known, it.Data, masked)
		v.RawData = rawJSON(it.Data)
	}
	var itemEv []orchestrator.Evidence
	for _, e := range d.Evidence {
		if t.WriteBackRunID == "" || e.RunID != t.WriteBackRunID {
			itemEv = append(itemEv, e)
		}
	}
	cal := s.cfg.Tasks.Queues().Calendar
	v.Card = summarize(t, d.Item, kind, known, itemEv, dueWhen(cal, s.cfg.Now(), t.DueAt))
	v.Pairs, v.OtherEvidence = pairEvidence(itemEv)
	v.QueueLabel, v.OutcomeLabel = t.Queue, t.Outcome
	if q, ok := s.cfg.Tasks.Queues().Queue(t.Queue); ok {
		if q.Label != "" {
			v.QueueLabel = q.Label
		}
		if o, ok := q.Outcome(t.Outcome); ok && o.Label != "" {
			v.OutcomeLabel = o.Label
		}
	}
	if t.ReasonCode() == orchestrator.ReasonBotFailure {
		f, ok, err := s.latestFailedRun(r.Context(), t.ItemKey)
		if err != nil {
			s.fail(w, r, false, err)
			return
		}
		if ok {
			v.Failed = &f
		}
	}
	if p.Can(orchestrator.RoleSupervisor) {
		users, err := s.cfg.Users.Users(r.Context())
		if err != nil {
			s.fail(w, r, false, err)
			return
		}
		for _, u := range users {
			if !u.Disabled && u.Role.Includes(orchestrator.RoleStaff) {
				v.Staff = append(v.Staff, u.Name)
			}
		}
	}
	// The page frames its DOM snapshots (evidencePage), nothing else.
	w.Header().Set("Content-Security-Policy", pageCSP+"; frame-src 'self'")
	s.render(w, r, p, status, "task", view{Title: "Task " + strconv.FormatInt(id, 10), Nav: "inbox", Flash: flash(r), Error: errMsg, Data: v})
}

// taskAction handles a task form: success redirects back to the task with
// a confirmation; a refusal (conflict, invalid input) shows the page again
// with the reason and the person's text.
func (s *Server) taskAction(act taskAct) func(http.ResponseWriter, *http.Request, *principal) {
	return func(w http.ResponseWriter, r *http.Request, p *principal) {
		id, ok := taskID(r)
		if !ok {
			s.renderStatus(w, r, p, http.StatusNotFound, "no such task")
			return
		}
		in := taskInput{Body: r.PostFormValue("body"), Outcome: r.PostFormValue("outcome"), Note: r.PostFormValue("note"), User: r.PostFormValue("user")}
		if v := r.PostFormValue("version"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				s.renderTask(w, r, p, http.StatusBadRequest, "The form was damaged (version); reload the page and try again.", in)
				return
			}
			in.Version = n
		}
		_, err := s.doTask(r.Context(), p, id, act, in)
		if err != nil {
			status, _ := statusFor(err)
			if status == http.StatusInternalServerError || status == http.StatusNotFound {
				s.fail(w, r, false, err)
				return
			}
			s.renderTask(w, r, p, status, publicMessage(err), in)
			return
		}
		if act == actResolve {
			s.redirectNext(w, r, p)
			return
		}
		http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10)+"?ok="+flashKeys[act], http.StatusSeeOther)
	}
}
