package portalsim

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
)

// page is what every coding worklist template receives: the layout's
// fields plus the page's own data.
type page struct {
	Title    string
	Layout   string // LayoutV1 or LayoutV2
	User     string // empty on pages shown before login
	Nav      string // which nav item is active
	Login    *LoginView
	Worklist *worklistShell
	Detail   *detailView
	Status   int
	Variant  string       // the layout variant, "" for none
	Consent  bool         // the consent banner covers the page
	Var      *variantView // a variant page's own data
}

// worklistShell configures the worklist page's script.
type worklistShell struct {
	Page, Size     int
	Status, Reason string
	Statuses       []kv
	Reasons        []kv
	Sizes          []int
}

var templateFuncs = template.FuncMap{
	"grouped": func(n int) string { return grouped(int64(n)) },
}

// render executes layout's version of a template into a buffer first so a
// template error yields a clean 500 instead of half a page.
func (w *CodingWorklist) render(rw http.ResponseWriter, status int, name string, data page) {
	data.Layout = w.Layout()
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, "coding_"+data.Layout+"_"+name, data); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
}

func (w *CodingWorklist) loginPage(rw http.ResponseWriter, r *http.Request, status int, v LoginView) {
	w.render(rw, status, "login", page{Title: "Sign in", Login: &v, Variant: w.cfg.Variant, Consent: w.needsConsent(r)})
}

// maintenance is the page a load balancer shows during planned downtime.
// It is the same for both layouts.
func (w *CodingWorklist) maintenance(rw http.ResponseWriter, _ *http.Request) {
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, "coding_maintenance", page{Title: "Scheduled maintenance"}); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(http.StatusServiceUnavailable)
	_, _ = buf.WriteTo(rw)
}

// serverError is a proxy's bare error page for a random failure; API
// requests get JSON.
func (w *CodingWorklist) serverError(rw http.ResponseWriter, r *http.Request) {
	status := FaultStatus(r)
	if r.URL.Path == "/api/worklist" {
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(status)
		_, _ = rw.Write([]byte(`{"error":"upstream error"}`))
		return
	}
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, "coding_error", page{Title: http.StatusText(status), Status: status}); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
}

func (w *CodingWorklist) notFound(rw http.ResponseWriter, title string) {
	w.render(rw, http.StatusNotFound, "notfound", page{Title: title, User: w.cfg.Username})
}

func (w *CodingWorklist) worklist(rw http.ResponseWriter, r *http.Request) {
	q, ok := w.parseListQuery(r)
	if !ok {
		w.notFound(rw, "Page not found")
		return
	}
	if w.cfg.Variant != "" {
		w.variantWorklist(rw, r, q)
		return
	}
	v := &worklistShell{Page: q.page, Size: q.size, Status: q.status, Reason: q.reason, Sizes: []int{25, 50, 100}}
	for _, s := range []string{StatusNotCoded, StatusInProgress, StatusCoded} {
		v.Statuses = append(v.Statuses, kv{s, statusLabel(s)})
	}
	for _, k := range reasonCatalog() {
		v.Reasons = append(v.Reasons, kv{k.code, k.description})
	}
	w.render(rw, http.StatusOK, "worklist", page{Title: "Coding Worklist", User: w.cfg.Username, Nav: "worklist", Worklist: v})
}

func (w *CodingWorklist) detail(rw http.ResponseWriter, r *http.Request) {
	i, ok := w.index[r.PathValue("account")]
	if !ok {
		w.notFound(rw, "Account not found")
		return
	}
	if w.cfg.Variant != "" {
		w.variantDetailPage(rw, r, i)
		return
	}
	w.mu.RLock()
	a, malformed := w.accounts[i].at(w.cfg.Now()), w.accounts[i].malformed
	w.mu.RUnlock()
	v := w.detailView(a, malformed, w.Layout())
	if w.SilentFaults().ShiftedGroup {
		v.Reasons = shiftRows(v.ReasonHeaders, v.Reasons, "Physician")
		v.Reasons = shiftRows(v.ReasonHeaders, v.Reasons, "Provider")
	}
	if s, ok := SessionFrom(r); ok {
		v.CSRF = s.CSRF
	}
	if done := r.URL.Query().Get("done"); done != "" {
		v.Flash = flashes[done]
	}
	w.render(rw, http.StatusOK, "account", page{Title: "Account " + a.Number, User: w.cfg.Username, Nav: "worklist", Detail: &v})
}

var flashes = map[string]string{
	ActionAddNote: "Note added.", ActionRoute: "Account routed.", ActionRelease: "Hold released.",
}

// listQuery is a worklist request's page, size and filters.
type listQuery struct {
	page, size     int
	status, reason string
}

func (w *CodingWorklist) parseListQuery(r *http.Request) (listQuery, bool) {
	q := listQuery{page: 1, size: w.cfg.PageSize, status: r.URL.Query().Get("status"), reason: r.URL.Query().Get("reason")}
	if s := r.URL.Query().Get("page"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return q, false
		}
		q.page = v
	}
	if s := r.URL.Query().Get("size"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < PageSizeMin || v > PageSizeMax {
			return q, false
		}
		q.size = v
	}
	return q, true
}
