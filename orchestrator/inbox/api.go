package inbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// TaskListJSON is the API's inbox page. total counts the matches up to
// 10,000 (Config.CountMax); more says there are more than that.
type TaskListJSON struct {
	Tasks []TaskRowJSON `json:"tasks"`
	Total int           `json:"total"`
	More  bool          `json:"more"`
	Page  int           `json:"page"`
	Pages int           `json:"pages"`
}

// TaskRowJSON is one task in a list: the task, its SLA state now and its
// age in whole days.
type TaskRowJSON struct {
	TaskRecordJSON
	SLANow  orchestrator.SLAState `json:"sla_now"`
	AgeDays int                   `json:"age_days"`
	// Summary are the display fields of the task's item, by its record
	// kind, labelled and formatted.
	Summary []RecordFieldJSON `json:"summary"`
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request, p *principal) {
	tq, err := s.taskQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	page, err := s.listTasks(r.Context(), p, tq)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := TaskListJSON{Tasks: make([]TaskRowJSON, 0, len(page.Rows)), Total: page.Total, More: page.More, Page: tq.Page, Pages: page.Pages}
	for _, row := range page.Rows {
		out.Tasks = append(out.Tasks, TaskRowJSON{TaskRecordJSON: taskRecordJSON(row.Task), SLANow: row.SLA, AgeDays: row.AgeDays,
			Summary: recordFieldsJSON(row.Summary)})
	}
	writeJSON(w, http.StatusOK, out)
}

// TaskJSON is one task with everything around it: its item and the item's
// history (which holds the task's steps), comments, the outcomes it may be
// resolved with, the write-back run a resolution enqueued with that run's
// before and after screenshots, the evidence about the item, and the audit
// trail of the item and its tasks.
type TaskJSON struct {
	Task   TaskRecordJSON        `json:"task"`
	SLANow orchestrator.SLAState `json:"sla_now"`
	Item   *ItemJSON             `json:"item"`
	// Record is the item's data laid out by its record kind, as the task
	// page shows it; null without an item.
	Record            *RecordJSON    `json:"record"`
	History           []HistoryJSON  `json:"history"`
	Comments          []CommentJSON  `json:"comments"`
	Outcomes          []OutcomeJSON  `json:"outcomes"`
	WriteBack         *RunJSON       `json:"write_back"`
	WriteBackEvidence []EvidenceJSON `json:"write_back_evidence"`
	Evidence          []EvidenceJSON `json:"evidence"`
	Audit             []AuditJSON    `json:"audit"`
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request, p *principal) {
	id, ok := taskID(r)
	if !ok {
		s.fail(w, r, true, orchestrator.ErrNotFound)
		return
	}
	s.writeTask(w, r, p, http.StatusOK, id)
}

func (s *Server) writeTask(w http.ResponseWriter, r *http.Request, p *principal, status int, id int64) {
	d, err := s.taskDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := TaskJSON{Task: taskRecordJSON(d.Task), SLANow: d.SLA, Item: itemJSON(d.Item),
		History: mapJSON(d.History, historyJSON), Comments: mapJSON(d.Comments, commentJSON),
		Outcomes: mapJSON(d.Outcomes, outcomeJSON), WriteBack: runPtrJSON(d.WriteBack),
		WriteBackEvidence: mapJSON(d.WriteBackShots, func(e labelledEvidence) EvidenceJSON {
			j := evidenceJSON(e.Evidence)
			j.Purpose = e.Purpose
			return j
		}),
		Evidence: mapJSON(d.Evidence, evidenceJSON), Audit: mapJSON(d.Audit, auditJSON)}
	if d.Item != nil {
		rec, _ := s.viewItem(*d.Item, !p.seesPHI())
		out.Record = recordJSON(rec)
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
		s.writeTask(w, r, p, status, id)
	}
}
