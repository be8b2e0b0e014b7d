package polite

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// acquireScript drops expired holders and adds ARGV[3] if fewer than
// ARGV[2] hold a slot. Scores are lease expiries in Unix milliseconds.
var acquireScript = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`)

// refreshScript extends a holder's lease if it still holds its slot.
var refreshScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`)

// Session blocks until portal has a free session slot (or ctx ends). The
// slot's lease is refreshed until release; release is safe to call twice.
func (l *Limiter) Session(ctx context.Context, portal string) (func(), error) {
	max := l.Limits(portal).Sessions
	if max == 0 {
		return func() {}, nil
	}
	id, err := holderID()
	if err != nil {
		return nil, err
	}
	key := l.key(portal, "sessions")
	start := time.Now()
	for {
		now := time.Now()
		got, err := acquireScript.Run(ctx, l.cfg.Client, []string{key},
			now.UnixMilli(), max, id, now.Add(l.cfg.Lease).UnixMilli(), (2 * l.cfg.Lease).Milliseconds()).Int()
		if err != nil {
			l.observe(portal, "session", start)
			return nil, fmt.Errorf("polite: session slot of %s: %w", portal, err)
		}
		if got == 1 {
			break
		}
		if err := sleep(ctx, l.cfg.Poll); err != nil {
			l.observe(portal, "session", start)
			return nil, err
		}
	}
	l.observe(portal, "session", start)
	if l.cfg.OnSessions != nil {
		l.cfg.OnSessions(portal, 1)
	}

	stop := make(chan struct{})
	done := make(chan struct{})
	go l.refresh(portal, key, id, stop, done)
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := l.cfg.Client.ZRem(ctx, key, id).Err(); err != nil {
				l.log.Warn("session slot not freed; its lease will expire", zap.String("portal", portal), zap.Error(err))
			}
			if l.cfg.OnSessions != nil {
				l.cfg.OnSessions(portal, -1)
			}
		})
	}, nil
}

// refresh extends the lease every Lease/3 until stop closes.
func (l *Limiter) refresh(portal, key, id string, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(l.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.cfg.Lease/3)
		held, err := refreshScript.Run(ctx, l.cfg.Client, []string{key},
			id, time.Now().Add(l.cfg.Lease).UnixMilli(), (2 * l.cfg.Lease).Milliseconds()).Int()
		cancel()
		switch {
		case err != nil:
			l.log.Warn("session lease not refreshed", zap.String("portal", portal), zap.Error(err))
		case held == 0:
			l.log.Warn("session lease lost (expired while held)", zap.String("portal", portal))
			return
		}
	}
}
