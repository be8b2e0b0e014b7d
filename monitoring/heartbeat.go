package monitoring

import (
	"context"
	"sync"
	"time"
)

// PoolState is what a worker's heartbeat checks about its browser pool.
type PoolState struct {
	InUse    int
	Capacity int
	Alive    bool // the browser runs and the queue connection answers
}

// HeartbeatConfig configures a Heartbeat.
type HeartbeatConfig struct {
	Metrics *Metrics
	// Probe reports the pool's state; it must not block for long.
	Probe func(ctx context.Context) PoolState
	// Every is the interval between beats. Default 5 s.
	Every time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Heartbeat keeps a worker's heartbeat, up and browser pool gauges
// current. A worker that hangs stops beating, which the WorkerMissing alert
// sees even when the process still answers scrapes.
type Heartbeat struct {
	cfg    HeartbeatConfig
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// NewHeartbeat applies defaults.
func NewHeartbeat(cfg HeartbeatConfig) *Heartbeat {
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Heartbeat{cfg: cfg}
}

// Beat probes once and updates the gauges.
func (h *Heartbeat) Beat(ctx context.Context) {
	s := h.cfg.Probe(ctx)
	m := h.cfg.Metrics
	m.BrowserInUse.Set(float64(s.InUse))
	m.BrowserCapacity.Set(float64(s.Capacity))
	if !s.Alive {
		m.WorkerUp.Set(0)
		return
	}
	m.WorkerUp.Set(1)
	m.WorkerHeartbeat.Set(float64(h.cfg.Now().Unix()))
}

// Start beats now and then every interval until Stop or ctx ends.
func (h *Heartbeat) Start(ctx context.Context) error {
	ctx, h.cancel = context.WithCancel(ctx)
	h.done = make(chan struct{})
	h.Beat(ctx)
	go func() {
		defer close(h.done)
		t := time.NewTicker(h.cfg.Every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				h.Beat(ctx)
			}
		}
	}()
	return nil
}

// Stop ends the loop and marks the worker down. It is safe to call twice.
func (h *Heartbeat) Stop() {
	h.once.Do(func() {
		if h.cancel != nil {
			h.cancel()
			<-h.done
		}
		h.cfg.Metrics.WorkerUp.Set(0)
	})
}
