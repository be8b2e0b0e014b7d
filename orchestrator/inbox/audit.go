package inbox

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const auditPageSize = 200

type auditView struct {
	Subject string
	After   int64
	Next    int64 // 0 when this is the last page
	Entries []orchestrator.AuditEntry
}

// auditEntries lists entries on a subject (and under it), or the whole
// log a page at a time after seq.
func (s *Server) auditEntries(ctx context.Context, subject string, after int64) (auditView, error) {
	v := auditView{Subject: subject, After: after}
	var err error
	if subject != "" {
		v.Entries, err = s.cfg.Store.AuditFor(ctx, subject, time.Time{}, auditPageSize)
	} else {
		v.Entries, err = s.cfg.Store.AuditLog(ctx, after, auditPageSize)
		if len(v.Entries) == auditPageSize {
			v.Next = v.Entries[len(v.Entries)-1].Seq
		}
	}
	if v.Entries == nil {
		v.Entries = []orchestrator.AuditEntry{}
	}
	return v, err
}

func auditQuery(r *http.Request) (string, int64) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	return r.URL.Query().Get("subject"), max(after, 0)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *principal) {
	subject, after := auditQuery(r)
	v, err := s.auditEntries(r.Context(), subject, after)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Data: v})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, _ *principal) {
	subject, after := auditQuery(r)
	v, err := s.auditEntries(r.Context(), subject, after)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, AuditListJSON{Entries: mapJSON(v.Entries, auditJSON), NextAfter: v.Next})
}
