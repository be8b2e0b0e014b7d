package bots

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Sentinel errors of Pool.
var (
	ErrPoolStopped    = errors.New("bots: pool stopped")
	ErrPoolNotStarted = errors.New("bots: pool not started")
)

// Pool runs one chromium and hands out up to Contexts isolated sessions
// (one incognito browser context and page each). It relaunches the
// browser when it died and recycles it every RecycleAfter sessions. All
// methods are safe for concurrent use.
type Pool struct {
	cfg      PoolConfig
	log      *zap.Logger
	slots    chan struct{} // one token per open session
	gate     chan struct{} // held (ctx-aware mutex) while checking or replacing the browser
	stopping chan struct{} // closed by Stop
	stopOnce sync.Once
	watchers sync.WaitGroup // watch goroutines, one per launched browser

	mu         sync.Mutex // guards the fields below; never held during I/O
	started    bool
	br         *browserProc
	guard      string // leakless or pdeathsig, chosen at Start
	dataDir    string
	ownDataDir bool
	launches   int
	brServed   int           // sessions handed out by br
	inUse      int           // sessions open, on any browser
	idle       chan struct{} // closed while inUse == 0
	restarts   int64
	served     int64
	reused     int64
	parked     []parked // see park.go
}

// PoolStats is a snapshot for metrics and health checks.
type PoolStats struct {
	InUse      int   // sessions open now
	Capacity   int   // PoolConfig.Contexts
	Restarts   int64 // relaunches after a crash or for recycling
	Served     int64 // sessions handed out since Start
	BrowserPID int   // chromium's pid, 0 when not running
	Reused     int64 // sessions handed out still signed in from an earlier run (Session.Keep)
	Parked     int   // sessions kept for the next run of their target
}

// NewPool validates cfg and applies defaults. It launches nothing; see Start.
func NewPool(cfg PoolConfig) (*Pool, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	idle := make(chan struct{})
	close(idle)
	return &Pool{
		cfg:      cfg,
		log:      cfg.Logger.Named("browser-pool"),
		slots:    make(chan struct{}, cfg.Contexts),
		gate:     make(chan struct{}, 1),
		stopping: make(chan struct{}),
		idle:     idle,
	}, nil
}

// Start launches the browser. ctx bounds the launch only.
func (p *Pool) Start(ctx context.Context) error {
	if err := p.lockGate(ctx); err != nil {
		return err
	}
	defer p.unlockGate()
	p.mu.Lock()
	started := p.started
	p.mu.Unlock()
	if started {
		return errors.New("bots: pool already started")
	}

	guard := guardPdeathsig
	switch why := leaklessUsable(); {
	case p.cfg.Leakless == LeaklessOff:
	case why == nil:
		guard = guardLeakless
	case p.cfg.Leakless == LeaklessOn:
		return fmt.Errorf("bots: leakless unusable: %w", why)
	default:
		p.log.Warn("leakless unusable, chromium guarded by pdeathsig instead", zap.Error(why))
	}
	if p.cfg.Subreaper {
		if err := becomeSubreaper(); err != nil {
			return err
		}
	}
	dir, own := p.cfg.DataDir, false
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "docket-chromium-"); err != nil {
			return fmt.Errorf("bots: create data dir: %w", err)
		}
		own = true
	}
	p.mu.Lock()
	p.guard, p.dataDir, p.ownDataDir = guard, dir, own
	p.mu.Unlock()

	br, err := p.launch(ctx)
	if err != nil {
		if own {
			_ = os.RemoveAll(dir)
		}
		return err
	}
	p.mu.Lock()
	p.br, p.started = br, true
	p.mu.Unlock()
	p.watch(br)
	return nil
}

