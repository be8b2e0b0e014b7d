package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

const auditPageSize = 100

// auditFilter is the audit page's and API's query: who, what, on which
// object, when; newest first, a page at a time before a seq.
type auditFilter struct {
	Actor, Action, Object string
	From, Until           string // dates as typed (YYYY-MM-DD), for the form
	Before                int64
	// After, from the API's older form, lists oldest first after a seq.
	After int64
}

type auditView struct {
	Filter  auditFilter
	Values  url.Values // the filter, for the next page's link
	Next    int64      // the next page's before (0: this is the last page)
	Entries []auditRow
}

// auditRow is an entry with links to the objects its subject names.
type auditRow struct {
	orchestrator.AuditEntry
	Objects []objectLink
}

// objectLink is one segment of a subject ("item:5", "task:32") and where
// it leads: the task or run page, or the entries on it.
type objectLink struct{ Text, Href string }

// objectLinks splits a subject into its objects and links each.
func objectLinks(subject string) []objectLink {
	var out []objectLink
	for _, seg := range strings.Split(subject, "/") {
		kind, id, _ := strings.Cut(seg, ":")
		href := "/audit?" + url.Values{"object": {seg}}.Encode()
		switch kind {
		case "task":
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
				href = "/tasks/" + id
			}
		case "run":
			if id != "" {
				href = "/runs/" + url.PathEscape(id)
			}
		case "bot":
			if id != "" {
				href = "/bots?" + url.Values{"bot": {id}}.Encode()
			}
		}
		out = append(out, objectLink{Text: seg, Href: href})
	}
	return out
}

// auditTextMax bounds a text filter.
const auditTextMax = 200

// parseAuditFilter reads the filter; a bad date or number is an error
// that names it.
func parseAuditFilter(q url.Values) (auditFilter, orchestrator.AuditQuery, error) {
	text := func(k string) string { return strings.TrimSpace(cleanText(q.Get(k))) }
	f := auditFilter{Actor: text("actor"), Action: text("action"), Object: text("object"), From: text("from"), Until: text("until")}
	if f.Object == "" {
		f.Object = text("subject") // the API's and old links' name
	}
	aq := orchestrator.AuditQuery{Actor: f.Actor, Action: f.Action, Object: f.Object, Limit: auditPageSize + 1}
	var bad []string
	for _, v := range []struct{ name, val string }{{"actor", f.Actor}, {"action", f.Action}, {"object", f.Object}} {
		if utf8.RuneCountInString(v.val) > auditTextMax {
			bad = append(bad, fmt.Sprintf("%s is longer than %d characters", v.name, auditTextMax))
		}
	}
	day := func(name, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s %q is not a date (YYYY-MM-DD)", name, shownValue(v)))
		}
		return t
	}
	aq.From = day("from", f.From)
	if until := day("until", f.Until); !until.IsZero() {
		aq.Until = until.AddDate(0, 0, 1) // the whole day
	}
	if !aq.From.IsZero() && !aq.Until.IsZero() && !aq.From.Before(aq.Until) {
		bad = append(bad, fmt.Sprintf("from %s is after until %s", f.From, f.Until))
	}
	num := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad = append(bad, fmt.Sprintf("%s %q is not an entry number", name, shownValue(v)))
		}
		return max(n, 0)
	}
	f.Before, f.After = num("before"), num("after")
	aq.BeforeSeq = f.Before
	if len(bad) > 0 {
		return f, aq, fmt.Errorf("%w: %s", orchestrator.ErrInvalid, strings.Join(bad, "; "))
	}
	return f, aq, nil
}

// values is the filter as a query, without the page.
func (f auditFilter) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"actor": f.Actor, "action": f.Action, "object": f.Object, "from": f.From, "until": f.Until} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// auditEntries lists a page of entries: newest first under the filter,
// or (after, the API's older form) oldest first after a seq.
func (s *Server) auditEntries(ctx context.Context, f auditFilter, aq orchestrator.AuditQuery) (auditView, error) {
	v := auditView{Filter: f, Values: f.values(), Entries: []auditRow{}}
	var entries []orchestrator.AuditEntry
	var err error
	if f.After > 0 {
		entries, err = s.cfg.Store.AuditLog(ctx, f.After, auditPageSize)
		if len(entries) == auditPageSize {
			v.Next = entries[len(entries)-1].Seq
		}
	} else {
		entries, err = s.cfg.Store.AuditSearch(ctx, aq)
		if len(entries) > auditPageSize {
			entries = entries[:auditPageSize]
			v.Next = entries[len(entries)-1].Seq
		}
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, auditRow{AuditEntry: e, Objects: objectLinks(e.Subject)})
	}
	return v, err
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *principal) {
	f, aq, err := parseAuditFilter(r.URL.Query())
	if err != nil {
		s.render(w, r, p, http.StatusBadRequest, "audit", view{Title: "Audit log", Nav: "audit",
			Error: "This filter cannot be used: " + strings.TrimPrefix(publicMessage(err), "invalid: ") + ".",
			Data:  auditView{Filter: f, Entries: []auditRow{}}})
		return
	}
	v, err := s.auditEntries(r.Context(), f, aq)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Data: v})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, _ *principal) {
	f, aq, err := parseAuditFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	v, err := s.auditEntries(r.Context(), f, aq)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := AuditListJSON{Entries: make([]AuditJSON, 0, len(v.Entries))}
	for _, e := range v.Entries {
		out.Entries = append(out.Entries, auditJSON(e.AuditEntry))
	}
	if f.After > 0 {
		out.NextAfter = v.Next
	} else {
		out.NextBefore = v.Next
	}
	writeJSON(w, http.StatusOK, out)
}
