package portalsim

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
)

// scrubPage is what every scrubber template receives.
type scrubPage struct {
	Title   string
	User    string // empty before login
	Layout  string
	N       scrubNames
	Login   *LoginView
	Table   *scrubTable
	Pager   *scrubPager
	Export  string // the CSV export's address, on list pages
	Heading string
	Summary string
	Claim   *scrubClaimView
	CSRF    string
	Status  int
}

type scrubPager struct {
	Page, Pages      int
	PrevURL, NextURL string
}

type scrubClaimView struct {
	ID        string
	BatchID   string
	Header    []scrubKV
	Diagnoses []string
	Lines     []ClaimLine
	Edits     scrubTable
}

func (s *ClaimScrubber) page(r *http.Request, title string) scrubPage {
	l := s.currentLayout()
	p := scrubPage{Title: title, Layout: l, N: scrubLayoutNames[l]}
	if sess, ok := SessionFrom(r); ok {
		p.User, p.CSRF = sess.User, sess.CSRF
	}
	return p
}

// render executes a template into a buffer first so a template error
// yields a clean 500 instead of half a page.
func (s *ClaimScrubber) render(rw http.ResponseWriter, status int, name string, p scrubPage) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
}

func (s *ClaimScrubber) loginPage(rw http.ResponseWriter, r *http.Request, status int, v LoginView) {
	p := s.page(r, "Sign in")
	p.User, p.Login = "", &v
	s.render(rw, status, "scrubber_login", p)
}

func (s *ClaimScrubber) maintenancePage(rw http.ResponseWriter, r *http.Request) {
	s.render(rw, http.StatusServiceUnavailable, "scrubber_maintenance", s.page(r, "Scheduled maintenance"))
}

func (s *ClaimScrubber) errorPage(rw http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Server error")
	p.Status = FaultStatus(r)
	s.render(rw, p.Status, "scrubber_error", p)
}

func (s *ClaimScrubber) notFound(rw http.ResponseWriter, r *http.Request, what string) {
	s.render(rw, http.StatusNotFound, "scrubber_notfound", s.page(r, what+" not found"))
}

func (s *ClaimScrubber) stylesheet(rw http.ResponseWriter, _ *http.Request) {
	css, _ := scrubberAssets.ReadFile("templates/scrubber/scrubber.css") // embedded by the pattern
	rw.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = rw.Write(css)
}

// pageOf reads ?page=N for a list of total rows; ok is false for a page
// that does not exist.
func (s *ClaimScrubber) pageOf(r *http.Request, total int) (n, first, last, pages int, ok bool) {
	pages = max(1, (total+s.cfg.PageSize-1)/s.cfg.PageSize)
	n = 1
	if v := r.URL.Query().Get("page"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > pages {
			return 0, 0, 0, 0, false
		}
	}
	first = (n - 1) * s.cfg.PageSize
	return n, first, min(first+s.cfg.PageSize, total), pages, true
}

func pager(base string, n, pages int) *scrubPager {
	p := &scrubPager{Page: n, Pages: pages}
	if n > 1 {
		p.PrevURL = base + "?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		p.NextURL = base + "?page=" + strconv.Itoa(n+1)
	}
	return p
}

func (s *ClaimScrubber) batchList(rw http.ResponseWriter, r *http.Request) {
	n, first, last, pages, ok := s.pageOf(r, len(s.batches))
	if !ok {
		s.notFound(rw, r, "Page")
		return
	}
	p := s.page(r, "Claim Batches")
	t := buildTable(p.N.BatchTable, p.Layout, scrubBatchColumns, scrubBatchOrder, s.batches[first:last],
		func(b Batch, cells []scrubCell) scrubRow {
			for i := range cells {
				if cells[i].Class == "col-batch" {
					cells[i].Href, cells[i].LinkClass = "/batches/"+url.PathEscape(b.ID), p.N.BatchLink
				}
			}
			return scrubRow{Class: p.N.BatchRow, Key: b.ID, Cells: cells}
		})
	p.Table, p.Pager, p.Export = &t, pager("/batches", n, pages), "/export/edits.csv"
	p.Heading = "Claim Batches"
	p.Summary = "Showing " + grouped(int64(first+1)) + "–" + grouped(int64(last)) + " of " + grouped(int64(len(s.batches))) + " batches"
	s.render(rw, http.StatusOK, "scrubber_list", p)
}

