package portalsim

// What a portal is sent, counted by the portal itself, so tests of the
// fleet's politeness judge by the portal's figures rather than the bots'.

import (
	"net/http"
	"sort"
	"sync"
	"time"
)

// Traffic counts the requests a portal answers and the login sessions
// they belong to. Wrap a portal's handler with Wrap. It is safe for
// concurrent use.
type Traffic struct {
	cookie string

	mu    sync.Mutex
	times []time.Time             // arrival of every request
	spans map[string]*trafficSpan // per session cookie
}

// trafficSpan is a session's life as the portal saw it: from the start of
// its first request to the end of its last.
type trafficSpan struct{ first, last time.Time }

// NewTraffic counts sessions by the session cookie named cookie (the
// portal's AuthConfig.Cookie).
func NewTraffic(cookie string) *Traffic {
	return &Traffic{cookie: cookie, spans: make(map[string]*trafficSpan)}
}

// Wrap returns next with every request counted.
func (t *Traffic) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		token := ""
		if c, err := r.Cookie(t.cookie); err == nil {
			token = c.Value
		}
		t.mu.Lock()
		t.times = append(t.times, start)
		if token != "" {
			if s := t.spans[token]; s == nil {
				t.spans[token] = &trafficSpan{first: start, last: start}
			}
		}
		t.mu.Unlock()
		next.ServeHTTP(rw, r)
		if token != "" {
			end := time.Now()
			t.mu.Lock()
			if s := t.spans[token]; end.After(s.last) {
				s.last = end
			}
			t.mu.Unlock()
		}
	})
}

// Requests is how many requests arrived.
func (t *Traffic) Requests() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.times)
}

// MaxPerSecond is the most requests that arrived within any one second
// (a sliding window [t, t+1s) starting at each arrival).
func (t *Traffic) MaxPerSecond() int {
	t.mu.Lock()
	times := append([]time.Time(nil), t.times...)
	t.mu.Unlock()
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < time.Second {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// MaxSessions is the most sessions that were open at once, a session
// being open from the start of its first request to the end of its last.
func (t *Traffic) MaxSessions() int {
	type edge struct {
		at    time.Time
		delta int
	}
	t.mu.Lock()
	edges := make([]edge, 0, 2*len(t.spans))
	for _, s := range t.spans {
		edges = append(edges, edge{s.first, 1}, edge{s.last, -1})
	}
	t.mu.Unlock()
	// At equal times an end comes first: a session that ended as another
	// began did not overlap it.
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at.Equal(edges[j].at) {
			return edges[i].delta < edges[j].delta
		}
		return edges[i].at.Before(edges[j].at)
	})
	best, open := 0, 0
	for _, e := range edges {
		open += e.delta
		best = max(best, open)
	}
	return best
}

// Sessions is how many sessions sent a request.
func (t *Traffic) Sessions() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.spans)
}
