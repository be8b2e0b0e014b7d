package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/crypto/bcrypt"
)

// principal is who a request acts as: a user through a browser session
// (with its CSRF token) or through an API token.
type principal struct {
	User    orchestrator.User
	Session *orchestrator.Session // nil for API tokens
}

// Actor is the history and audit actor of the principal.
func (p *principal) Actor() string { return orchestrator.UserActor(p.User.Name) }

// Can reports whether the principal's role includes min.
func (p *principal) Can(min orchestrator.Role) bool {
	return p != nil && p.User.Role.Includes(min)
}

// Password rules: bcrypt reads at most 72 bytes, so longer ones are refused
// rather than silently truncated.
const (
	PasswordMin = 8
	PasswordMax = 72
)

// HashPassword returns the bcrypt hash of a password that fits the rules.
func HashPassword(password string) (string, error) {
	if len(password) < PasswordMin || len(password) > PasswordMax {
		return "", fmt.Errorf("%w: password must be %d to %d bytes", orchestrator.ErrInvalid, PasswordMin, PasswordMax)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("inbox: hash password: %w", err)
	}
	return string(h), nil
}

// newDummyHash is compared against when the user does not exist, so a
// wrong name costs as long as a wrong password and names cannot be probed
// by timing. Computed once per Server.
func newDummyHash(cost int) string {
	h, err := bcrypt.GenerateFromPassword([]byte("docket-no-such-user"), cost)
	if err != nil {
		return "$2a$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali"
	}
	return string(h)
}

// errBadLogin is the one answer to a wrong name, wrong password or a
// disabled account: which one it was is not the caller's business.
var errBadLogin = errors.New("wrong user name or password")

// authenticate checks a name and password. A wrong password or a disabled
// account still returns the user's ID and name (for the audit log).
func (s *Server) authenticate(ctx context.Context, name, password string) (orchestrator.User, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !orchestrator.ValidUserName(name) || len(password) > PasswordMax {
		_ = bcrypt.CompareHashAndPassword([]byte(s.dummyHash), []byte(password))
		return orchestrator.User{}, errBadLogin
	}
	u, err := s.cfg.Users.UserByName(ctx, name)
	switch {
	case errors.Is(err, orchestrator.ErrNotFound):
		_ = bcrypt.CompareHashAndPassword([]byte(s.dummyHash), []byte(password))
		return orchestrator.User{}, errBadLogin
	case err != nil:
		return orchestrator.User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return orchestrator.User{ID: u.ID, Name: u.Name}, errBadLogin
	}
	return u, nil
}

// newSecret returns 32 random bytes, URL-safe base64.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("inbox: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is how session and API token secrets are stored and looked
// up: they are long and random, so a fast hash is enough.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// apiTokenPrefix marks Docket API tokens so they are recognisable in a
// secret scanner or a leaked file.
const apiTokenPrefix = "dkt_"

// principalFrom finds who the request acts as: a bearer API token when the
// request has an Authorization header (never mixed with the cookie), else
// the session cookie. nil when neither is valid.
func (s *Server) principalFrom(r *http.Request) (*principal, error) {
	now := s.cfg.Now()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(secret, apiTokenPrefix) {
			return nil, nil
		}
		tok, u, err := s.cfg.Users.APITokenUser(r.Context(), hashSecret(secret), now)
		if errors.Is(err, orchestrator.ErrNotFound) || (err == nil && (u.Disabled || s.tokenExpired(tok, now))) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &principal{User: u}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ss, u, err := s.cfg.Users.SessionUser(r.Context(), hashSecret(c.Value), now)
	if errors.Is(err, orchestrator.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &principal{User: u, Session: &ss}, nil
}

// startSession logs u in: a fresh session (never one the browser brought
// along, against session fixation) and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u orchestrator.User) error {
	secret, err := newSecret()
	if err != nil {
		return err
	}
	csrf, err := newSecret()
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	ss := orchestrator.Session{TokenHash: hashSecret(secret), UserID: u.ID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.cfg.Users.CreateSession(r.Context(), ss); err != nil {
		return err
	}
	// Expired sessions go whenever someone logs in: no sweeper needed.
	if _, err := s.cfg.Users.DeleteExpiredSessions(r.Context(), now); err != nil {
		return err
	}
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		_ = s.cfg.Users.DeleteSession(r.Context(), hashSecret(old.Value))
	}
	s.setCookie(w, r, sessionCookie, secret, ss.ExpiresAt)
	return nil
}
