package inbox

import (
	"net/http"
	"strconv"
)

// redirectNext sends p, who just resolved a task, to the task to work
// next (NextTask) saying the last one is resolved, or to My work saying
// nothing is left.
func (s *Server) redirectNext(w http.ResponseWriter, r *http.Request, p *principal) {
	next, ok, err := s.NextTask(r.Context(), p.User.Name)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	to := "/work?ok=lastdone"
	if ok {
		to = "/tasks/" + strconv.FormatInt(next.ID, 10) + "?ok=next"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
