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
	"unicode/utf8"

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

// anonymousActor is the audit actor of a failed login: nobody known.
const anonymousActor = "anonymous"

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
	typed, next := r.PostForm.Get("name"), safeNext(r.PostForm.Get("next"))
	if len(typed) > loginNameMax {
		typed = typed[:loginNameMax]
	}
	name, now, ctx := strings.ToLower(strings.TrimSpace(typed)), s.cfg.Now(), r.Context()
	src := s.cfg.TrustedProxies.ClientAddr(r)
	again := loginView{Next: next, Name: shownName(typed)}
	if err := s.pruneThrottle(ctx, now); err != nil {
		s.fail(w, r, false, err)
		return
	}
	account, err := s.accountKey(ctx, r, name, now)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	address := addressKey(src)
	// Charged before the password is checked: a guess that is still
	// being checked counts against every concurrent one.
	wait, err := s.cfg.Throttle.TakeLoginAttempt(ctx, now, account, address)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if wait > 0 {
		s.cfg.Logger.Warn("login throttled", zap.Stringer("source", src))
		s.auditRefused(ctx, now, name, typed, src.String(), wait, account.Key, address.Key)
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.render(w, r, nil, http.StatusTooManyRequests, "login", view{Title: "Log in",
			Error: fmt.Sprintf("Too many login attempts; try again in %s.", humanDuration(time.Duration(secs)*time.Second)), Data: again})
		return
	}
	u, err := s.authenticate(ctx, name, r.PostForm.Get("password"))
	if errors.Is(err, errBadLogin) {
		// The typed name is shown back escaped but neither logged nor
		// audited unless it names a user: a mistyped password sometimes
		// lands in the name field.
		s.cfg.Logger.Info("login failed", zap.Stringer("source", src))
		s.auditAs(ctx, anonymousActor, "user.login_failed", auditedName(u, typed), "from "+src.String())
		s.render(w, r, nil, http.StatusUnauthorized, "login", view{Title: "Log in", Error: "Wrong user name or password.", Data: again})
		return
	}
	if err == nil {
		err = s.loggedIn(ctx, w, r, u, account, address, now)
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.audit(r, u.Name, "user.login", "user:"+u.Name, "from "+src.String())
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loggedIn clears the account's (or device's) counter, takes back the
// address's charge, remembers the device and starts the session.
func (s *Server) loggedIn(ctx context.Context, w http.ResponseWriter, r *http.Request, u orchestrator.User, account, address orchestrator.LoginKey, now time.Time) error {
	if err := s.cfg.Throttle.ResetLoginKey(ctx, account.Key, now, 0); err != nil {
		return err
	}
	if err := s.cfg.Throttle.RefundLoginAttempt(ctx, address); err != nil {
		return err
	}
	if err := s.rememberDevice(ctx, w, r, u, now); err != nil {
		return err
	}
	return s.startSession(w, r, u)
}

// shownName is the typed name as the form shows it back: at most 64
// characters.
func shownName(typed string) string {
	if utf8.RuneCountInString(typed) <= 64 {
		return typed
	}
	return string([]rune(typed)[:64])
}

// auditedName is the subject of a failed login: the user when the name
// is one, else only how long the typed name was (it may be a password).
func auditedName(u orchestrator.User, typed string) string {
	if u.ID != 0 {
		return "user:" + u.Name
	}
	return "unknown user name (" + strconv.Itoa(len(typed)) + " bytes)"
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
	s.auditAs(ctx, orchestrator.UserActor(user), action, subject, detail)
}

// auditAs records an entry whose actor is not a user (a failed login's).
func (s *Server) auditAs(ctx context.Context, actor, action, subject, detail string) {
	_, err := s.cfg.Store.AppendAudit(ctx, orchestrator.AuditEntry{
		At: s.cfg.Now(), Actor: actor, Action: action, Subject: subject, Detail: detail,
	})
	if err != nil {
		s.cfg.Logger.Error("audit entry not recorded", zap.String("action", action), zap.Error(err))
	}
}
