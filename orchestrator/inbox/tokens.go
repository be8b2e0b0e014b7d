package inbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

type tokensView struct {
	Tokens []orchestrator.APIToken
	// New is the secret of a token just created, shown once, and
	// NewExpires when it stops working.
	New        string
	NewExpires time.Time
	// DefaultDays and MaxDays are the lifetimes a new token may have.
	DefaultDays, MaxDays int
	maxTTL               time.Duration
}

// LegacyExpiry is when a token made before tokens expired stops working.
func (v tokensView) LegacyExpiry(created time.Time) time.Time { return created.Add(v.maxTTL) }

// newAPIToken creates a token for the principal's user that expires after
// days (0: the default lifetime) and returns it with its secret, which is
// not stored and cannot be shown again.
func (s *Server) newAPIToken(r *http.Request, p *principal, name, days string) (orchestrator.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return orchestrator.APIToken{}, "", fmt.Errorf("%w: a token needs a name of 1 to 100 characters", orchestrator.ErrInvalid)
	}
	ttl := s.cfg.TokenTTL
	if days = strings.TrimSpace(days); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || time.Duration(n)*24*time.Hour > s.cfg.TokenTTLMax {
			return orchestrator.APIToken{}, "", fmt.Errorf("%w: a token lives 1 to %d days", orchestrator.ErrInvalid, days24(s.cfg.TokenTTLMax))
		}
		ttl = time.Duration(n) * 24 * time.Hour
	}
	secret, err := newSecret()
	if err != nil {
		return orchestrator.APIToken{}, "", err
	}
	secret = apiTokenPrefix + secret
	now := s.cfg.Now()
	t, err := s.cfg.Users.CreateAPIToken(r.Context(), orchestrator.APIToken{
		UserID: p.User.ID, Name: name, TokenHash: hashSecret(secret), Prefix: secret[:len(apiTokenPrefix)+6],
		CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	if err != nil {
		return orchestrator.APIToken{}, "", err
	}
	s.audit(r, p.User.Name, "token.created", "user:"+p.User.Name,
		"token "+strconv.FormatInt(t.ID, 10)+", expires "+t.ExpiresAt.UTC().Format(time.DateOnly))
	return t, secret, nil
}

// days24 is a lifetime in whole days.
func days24(d time.Duration) int { return int(d / (24 * time.Hour)) }

// tokenExpired reports whether a token no longer works at now: past its
// expiry, or, for a token made before tokens expired, older than the
// longest lifetime.
func (s *Server) tokenExpired(t orchestrator.APIToken, now time.Time) bool {
	if t.ExpiresAt.IsZero() {
		return !now.Before(t.CreatedAt.Add(s.cfg.TokenTTLMax))
	}
	return !now.Before(t.ExpiresAt)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderTokens(w, r, p, http.StatusOK, orchestrator.APIToken{}, "", "")
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, p *principal, status int, created orchestrator.APIToken, secret, errMsg string) {
	list, err := s.cfg.Users.APITokens(r.Context(), p.User.ID)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	v := view{Title: "API tokens", Flash: flash(r), Error: errMsg, Data: tokensView{Tokens: list, New: secret, NewExpires: created.ExpiresAt,
		DefaultDays: days24(s.cfg.TokenTTL), MaxDays: days24(s.cfg.TokenTTLMax), maxTTL: s.cfg.TokenTTLMax}}
	if secret != "" {
		v.Flash = flashes["token"]
	}
	s.render(w, r, p, status, "tokens", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *principal) {
	t, secret, err := s.newAPIToken(r, p, r.PostFormValue("name"), r.PostFormValue("days"))
	if err != nil {
		status, _ := statusFor(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, false, err)
			return
		}
		s.renderTokens(w, r, p, status, orchestrator.APIToken{}, "", publicMessage(err))
		return
	}
	// Rendered, not redirected: the secret must not travel in a URL.
	s.renderTokens(w, r, p, http.StatusCreated, t, secret, "")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderStatus(w, r, p, http.StatusNotFound, "no such token")
		return
	}
	if err := s.cfg.Users.RevokeAPIToken(r.Context(), p.User.ID, id, s.cfg.Now()); err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.audit(r, p.User.Name, "token.revoked", "user:"+p.User.Name, "token "+strconv.FormatInt(id, 10))
	http.Redirect(w, r, "/account/tokens?ok=revoked", http.StatusSeeOther)
}