// launch starts a browser in a fresh user-data-dir.
func (p *Pool) launch(ctx context.Context) (*browserProc, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.LaunchTimeout)
	defer cancel()
	p.mu.Lock()
	p.launches++
	spec := launchSpec{
		bin:         p.cfg.Bin,
		userDataDir: filepath.Join(p.dataDir, "browser-"+strconv.Itoa(p.launches)),
		userAgent:   p.cfg.UserAgent,
		leakless:    p.guard == guardLeakless,
	}
	p.mu.Unlock()
	start := time.Now()
	br, err := launchBrowser(ctx, spec)
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	p.log.Info("chromium launched", zap.Int("pid", br.pid), zap.String("bin", spec.bin),
		zap.String("guard", br.guard), zap.Duration("took", took))
	if p.cfg.OnLaunch != nil {
		p.cfg.OnLaunch(took)
	}
	return br, nil
}

// Session blocks until a context slot is free (or ctx ends), makes sure
// the browser is alive (relaunching it if it crashed or is due for
// recycling), and returns a session in a fresh incognito context. Close
// the session to free the slot.
func (p *Pool) Session(ctx context.Context, t Target) (*Session, error) {
	start := time.Now()
	if p.isStopping() {
		return nil, ErrPoolStopped
	}
	// The portal's slot first: a run waiting for its portal holds no
	// browser context another portal's run could use.
	portalSlot := func() {}
	if pace := p.cfg.Politeness; pace != nil {
		release, err := pace.Session(ctx, t.Portal)
		if err != nil {
			return nil, fmt.Errorf("bots: wait for a %s session: %w", t.Portal, err)
		}
		portalSlot = release
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		p.observeWait(start)
		portalSlot()
		return nil, fmt.Errorf("bots: wait for a browser context: %w", ctx.Err())
	case <-p.stopping:
		p.observeWait(start)
		portalSlot()
		return nil, ErrPoolStopped
	}
	p.observeWait(start)
	freeSlot := func() { <-p.slots; portalSlot() }

	// A browser that dies between the health check and the new context is
	// found dead by the next check, so one retry covers that race.
	for attempt := 0; ; attempt++ {
		br, err := p.acquire(ctx)
		if err != nil {
			freeSlot()
			return nil, err
		}
		key := sessionKey(t)
		page, dispose, reused := p.unpark(br, key)
		if !reused {
			page, dispose, err = br.newContextPage(ctx)
			if err == nil {
				err = applyTarget(page, t)
				if err == nil && p.cfg.Politeness != nil {
					var stop func()
					if stop, err = paceRequests(page, p.cfg.Politeness, t.Portal); err == nil {
						disposeContext := dispose
						dispose = func() error { stop(); return disposeContext() }
					}
				}
				if err != nil {
					_ = dispose()
				}
			}
		}
		if err != nil {
			p.done()
			if attempt == 0 && ctx.Err() == nil && br.alive(ctx) != nil {
				continue
			}
			freeSlot()
			return nil, err
		}
		if reused {
			p.mu.Lock()
			p.reused++
			p.mu.Unlock()
		}
		if p.cfg.OnSession != nil {
			p.cfg.OnSession(reused)
		}
		var once sync.Once
		end := func(keep bool) error {
			var err error
			once.Do(func() {
				// A kept session stays signed in at the portal without a
				// slot, so under Politeness every session is closed.
				if !keep || p.cfg.Politeness != nil || !p.park(br, key, page, dispose) {
					err = dispose()
				}
				p.done()
				freeSlot()
			})
			return err
		}
		s := NewSession(t, page, p.cfg.StepTimeout, func() error { return end(false) })
		s.keep = func() error { return end(true) }
		s.pace = p.cfg.Politeness
		return s, nil
	}
}

func (p *Pool) observeWait(start time.Time) {
	if p.cfg.OnSessionWait != nil {
		p.cfg.OnSessionWait(time.Since(start))
	}
}

