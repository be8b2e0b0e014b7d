package inbox

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/docket-rpa/docket/orchestrator"
)

var errNoEvidenceStore = errors.New("evidence content is not available in this process")

// evidenceRecord reads the {id} path value and its record.
func (s *Server) evidenceRecord(r *http.Request) (orchestrator.Evidence, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return orchestrator.Evidence{}, orchestrator.ErrNotFound
	}
	return s.cfg.Store.Evidence(r.Context(), id)
}

// evidenceContent serves evidence bytes by record id, never by blob key or
// path: the route needs staff, the record must exist and the content must
// still match its sha256. Each view is audited: screenshots show patient
// data. Only images are shown inline; anything else (DOM snapshots are
// portal HTML) goes out as inert text in a sandbox.
func (s *Server) evidenceContent(w http.ResponseWriter, r *http.Request, p *principal) {
	api := isAPI(r)
	e, err := s.evidenceRecord(r)
	if err != nil {
		s.fail(w, r, api, err)
		return
	}
	if s.cfg.Evidence == nil {
		s.deny(w, r, http.StatusServiceUnavailable, errNoEvidenceStore.Error())
		return
	}
	b, err := s.cfg.Evidence.Open(r.Context(), e)
	if err != nil {
		s.fail(w, r, api, err)
		return
	}
	s.audit(r, p.User.Name, "evidence.viewed", s.evidenceSubject(r.Context(), e), e.Kind)
	ct := "text/plain; charset=utf-8"
	switch e.MediaType {
	case "image/png", "image/jpeg", "image/webp":
		ct = e.MediaType
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Evidence-SHA256", e.SHA256)
	_, _ = w.Write(b)
}

// evidenceSubject is the audit subject of an evidence view: under its work
// item when the record names one ("item:42/evidence:7"), so the item's
// audit trail shows who looked at what; else "evidence:7".
func (s *Server) evidenceSubject(ctx context.Context, e orchestrator.Evidence) string {
	sub := "evidence:" + strconv.FormatInt(e.ID, 10)
	if e.ItemRef == "" {
		return sub
	}
	b, err := s.findBot(ctx, e.Bot)
	if err != nil {
		return sub
	}
	it, err := s.cfg.Store.ItemByRef(ctx, b.Portal, e.ItemRef)
	if err != nil {
		return sub
	}
	return orchestrator.AuditSubjectItem(it.ID) + "/" + sub
}

func (s *Server) apiEvidence(w http.ResponseWriter, r *http.Request, _ *principal) {
	e, err := s.evidenceRecord(r)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, evidenceJSON(e))
}
