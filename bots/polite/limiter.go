package polite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// Limits are one portal's caps; zero means no cap.
type Limits struct {
	Sessions          int // sessions open at once across the fleet
	RequestsPerSecond int // requests sent in any one second across the fleet
}

// Defaults of Config.
const (
	LeaseDefault = 15 * time.Second
	// PollDefault is how often a waiter asks again for a session slot.
	PollDefault = 100 * time.Millisecond
	// jitterMargin widens each request's spacing (10%) so requests that arrive
	// at the portal a little early or late still fit the per-second cap.
	jitterMargin = 1.10
)

// Config configures a Limiter.
type Config struct {
	// Client is the Redis every worker of the fleet shares (required).
	Client redis.UniversalClient
	// Prefix starts every key (default "docket:polite:"); tests use their
	// own.
	Prefix string
	// Default applies to portals without an entry in Portals.
	Default Limits
	// Portals overrides Default per portal key.
	Portals map[string]Limits
	// Lease is how long a session slot outlives a worker that stopped
	// refreshing it (default LeaseDefault); it is refreshed every Lease/3.
	Lease time.Duration
	// Poll is how often a waiter asks again for a session slot (default
	// PollDefault).
	Poll time.Duration
	// OnWait, if set, is called after each wait with what was waited for
	// ("session" or "request") and how long it took.
	OnWait func(portal, what string, d time.Duration)
	// OnSessions, if set, is called with +1 when this process takes a
	// session slot and -1 when it frees one.
	OnSessions func(portal string, delta int)
	// Logger (default no-op) hears of lost leases.
	Logger *zap.Logger
}

// Limiter implements bots.Politeness over Redis.
type Limiter struct {
	cfg  Config
	rate *redis_rate.Limiter
	log  *zap.Logger
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Limiter, error) {
	if cfg.Client == nil {
		return nil, errors.New("polite: no Redis client")
	}
	check := func(name string, l Limits) error {
		if l.Sessions < 0 || l.RequestsPerSecond < 0 {
			return fmt.Errorf("polite: %s: negative limit", name)
		}
		return nil
	}
	if err := check("default", cfg.Default); err != nil {
		return nil, err
	}
	for p, l := range cfg.Portals {
		if err := check(p, l); err != nil {
			return nil, err
		}
	}
	if cfg.Lease < 0 || cfg.Poll < 0 {
		return nil, errors.New("polite: negative lease or poll")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "docket:polite:"
	}
	if cfg.Lease == 0 {
		cfg.Lease = LeaseDefault
	}
	if cfg.Poll == 0 {
		cfg.Poll = PollDefault
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Limiter{cfg: cfg, rate: redis_rate.NewLimiter(cfg.Client), log: cfg.Logger.Named("polite")}, nil
}

// Limits returns portal's caps.
func (l *Limiter) Limits(portal string) Limits {
	if v, ok := l.cfg.Portals[portal]; ok {
		return v
	}
	return l.cfg.Default
}

func (l *Limiter) key(portal, what string) string {
	return l.cfg.Prefix + what + ":{" + portal + "}"
}

func (l *Limiter) observe(portal, what string, start time.Time) {
	if l.cfg.OnWait != nil {
		l.cfg.OnWait(portal, what, time.Since(start))
	}
}

// Request blocks until portal may be sent one more request: after any
// fleet-wide pause, within its requests-per-second cap.
func (l *Limiter) Request(ctx context.Context, portal string) error {
	start := time.Now()
	defer l.observe(portal, "request", start)
	lim := l.Limits(portal)
	for {
		if err := l.waitPause(ctx, portal); err != nil {
			return err
		}
		if lim.RequestsPerSecond == 0 {
			return nil
		}
		res, err := l.rate.Allow(ctx, l.key(portal, "rate"), redis_rate.Limit{
			Rate:   lim.RequestsPerSecond,
			Burst:  1,
			Period: time.Duration(float64(time.Second) * jitterMargin),
		})
		if err != nil {
			return fmt.Errorf("polite: rate of %s: %w", portal, err)
		}
		if res.Allowed > 0 {
			return nil
		}
		if err := sleep(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

// waitPause waits out a pause another worker set for portal.
func (l *Limiter) waitPause(ctx context.Context, portal string) error {
	v, err := l.cfg.Client.Get(ctx, l.key(portal, "pause")).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("polite: pause of %s: %w", portal, err)
	}
	until, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("polite: pause of %s: %q is not a time", portal, v)
	}
	return sleep(ctx, time.Until(time.UnixMilli(until)))
}

// pauseScript sets the pause-until time unless a later one is set.
var pauseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

// Pause asks every worker to send portal nothing for d; a longer pause
// already set stands.
func (l *Limiter) Pause(ctx context.Context, portal string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	until := time.Now().Add(d).UnixMilli()
	ttl := d.Milliseconds() + 1000
	if err := pauseScript.Run(ctx, l.cfg.Client, []string{l.key(portal, "pause")}, until, ttl).Err(); err != nil {
		return fmt.Errorf("polite: pause %s: %w", portal, err)
	}
	l.log.Info("portal asked the fleet to slow down", zap.String("portal", portal), zap.Duration("pause", d))
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("polite: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

func holderID() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("polite: holder id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