// acquire returns a healthy browser and counts one more session on it.
func (p *Pool) acquire(ctx context.Context) (*browserProc, error) {
	if err := p.lockGate(ctx); err != nil {
		return nil, err
	}
	defer p.unlockGate()
	for {
		if p.isStopping() {
			return nil, ErrPoolStopped
		}
		p.mu.Lock()
		started, br, idle := p.started, p.br, p.idle
		due := br != nil && p.brServed >= p.cfg.RecycleAfter
		busy := p.inUse > 0
		p.mu.Unlock()
		if !started {
			return nil, ErrPoolNotStarted
		}
		if due && busy {
			// Drain: holding the gate keeps new sessions off the old
			// browser, so recycling happens even under constant load.
			select {
			case <-idle:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("bots: wait for browser recycling: %w", ctx.Err())
			case <-p.stopping:
				return nil, ErrPoolStopped
			}
		}
		reason := ""
		switch {
		case due:
			reason = "recycle"
		case br == nil: // an earlier relaunch failed
			reason = "crash"
		default:
			if err := br.alive(ctx); err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("bots: check browser: %w", ctx.Err())
				}
				p.log.Warn("chromium dead, relaunching", zap.Int("pid", br.pid), zap.Error(err))
				reason = "crash"
			}
		}
		if reason != "" {
			if err := p.replace(ctx, br, reason); err != nil {
				return nil, err
			}
			continue
		}
		p.mu.Lock()
		p.inUse++
		if p.inUse == 1 {
			p.idle = make(chan struct{})
		}
		p.brServed++
		p.served++
		p.mu.Unlock()
		return br, nil
	}
}

// replace closes old (if any) and launches a new browser. The caller
// holds the gate.
func (p *Pool) replace(ctx context.Context, old *browserProc, reason string) error {
	p.dropParked()
	if old != nil {
		if err := old.close(); err != nil {
			p.log.Error("closing chromium", zap.Error(err))
		}
	}
	p.mu.Lock()
	p.br, p.brServed = nil, 0
	p.mu.Unlock()
	br, err := p.launch(ctx)
	if err != nil {
		return fmt.Errorf("bots: relaunch chromium (%s): %w", reason, err)
	}
	p.mu.Lock()
	p.br = br
	p.restarts++
	p.mu.Unlock()
	p.watch(br)
	p.log.Info("chromium relaunched", zap.String("reason", reason), zap.Int("pid", br.pid))
	if p.cfg.OnRestart != nil {
		p.cfg.OnRestart(reason)
	}
	return nil
}

// done records that a session ended.
func (p *Pool) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inUse--
	if p.inUse == 0 {
		close(p.idle)
	}
}

// Stop waits up to StopGrace for open sessions, then closes the browser
// (under any that are still open), kills what remains of its processes,
// reaps them and removes the data dir. Blocked Session calls return
// ErrPoolStopped. It is idempotent and safe to call without Start.
func (p *Pool) Stop() {
	p.stopOnce.Do(func() {
		close(p.stopping)
		p.mu.Lock()
		idle := p.idle
		p.mu.Unlock()
		grace := time.NewTimer(p.cfg.StopGrace)
		select {
		case <-idle:
		case <-grace.C:
			p.log.Warn("stopping with sessions still open")
		}
		grace.Stop()

		// A launch in progress finishes (bounded by LaunchTimeout) first.
		p.gate <- struct{}{}
		defer p.unlockGate()
		p.dropParked()
		p.mu.Lock()
		br, dir, own := p.br, p.dataDir, p.ownDataDir
		p.br, p.started = nil, false
		p.mu.Unlock()
		if br != nil {
			if err := br.close(); err != nil {
				p.log.Error("closing chromium", zap.Error(err))
			}
		}
		if own {
			_ = os.RemoveAll(dir)
		}
	})
	p.watchers.Wait()
}

// Stats returns current counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := PoolStats{InUse: p.inUse, Capacity: p.cfg.Contexts, Restarts: p.restarts, Served: p.served,
		Reused: p.reused, Parked: len(p.parked)}
	if p.br != nil {
		s.BrowserPID = p.br.pid
	}
	return s
}

// DataDir is the directory holding the browsers' user-data-dirs ("" before
// Start). Operators grep for it to find this pool's processes.
func (p *Pool) DataDir() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dataDir
}

func (p *Pool) lockGate(ctx context.Context) error {
	select {
	case p.gate <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("bots: wait for browser: %w", ctx.Err())
	case <-p.stopping:
		return ErrPoolStopped
	}
}

func (p *Pool) unlockGate() { <-p.gate }

func (p *Pool) isStopping() bool {
	select {
	case <-p.stopping:
		return true
	default:
		return false
	}
}
