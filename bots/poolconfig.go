package bots

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// Defaults applied by NewPool to zero PoolConfig fields.
const (
	ContextsDefault      = 1
	RecycleAfterDefault  = 50
	LaunchTimeoutDefault = 30 * time.Second
	StopGraceDefault     = 5 * time.Second
	KeepIdleDefault      = 2 * time.Minute
	// UserAgentDefault identifies the bot honestly; a portal that insists
	// on a browser-looking agent gets one through PoolConfig.UserAgent.
	UserAgentDefault = "Mozilla/5.0 (X11; Linux x86_64) DocketBot/1.0"
)

// PoolConfig configures a Pool. Zero values take the documented default.
type PoolConfig struct {
	// Bin is the chromium binary; "" lets FindChromium choose.
	Bin string
	// Contexts is how many sessions may be open at once (default 1).
	Contexts int
	// RecycleAfter relaunches the browser after it has served this many
	// sessions, to shed leaked renderer memory (default 50).
	RecycleAfter int
	// StepTimeout bounds each Session.Step (default StepTimeoutDefault).
	StepTimeout time.Duration
	// LaunchTimeout bounds starting chromium (default 30s).
	LaunchTimeout time.Duration
	// StopGrace is how long Stop waits for open sessions before closing
	// the browser under them (default 5s).
	StopGrace time.Duration
	// KeepIdle is how long a session handed back with Session.Keep waits
	// for the next run of its target before it is disposed of (default
	// 2m); negative turns keeping off, so every run signs in afresh.
	KeepIdle time.Duration
	// DataDir holds the browsers' user-data-dirs. Default: a fresh
	// directory under os.TempDir(), removed by Stop. A configured DataDir
	// is kept; only the per-browser directories inside it are removed.
	DataDir string
	// UserAgent every page sends (default UserAgentDefault).
	UserAgent string
	// Subreaper makes this process the reaper of chromium's orphaned
	// helper processes (Linux PR_SET_CHILD_SUBREAPER, process-wide). Set
	// it when nothing else reaps: PID 1 without tini, or an init that does
	// not reap, otherwise every browser exit leaves zombies. Off by
	// default because it changes where every orphaned descendant of this
	// process goes.
	Subreaper bool
	// Leakless selects the guard that kills chromium if this process is
	// SIGKILLed: LeaklessAuto (default) uses leakless when TMPDIR allows it
	// and falls back to PR_SET_PDEATHSIG (see guard_linux.go).
	Leakless LeaklessMode
	// Politeness, if set, paces each portal's sessions and requests across
	// the fleet (see Politeness); nil sets no limit. Sessions are then
	// never kept (KeepIdle): a kept session is signed in at the portal
	// without holding one of its slots.
	Politeness Politeness
	// Logger receives launch, restart and shutdown events (default no-op).
	Logger *zap.Logger
	// OnRestart, if set, is called after each relaunch with the reason:
	// "crash" or "recycle". Metrics hook up here; bots imports no
	// metrics library.
	OnRestart func(reason string)
	// OnSessionWait, if set, is called with how long each Session call
	// waited for a free context (successful or not).
	OnSessionWait func(d time.Duration)
	// OnLaunch, if set, is called with how long each browser launch took.
	OnLaunch func(d time.Duration)
	// OnSession, if set, is called for each session handed out: kept is
	// true when it is a signed-in session an earlier run kept.
	OnSession func(kept bool)
}

// LeaklessMode chooses the orphan guard.
type LeaklessMode int

// Guard choices for PoolConfig.Leakless.
const (
	LeaklessAuto LeaklessMode = iota // leakless if TMPDIR is usable, else pdeathsig
	LeaklessOn                       // leakless or fail Start
	LeaklessOff                      // always pdeathsig
)

// withDefaults returns c with defaults applied and validated.
func (c PoolConfig) withDefaults() (PoolConfig, error) {
	var errs []error
	if c.Contexts < 0 {
		errs = append(errs, fmt.Errorf("negative Contexts %d", c.Contexts))
	}
	if c.RecycleAfter < 0 {
		errs = append(errs, fmt.Errorf("negative RecycleAfter %d", c.RecycleAfter))
	}
	if c.StepTimeout < 0 || c.LaunchTimeout < 0 || c.StopGrace < 0 {
		errs = append(errs, errors.New("negative timeout"))
	}
	if c.Leakless < LeaklessAuto || c.Leakless > LeaklessOff {
		errs = append(errs, fmt.Errorf("unknown Leakless mode %d", c.Leakless))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("bots: pool config: %w", errors.Join(errs...))
	}
	bin, err := FindChromium(c.Bin)
	if err != nil {
		return c, err
	}
	c.Bin = bin
	if c.Contexts == 0 {
		c.Contexts = ContextsDefault
	}
	if c.RecycleAfter == 0 {
		c.RecycleAfter = RecycleAfterDefault
	}
	if c.StepTimeout == 0 {
		c.StepTimeout = StepTimeoutDefault
	}
	if c.LaunchTimeout == 0 {
		c.LaunchTimeout = LaunchTimeoutDefault
	}
	if c.StopGrace == 0 {
		c.StopGrace = StopGraceDefault
	}
	if c.KeepIdle == 0 {
		c.KeepIdle = KeepIdleDefault
	}
	if c.UserAgent == "" {
		c.UserAgent = UserAgentDefault
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	return c, nil
}
