package portalsim

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// sessionCookie names the login cookie.
const sessionCookie = "wl_session"

// sessions holds login sessions in memory with an idle expiry, like the
// servlet container behind a typical enterprise portal.
type sessions struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	expires map[string]time.Time // token -> idle deadline
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, expires: make(map[string]time.Time)}
}

// create starts a session and returns its token.
func (s *sessions) create() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b[:])
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Sweep on login so abandoned sessions cannot pile up.
	for t, exp := range s.expires {
		if !now.Before(exp) {
			delete(s.expires, t)
		}
	}
	s.expires[token] = now.Add(s.ttl)
	return token, nil
}

// touch reports whether token is a live session and extends it.
// expired is true when the token was known but has lapsed.
func (s *sessions) touch(token string) (ok, expired bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, known := s.expires[token]
	if !known {
		return false, false
	}
	if !now.Before(exp) {
		delete(s.expires, token)
		return false, true
	}
	s.expires[token] = now.Add(s.ttl)
	return true, false
}

func (s *sessions) end(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.expires, token)
}
