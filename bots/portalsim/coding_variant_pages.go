package portalsim

import (
	"bytes"
	"net/http"
)

// The variants' pages. Routes beside the coding worklist's own (see
// CodingWorklist):
//
//	GET  /welcome/{step}, POST      interstitials after sign-in (facility,
//	                                terms, continue; password with SilentFaults.Survey)
//	GET  /worklist                  the variant's worklist (frames: the outer frame)
//	GET  /worklist/app              frames: the middle frame
//	GET  /worklist/list?page=N      frames: the inner frame, a table with a numbered pager
//	GET  /accounts/{acct}           the variant's detail page
//	GET  /accounts/{acct}/panel     cards: the detail as the modal dialog's fragment
//	GET  /worklist/export.csv       every account as CSV (all layouts)

func (w *CodingWorklist) registerVariant(mux *http.ServeMux) {
	w.registerInterstitials(mux)
	if _, ok := w.spec(); !ok {
		return
	}
	mux.Handle("GET /worklist/app", w.auth.Require(w.gate(http.HandlerFunc(w.framesApp))))
	mux.Handle("GET /worklist/list", w.auth.Require(w.gate(http.HandlerFunc(w.framesList))))
	mux.Handle("GET /accounts/{account}/panel", w.auth.Require(w.gate(http.HandlerFunc(w.detailPanel))))
}

// renderVariant renders a variant template ("coding_var_"+name) with the
// consent banner when it is due.
func (w *CodingWorklist) renderVariant(rw http.ResponseWriter, r *http.Request, status int, name string, data page) {
	data.Layout = w.Layout()
	data.Variant = w.cfg.Variant
	data.Consent = w.needsConsent(r)
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, "coding_var_"+name, data); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
}

// variantWorklist serves the worklist page of the variant in force.
func (w *CodingWorklist) variantWorklist(rw http.ResponseWriter, r *http.Request, q listQuery) {
	s, _ := w.spec()
	v := &variantView{Name: w.cfg.Variant, Columns: variantColumns, Size: q.size, Alert: s.alertConfirm}
	title := page{Title: "Coding Worklist", User: w.cfg.Username, Nav: "worklist", Var: v}
	switch s.list {
	case VariantFrames:
		w.renderVariant(rw, r, http.StatusOK, "frames_top", title)
	case VariantPaged:
		if !w.serverList(v, q, "/worklist") {
			w.notFound(rw, "Page not found")
			return
		}
		w.renderVariant(rw, r, http.StatusOK, "paged", title)
	default:
		w.renderVariant(rw, r, http.StatusOK, "scripted", title)
	}
}

// serverList fills v with one server-rendered page of the worklist.
func (w *CodingWorklist) serverList(v *variantView, q listQuery, path string) bool {
	lp, ok := w.listPage(q)
	if !ok {
		return false
	}
	v.List, v.Path = lp, path
	for _, row := range lp.Rows {
		cells := make([]string, len(variantColumns))
		for i, c := range variantColumns {
			cells[i] = row.field(c.Key)
		}
		v.Rows = append(v.Rows, cells)
		v.Links = append(v.Links, row.Account)
	}
	for p := 1; p <= lp.Pages; p++ {
		v.Pager = append(v.Pager, p)
	}
	return true
}

func (w *CodingWorklist) framesApp(rw http.ResponseWriter, r *http.Request) {
	q, ok := w.parseListQuery(r)
	if !ok {
		w.notFound(rw, "Page not found")
		return
	}
	v := &variantView{Name: w.cfg.Variant, Size: q.size}
	w.renderVariant(rw, r, http.StatusOK, "frames_app", page{Title: "Worklist", User: w.cfg.Username, Var: v})
}

func (w *CodingWorklist) framesList(rw http.ResponseWriter, r *http.Request) {
	q, ok := w.parseListQuery(r)
	v := &variantView{Name: w.cfg.Variant, Columns: variantColumns, Size: q.size}
	if !ok || !w.serverList(v, q, "/worklist/list") {
		w.notFound(rw, "Page not found")
		return
	}
	w.renderVariant(rw, r, http.StatusOK, "frames_list", page{Title: "Worklist", User: w.cfg.Username, Var: v})
}

// variantDetail builds the detail of the account at index i the variant's
// way.
func (w *CodingWorklist) variantDetail(r *http.Request, i int) page {
	s, _ := w.spec()
	w.mu.RLock()
	a, malformed := w.accounts[i].at(w.cfg.Now()), w.accounts[i].malformed
	w.mu.RUnlock()
	d := w.detailView(a, malformed, LayoutV1)
	if sess, ok := SessionFrom(r); ok {
		d.CSRF = sess.CSRF
	}
	if done := r.URL.Query().Get("done"); done != "" {
		d.Flash = flashes[done]
	}
	shifted := w.SilentFaults().ShiftedGroup
	v := &variantView{Name: w.cfg.Variant, ActionConfirm: s.actionConfirm}
	if s.detail == detailCards {
		v.ReasonHeaders, v.Reasons = reorderReasons(d)
		if shifted {
			v.Reasons = shiftRows(v.ReasonHeaders, v.Reasons, "Physician")
		}
	} else {
		v.Groups = reasonGroups(d, shifted)
	}
	return page{Title: "Account " + a.Number, User: w.cfg.Username, Nav: "worklist", Detail: &d, Var: v}
}

func (w *CodingWorklist) detailPanel(rw http.ResponseWriter, r *http.Request) {
	i, ok := w.index[r.PathValue("account")]
	if !ok {
		rw.WriteHeader(http.StatusNotFound)
		return
	}
	w.renderVariant(rw, r, http.StatusOK, "panel", w.variantDetail(r, i))
}

func (w *CodingWorklist) variantDetailPage(rw http.ResponseWriter, r *http.Request, i int) {
	s, _ := w.spec()
	name := "detail_dl"
	if s.detail == detailCards {
		name = "detail_cards"
	}
	w.renderVariant(rw, r, http.StatusOK, name, w.variantDetail(r, i))
}
