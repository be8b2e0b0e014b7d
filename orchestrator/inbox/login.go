package inbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
)

func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *principal) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(assets, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

type loginView struct{ Next, Name string }

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, p *principal) {
	next := safeNext(r.URL.Query().Get("next"))
	if p != nil && p.Session != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, nil, http.StatusOK, "login", view{Title: "Log in", Data: loginView{Next: next}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) {
	if err := r.ParseForm(); err != nil {
		s.render(w, r, nil, http.StatusBadRequest, "login", view{Title: "Log in", Error: "The form could not be read; try again.", Data: loginView{Next: "/"}})
		return
	}
	name, next := r.PostForm.Get("name"), safeNext(r.PostForm.Get("next"))
	key, now := strings.ToLower(strings.TrimSpace(name)), s.cfg.Now()
	if wait := s.throttle.blocked(key, now); wait > 0 {
		s.cfg.Logger.Warn("login throttled")
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.render(w, r, nil, http.StatusTooManyRequests, "login", view{Title: "Log in",
			Error: fmt.Sprintf("Too many failed logins for this user; try again in %s.", humanDuration(wait+time.Minute)), Data: loginView{Next: next, Name: name}})
		return
	}
	u, err := s.authenticate(r.Context(), name, r.PostForm.Get("password"))
	if errors.Is(err, errBadLogin) {
		s.throttle.fail(key, now)
		// The typed name is shown back escaped; it is not logged, a
		// mistyped password sometimes lands in the name field.
		s.cfg.Logger.Info("login failed")
		s.render(w, r, nil, http.StatusUnauthorized, "login", view{Title: "Log in", Error: "Wrong user name or password.",
			Data: loginView{Next: next, Name: name}})
		return
	}
	if err == nil {
		s.throttle.succeed(key)
		err = s.startSession(w, r, u)
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.audit(r, u.Name, "user.login", "user:"+u.Name, "")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) {
	if p.Session != nil {
		if err := s.cfg.Users.DeleteSession(r.Context(), p.Session.TokenHash); err != nil {
			s.fail(w, r, false, err)
			return
		}
		s.audit(r, p.User.Name, "user.logout", "user:"+p.User.Name, "")
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// audit records a security event (login, token, user and schedule
// changes); the domain records its own task and item actions. A failure
// to record is logged, not shown: the action already happened.
func (s *Server) audit(r *http.Request, user, action, subject, detail string) {
	s.auditCtx(r.Context(), user, action, subject, detail)
}

func (s *Server) auditCtx(ctx context.Context, user, action, subject, detail string) {
	_, err := s.cfg.Store.AppendAudit(ctx, orchestrator.AuditEntry{
		At: s.cfg.Now(), Actor: orchestrator.UserActor(user), Action: action, Subject: subject, Detail: detail,
	})
	if err != nil {
		s.cfg.Logger.Error("audit entry not recorded", zap.String("action", action), zap.Error(err))
	}
}