func (s *ClaimScrubber) claimList(rw http.ResponseWriter, r *http.Request) {
	bi, ok := s.byBatch[r.PathValue("batch")]
	if !ok {
		s.notFound(rw, r, "Batch")
		return
	}
	b := s.batches[bi]
	n, first, last, pages, ok := s.pageOf(r, b.Claims)
	if !ok {
		s.notFound(rw, r, "Page")
		return
	}
	claims := s.snapshot(s.first[bi]+first, s.first[bi]+last)
	p := s.page(r, "Batch "+b.ID)
	rows := make([]*Claim, len(claims))
	for i := range claims {
		rows[i] = &claims[i]
	}
	t := buildTable(p.N.ClaimTable, p.Layout, scrubClaimColumns, scrubClaimOrder, rows,
		func(c *Claim, cells []scrubCell) scrubRow {
			for i := range cells {
				if cells[i].Class == "col-claim" {
					cells[i].Href, cells[i].LinkClass = "/claims/"+url.PathEscape(c.ID), p.N.ClaimLink
				}
			}
			return scrubRow{Class: p.N.ClaimRow, Key: c.ID, Cells: cells}
		})
	p.Table, p.Pager, p.Export = &t, pager("/batches/"+url.PathEscape(b.ID), n, pages), "/export/edits.csv"
	p.Heading = "Batch " + b.ID + " · " + b.FileName
	p.Summary = "Showing " + grouped(int64(first+1)) + "–" + grouped(int64(last)) + " of " + grouped(int64(b.Claims)) + " claims with edits"
	s.render(rw, http.StatusOK, "scrubber_list", p)
}

// snapshot copies claims [from, to) as of now.
func (s *ClaimScrubber) snapshot(from, to int) []Claim {
	now := s.cfg.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Claim, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, s.claims[i].at(now))
	}
	return out
}

func (s *ClaimScrubber) claimDetail(rw http.ResponseWriter, r *http.Request) {
	ci, ok := s.byClaim[r.PathValue("claim")]
	if !ok {
		s.notFound(rw, r, "Claim")
		return
	}
	c := s.snapshot(ci, ci+1)[0]
	p := s.page(r, "Claim "+c.ID)
	refs := make([]editRef, len(c.Edits))
	for i, e := range c.Edits {
		refs[i] = editRef{claim: &c, edit: e}
	}
	t := buildTable(p.N.EditTable, p.Layout, scrubEditColumns, scrubEditOrder, refs,
		func(e editRef, cells []scrubCell) scrubRow {
			row := scrubRow{Class: p.N.EditRow, Key: e.edit.ID, Cells: cells, Done: e.edit.Status == EditCorrected}
			row.Correct = "/claims/" + url.PathEscape(c.ID) + "/edits/" + url.PathEscape(e.edit.ID) + "/correct"
			return row
		})
	t.Action, t.CSRF = true, p.CSRF
	p.Claim = &scrubClaimView{ID: c.ID, BatchID: c.BatchID, Header: scrubHeader(p.Layout, &c), Diagnoses: c.Diagnoses, Lines: c.Lines, Edits: t}
	s.render(rw, http.StatusOK, "scrubber_claim", p)
}

// correct marks an edit corrected and shows the claim again.
func (s *ClaimScrubber) correct(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !s.auth.CheckCSRF(r) {
		http.Error(rw, "forbidden", http.StatusForbidden)
		return
	}
	claim, edit := r.PathValue("claim"), r.PathValue("edit")
	if err := s.MarkCorrected(claim, edit); err != nil {
		s.notFound(rw, r, "Edit")
		return
	}
	http.Redirect(rw, r, "/claims/"+url.PathEscape(claim), http.StatusSeeOther)
}
