package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/bots"
)

// Defaults and limits for Config.
const (
	BatchSizeDefault = 10
	BatchSizeMax     = 50
	RetriesDefault   = 6
	BackoffDefault   = 100 * time.Millisecond
	BackoffMax       = 3 * time.Second
	ReloginsDefault  = 3
	MaxPagesDefault  = 10000
)

// Config configures a flow bot.
type Config struct {
	// Name is the bot kind configuration refers to; default the flow's
	// name.
	Name string
	// Pack holds the flow. Set it or Current.
	Pack *Pack
	// Current, when set, returns the pack of now (a reloaded one); each
	// run takes the pack once, at its start, and keeps it to the end.
	Current func() *Pack
	// Flow names the flow in the pack.
	Flow string
	// Queue receives the observations; default the record kind's queue.
	Queue string
	// BatchSize is how many detail pages one round fetches over the
	// browser session; default 10, at most 50.
	BatchSize int
	// Retries is how many times one failed request is retried within the
	// run before it ends with bots.ErrPortalUnavailable; default 6.
	Retries int
	// Backoff is the first wait before a retry; it doubles up to
	// BackoffMax. Default 100ms.
	Backoff time.Duration
	// Relogins is how many times a run signs in again after the portal
	// ended its session; default 3.
	Relogins int
	// PageSize: 0 reads lists at the largest page size the layout
	// declares (pack.yaml layouts.V.page_size); -1 at the portal's own
	// default (tests that count pages use it).
	PageSize int
	// Vars are the bot's settings, seen by exprs as config.
	Vars map[string]any
	// Now stamps evidence; default time.Now.
	Now func() time.Time
}

// Bot runs one flow. It holds no per-run state and may run concurrently
// on separate sessions.
type Bot struct {
	cfg Config
}

// New checks cfg: the pack has the flow.
func New(cfg Config) (*Bot, error) {
	if cfg.Current == nil && cfg.Pack == nil {
		return nil, errors.New("flow: no pack")
	}
	if cfg.Current == nil {
		p := cfg.Pack
		cfg.Current = func() *Pack { return p }
	}
	p := cfg.Current()
	if p == nil {
		return nil, errors.New("flow: no pack")
	}
	f, ok := p.Flows[cfg.Flow]
	if !ok {
		return nil, fmt.Errorf("flow: pack %s has no flow %q", p.Name, cfg.Flow)
	}
	if cfg.Name == "" {
		cfg.Name = f.Name
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = BatchSizeDefault
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > BatchSizeMax {
		return nil, fmt.Errorf("flow: batch size %d out of range 1–%d", cfg.BatchSize, BatchSizeMax)
	}
	if cfg.Retries == 0 {
		cfg.Retries = RetriesDefault
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = BackoffDefault
	}
	if cfg.Relogins == 0 {
		cfg.Relogins = ReloginsDefault
	}
	if cfg.Retries < 0 || cfg.Backoff < 0 || cfg.Relogins < 0 {
		return nil, errors.New("flow: negative retries, backoff or relogins")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Bot{cfg: cfg}, nil
}

// Kind is the bot's name in configuration.
func (b *Bot) Kind() string { return b.cfg.Name }

// Pack is the pack a run started now would use.
func (b *Bot) Pack() *Pack { return b.cfg.Current() }

// Run runs the flow on s, reporting to rec. The pack is taken once: a
// reload during the run does not change what it runs.
func (b *Bot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	p := b.cfg.Current()
	f, ok := p.Flows[b.cfg.Flow]
	if !ok {
		return fmt.Errorf("flow: pack %s (version %.12s) has no flow %q", p.Name, p.Version, b.cfg.Flow)
	}
	r := &Run{bot: b, S: s, Rec: rec, Pack: p, Flow: f, File: p.Layouts[0],
		Vars: map[string]any{}, seen: map[string]bool{}}
	if p.Pinned != "" {
		r.File, _ = p.Layout(p.Pinned)
		r.detected = true
	}
	return r.steps(ctx, f.Steps)
}
