package portalsim

// Shared login sessions for every demo portal. Stable API:
//
//	s := NewSessions(ttl, now)
//	sess, err := s.Create(user, pending) // pending: second factor still due
//	sess, ok, expired := s.Lookup(token) // extends a live session
//	s.End(token)
//	n := s.ExpireAll()                   // forces expiry mid-run (tests)
//
// A Session carries a per-session CSRF token for forms (Session.CSRF).

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// Session is one login session.
type Session struct {
	Token string
	User  string
	// CSRF is the token every state-changing form of the session posts.
	CSRF string
	// Pending is true between a correct password and the second factor.
	Pending bool
}

type sessionEntry struct {
	Session
	idle    time.Time // idle deadline
	expired bool      // forced to expire: the next lookup reports expired
}

// Sessions holds login sessions in memory with an idle expiry, like the
// servlet container behind a typical enterprise portal. It is safe for
// concurrent use.
type Sessions struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	byID map[string]*sessionEntry
}

// NewSessions returns an empty session store; sessions lapse after ttl
// without a request, measured on now.
func NewSessions(ttl time.Duration, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{ttl: ttl, now: now, byID: make(map[string]*sessionEntry)}
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Create starts a session for user.
func (s *Sessions) Create(user string, pending bool) (Session, error) {
	token, err := randomHex(24)
	if err != nil {
		return Session{}, err
	}
	csrf, err := randomHex(16)
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Sweep on login so abandoned sessions cannot pile up.
	for t, e := range s.byID {
		if e.expired || !now.Before(e.idle) {
			delete(s.byID, t)
		}
	}
	e := &sessionEntry{Session: Session{Token: token, User: user, CSRF: csrf, Pending: pending}, idle: now.Add(s.ttl)}
	s.byID[token] = e
	return e.Session, nil
}

// Lookup reports whether token is a live session and extends it. expired
// is true when the token was known but has lapsed (or was forced to).
func (s *Sessions) Lookup(token string) (sess Session, ok, expired bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, known := s.byID[token]
	if !known {
		return Session{}, false, false
	}
	if e.expired || !now.Before(e.idle) {
		delete(s.byID, token)
		return Session{}, false, true
	}
	e.idle = now.Add(s.ttl)
	return e.Session, true, false
}

// End removes a session (logout).
func (s *Sessions) End(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, token)
}

// ExpireAll makes every live session expire now, as a portal restart or
// an administrator's "log everyone out" would, and returns how many there
// were. Their next request is sent to the login form with the expiry
// notice.
func (s *Sessions) ExpireAll() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.byID {
		if !e.expired {
			e.expired = true
			n++
		}
	}
	return n
}
