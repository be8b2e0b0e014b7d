package portalsim

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// NoteMax is the longest note the portal accepts, in characters.
const NoteMax = 4000

// The account actions: each checks the form token, changes the account,
// logs an Action and redirects back to the detail page (post, redirect,
// get), so a reload never repeats it. None of them is idempotent on its
// own: adding the same note twice stores two notes, as real portals do.

func (w *CodingWorklist) addNote(rw http.ResponseWriter, r *http.Request) {
	w.act(rw, r, ActionAddNote, "note", func(a *account, v string) bool {
		if v == "" || utf8.RuneCountInString(v) > NoteMax {
			return false
		}
		a.Notes = append(a.Notes, Note{Text: v, Author: w.cfg.Username, At: w.cfg.Now()})
		return true
	})
}

func (w *CodingWorklist) route(rw http.ResponseWriter, r *http.Request) {
	w.act(rw, r, ActionRoute, "queue", func(a *account, v string) bool {
		if !slices.Contains(QueueNames(), v) {
			return false
		}
		a.Queue = v
		return true
	})
}

func (w *CodingWorklist) release(rw http.ResponseWriter, r *http.Request) {
	w.act(rw, r, ActionRelease, "reason", func(a *account, v string) bool {
		i := slices.IndexFunc(a.HoldReasons, func(h HoldReason) bool { return h.Code == v })
		if i < 0 {
			return false
		}
		a.HoldReasons = slices.Delete(slices.Clone(a.HoldReasons), i, i+1)
		return true
	})
}

// act runs one account action; apply reports whether the value was valid.
func (w *CodingWorklist) act(rw http.ResponseWriter, r *http.Request, kind, field string, apply func(*account, string) bool) {
	i, ok := w.index[r.PathValue("account")]
	if !ok {
		w.notFound(rw, "Account not found")
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	if !w.auth.CheckCSRF(r) {
		http.Error(rw, "invalid or missing form token; reload the page", http.StatusForbidden)
		return
	}
	value := strings.TrimSpace(r.PostForm.Get(field))
	w.mu.Lock()
	a := &w.accounts[i]
	if !apply(a, value) {
		w.mu.Unlock()
		http.Error(rw, "invalid "+field, http.StatusUnprocessableEntity)
		return
	}
	w.actions = append(w.actions, Action{Account: a.Number, Kind: kind, Value: value, At: w.cfg.Now()})
	w.mu.Unlock()
	http.Redirect(rw, r, "/accounts/"+a.Number+"?done="+kind, http.StatusSeeOther)
}
