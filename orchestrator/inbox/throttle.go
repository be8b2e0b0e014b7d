package inbox

import (
	"sync"
	"time"
)

// Login throttling: after loginFailMax failed logins for one user name
// within loginFailWindow, further attempts for that name are refused until
// the window has passed, so a password cannot be guessed at bcrypt speed.
// Per name rather than per address: addresses behind a proxy all look
// alike, and a name is what a guesser targets.
const (
	loginFailMax    = 5
	loginFailWindow = 15 * time.Minute
	// loginFailNames bounds the table; past it the oldest records go.
	loginFailNames = 10000
)

type loginThrottle struct {
	mu    sync.Mutex
	fails map[string][]time.Time // name → failure times within the window
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{fails: map[string][]time.Time{}}
}

// blocked reports how long name must wait, 0 if it may try now.
func (l *loginThrottle) blocked(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(name, now)
	if len(recent) < loginFailMax {
		return 0
	}
	return recent[0].Add(loginFailWindow).Sub(now)
}

func (l *loginThrottle) fail(name string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= loginFailNames {
		for k := range l.fails { // map order is random: drop an arbitrary one
			delete(l.fails, k)
			break
		}
	}
	l.fails[name] = append(l.recent(name, now), now)
}

func (l *loginThrottle) succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, name)
}

// recent drops failures older than the window. Callers hold mu.
func (l *loginThrottle) recent(name string, now time.Time) []time.Time {
	list := l.fails[name]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= loginFailWindow {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.fails, name)
		return nil
	}
	l.fails[name] = list
	return list
}
