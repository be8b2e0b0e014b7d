package portalsim

import (
	"encoding/json"
	"net/http"
	"time"
)

// listPage is the JSON the worklist page's script renders.
type listPage struct {
	Page  int       `json:"page"`
	Pages int       `json:"pages"`
	Size  int       `json:"size"`
	Total int       `json:"total"`
	First int       `json:"first"`
	Last  int       `json:"last"`
	Rows  []listRow `json:"rows"`
}

// apiWorklist answers one page of the filtered worklist after the render
// delay, the time the page shows its spinner.
func (w *CodingWorklist) apiWorklist(rw http.ResponseWriter, r *http.Request) {
	q, ok := w.parseListQuery(r)
	if !ok {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "bad page or size"})
		return
	}
	if d := w.cfg.RenderDelay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	out, ok := w.listPage(q)
	if !ok {
		writeJSON(rw, http.StatusNotFound, map[string]string{"error": "no such page"})
		return
	}
	writeJSON(rw, http.StatusOK, out)
}

// listPage returns one page of the filtered worklist as the silent faults
// show it; ok is false for a page that does not exist (or is broken).
func (w *CodingWorklist) listPage(q listQuery) (listPage, bool) {
	now, layout := w.cfg.Now(), w.Layout()
	w.mu.RLock()
	defer w.mu.RUnlock()
	var match []int
	for i := range w.accounts {
		if w.accounts[i].matches(q.status, q.reason) {
			match = append(match, i)
		}
	}
	first, last, pages, total, ok := w.SilentFaults().window(len(match), q.page, q.size)
	out := listPage{Page: q.page, Pages: pages, Size: q.size, Total: total, Rows: []listRow{}}
	if !ok {
		return out, false
	}
	for _, i := range match[first:last] {
		out.Rows = append(out.Rows, w.listRow(w.accounts[i].at(now), w.accounts[i].malformed, layout))
	}
	if len(out.Rows) > 0 {
		out.First, out.Last = first+1, last
	}
	return out, true
}

// matches reports whether the account passes the worklist filters; ""
// matches everything.
func (a *account) matches(status, reason string) bool {
	if status != "" && a.CodingStatus != status {
		return false
	}
	if reason == "" {
		return true
	}
	for _, r := range a.HoldReasons {
		if r.Code == reason {
			return true
		}
	}
	return false
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(v)
}
