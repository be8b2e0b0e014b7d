package portalsim

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// page is what every template receives: the layout's fields plus the
// page's own data.
type page struct {
	Title    string
	User     string // empty on pages shown before login
	Nav      string // which nav item is active
	Error    string
	Notice   string
	Next     string
	Worklist *worklistView
	Account  *Account
}

type worklistView struct {
	Rows               []Account
	Page, Pages        int
	First, Last, Total int
	PrevURL, NextURL   string
	PerPage            int
}

var templateFuncs = template.FuncMap{
	"money":    money,
	"usDate":   usDate,
	"longDate": longDate,
	"isoDate":  isoDate,
	"yesNo":    yesNo,
	"status":   statusLabel,
	"grouped":  func(n int) string { return grouped(int64(n)) },
}

// render executes a template into a buffer first so a template error
// yields a clean 500 instead of half a page.
func (w *CodingWorklist) render(rw http.ResponseWriter, status int, name string, data page) {
	var buf bytes.Buffer
	if err := w.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
}

func (w *CodingWorklist) loginForm(rw http.ResponseWriter, r *http.Request) {
	p := page{Title: "Sign in", Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("expired") != "" {
		p.Notice = "Your session has expired. Please sign in again."
	}
	w.render(rw, http.StatusOK, "login.html", p)
}

func (w *CodingWorklist) login(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if !w.credentialsMatch(r.PostForm.Get("username"), r.PostForm.Get("password")) {
		// Like most portals: same page, generic message, status 200.
		w.render(rw, http.StatusOK, "login.html", page{
			Title: "Sign in", Next: next, Error: "Invalid username or password.",
		})
		return
	}
	token, err := w.sessions.create()
	if err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	http.SetCookie(rw, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(rw, r, next, http.StatusSeeOther)
}

func (w *CodingWorklist) logout(rw http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		w.sessions.end(c.Value)
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, "/login", http.StatusFound)
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/worklist"
	}
	return next
}

func (w *CodingWorklist) worklist(rw http.ResponseWriter, r *http.Request) {
	total := len(w.accounts)
	pages := (total + w.cfg.PageSize - 1) / w.cfg.PageSize
	n := 1
	if s := r.URL.Query().Get("page"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > pages {
			w.render(rw, http.StatusNotFound, "notfound.html", page{Title: "Page not found", User: w.cfg.Username})
			return
		}
		n = v
	}
	first := (n - 1) * w.cfg.PageSize
	last := min(first+w.cfg.PageSize, total)
	now := w.cfg.Now()
	v := &worklistView{Page: n, Pages: pages, First: first + 1, Last: last, Total: total, PerPage: w.cfg.PageSize}
	for i := first; i < last; i++ {
		v.Rows = append(v.Rows, w.accounts[i].at(now))
	}
	if n > 1 {
		v.PrevURL = "/worklist?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		v.NextURL = "/worklist?page=" + strconv.Itoa(n+1)
	}
	w.render(rw, http.StatusOK, "worklist.html", page{
		Title: "Coding Worklist", User: w.cfg.Username, Nav: "worklist", Worklist: v,
	})
}

func (w *CodingWorklist) detail(rw http.ResponseWriter, r *http.Request) {
	i, ok := w.index[r.PathValue("account")]
	if !ok {
		w.render(rw, http.StatusNotFound, "notfound.html", page{Title: "Account not found", User: w.cfg.Username})
		return
	}
	a := w.accounts[i].at(w.cfg.Now())
	w.render(rw, http.StatusOK, "account.html", page{
		Title: "Account " + a.Number, User: w.cfg.Username, Nav: "worklist", Account: &a,
	})
}
