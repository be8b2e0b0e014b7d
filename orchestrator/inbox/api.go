package inbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// TaskListJSON is the API's inbox page.
type TaskListJSON struct {
	Tasks []TaskRowJSON `json:"tasks"`
	Total int           `json:"total"`
	Page  int           `json:"page"`
	Pages int           `json:"pages"`
}

// TaskRowJSON is one task in a list.
type TaskRowJSON struct {
	orchestrator.HumanTask
	SLANow  orchestrator.SLAState `json:"sla_now"`
	Payer   string                `json:"payer"`
	AgeDays int                   `json:"age_days"`
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request, p *principal) {
	tq := ParseTaskQuery(r.URL.Query())
	page, err := s.listTasks(r.Context(), p, tq)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := TaskListJSON{Tasks: make([]TaskRowJSON, 0, len(page.Rows)), Total: page.Total, Page: tq.Page, Pages: page.Pages}
	for _, row := range page.Rows {
		out.Tasks = append(out.Tasks, TaskRowJSON{HumanTask: row.Task, SLANow: row.SLA, Payer: row.Payer, AgeDays: row.AgeDays})
	}
	writeJSON(w, http.StatusOK, out)
}

// TaskJSON is one task with everything around it.
type TaskJSON struct {
	Task      orchestrator.HumanTask      `json:"task"`
	SLANow    orchestrator.SLAState       `json:"sla_now"`
	Item      *orchestrator.WorkItem      `json:"item"`
	History   []orchestrator.HistoryEntry `json:"history"`
	Comments  []orchestrator.TaskComment  `json:"comments"`
	Outcomes  []orchestrator.Outcome      `json:"outcomes"`
	WriteBack *orchestrator.Run           `json:"write_back"`
	Evidence  []EvidenceJSON              `json:"evidence"`
	Audit     []orchestrator.AuditEntry   `json:"audit"`
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request, _ *principal) {
	id, ok := taskID(r)
	if !ok {
		s.fail(w, r, true, orchestrator.ErrNotFound)
		return
	}
	s.writeTask(w, r, http.StatusOK, id)
}

func (s *Server) writeTask(w http.ResponseWriter, r *http.Request, status int, id int64) {
	d, err := s.taskDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := TaskJSON{Task: d.Task, SLANow: d.SLA, Item: d.Item, History: nonNil(d.History), Comments: nonNil(d.Comments),
		Outcomes: nonNil(d.Outcomes), WriteBack: d.WriteBack, Evidence: []EvidenceJSON{}, Audit: nonNil(d.Audit)}
	for _, e := range d.Evidence {
		out.Evidence = append(out.Evidence, evidenceJSON(e))
	}
	writeJSON(w, status, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// apiTaskAction reads a JSON body (an empty body is an empty object) and
// answers with the task as it now is; a lost race is 409 with who won.
func (s *Server) apiTaskAction(act taskAct) func(http.ResponseWriter, *http.Request, *principal) {
	return func(w http.ResponseWriter, r *http.Request, p *principal) {
		id, ok := taskID(r)
		if !ok {
			s.fail(w, r, true, orchestrator.ErrNotFound)
			return
		}
		var in taskInput
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
			writeJSONError(w, http.StatusUnsupportedMediaType, "invalid", "send application/json")
			return
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil && !errors.Is(err, io.EOF) {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeJSONError(w, http.StatusRequestEntityTooLarge, "too_large", "the request body is over 64 KB")
				return
			}
			writeJSONError(w, http.StatusBadRequest, "invalid", "the body is not the JSON object this call takes")
			return
		}
		if _, err := s.doTask(r.Context(), p, id, act, in); err != nil {
			s.fail(w, r, true, err)
			return
		}
		status := http.StatusOK
		if act == actComment {
			status = http.StatusCreated
		}
		s.writeTask(w, r, status, id)
	}
}
