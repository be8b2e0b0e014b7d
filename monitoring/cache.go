package monitoring

import (
	"sync"
	"time"
)

// snapshot caches what a scrape-time collector read, so a burst of scrapes
// (several Prometheus servers, a dashboard refreshing) costs one read of
// the store or the queue per interval.
type snapshot[T any] struct {
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	at  time.Time
	val T
	err error
	ok  bool
}

func newSnapshot[T any](ttl time.Duration, now func() time.Time) *snapshot[T] {
	if now == nil {
		now = time.Now
	}
	return &snapshot[T]{ttl: ttl, now: now}
}

// get returns the cached value while it is fresh, else loads it again.
// Concurrent callers wait for one load.
func (s *snapshot[T]) get(load func() (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.ok && now.Sub(s.at) < s.ttl {
		return s.val, s.err
	}
	s.val, s.err = load()
	s.at, s.ok = now, true
	return s.val, s.err
}
