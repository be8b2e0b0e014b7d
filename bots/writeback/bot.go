package writeback

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/selectors"
)

// Kind is the bot kind configuration refers to.
const Kind = "writeback"

// Defaults for Config.
const (
	RetriesDefault = 4
	BackoffDefault = 100 * time.Millisecond
	BackoffMax     = 3 * time.Second
)

// Outcome says what a write-back did.
type Outcome string

// Outcomes.
const (
	OutcomeActed       Outcome = "acted"        // the bot performed the action
	OutcomeAlreadyDone Outcome = "already_done" // the account was already in the state asked for
)

// Result is what one request came to.
type Result struct {
	Outcome Outcome
	// Before and After are the evidence ids of the screenshots taken
	// before and after the action (After is 0 when nothing was done).
	Before, After int64
}

// Elements the bot needs from the selector file.
const (
	elMaintenance    = "maintenance_notice"
	elLoginUsername  = "login_username"
	elLoginPassword  = "login_password"
	elLoginSubmit    = "login_submit"
	elLoginError     = "login_error"
	elLoginOTP       = "login_otp"
	elLoginOTPSubmit = "login_otp_submit"
	elWorklistTable  = "worklist_table"
	elDetailRows     = "detail_field_rows"
	elCurrentQueue   = "current_queue"
	elHoldCodes      = "hold_reason_codes"
	elNoteTexts      = "note_texts"
	elNoteInput      = "note_input"
	elNoteSubmit     = "note_submit"
	elRouteSelect    = "route_select"
	elRouteSubmit    = "route_submit"
	elReleaseSelect  = "release_select"
	elReleaseSubmit  = "release_submit"
	pageAccount      = "account"
)

func requiredElements() []string {
	return []string{
		elMaintenance, elLoginUsername, elLoginPassword, elLoginSubmit, elLoginError, elLoginOTP, elLoginOTPSubmit,
		elWorklistTable, elDetailRows, elCurrentQueue, elHoldCodes, elNoteTexts, elNoteInput, elNoteSubmit,
		elRouteSelect, elRouteSubmit, elReleaseSelect, elReleaseSubmit,
	}
}

// Config configures the bot.
type Config struct {
	// Selectors is the portal layout's selector file. Set it or Layouts.
	Selectors *selectors.File
	// Layouts are every layout of the portal; the bot uses the one whose
	// marker the portal shows. Default: just Selectors.
	Layouts []*selectors.File
	// Retries bounds retries of one failed request (5xx); default 4.
	Retries int
	// Backoff is the first wait before a retry, doubling up to BackoffMax;
	// default 100ms.
	Backoff time.Duration
	// OnResult, if set, receives each request's result.
	OnResult func(Request, Result)
	// Now stamps evidence; default time.Now.
	Now func() time.Time
}

// Bot performs write-backs. It holds no per-run state.
type Bot struct {
	cfg Config
}

// New validates cfg.
func New(cfg Config) (*Bot, error) {
	if len(cfg.Layouts) == 0 && cfg.Selectors != nil {
		cfg.Layouts = []*selectors.File{cfg.Selectors}
	}
	if len(cfg.Layouts) == 0 {
		return nil, errors.New("writeback: no selector file")
	}
	for _, f := range cfg.Layouts {
		if err := f.Require(requiredElements()...); err != nil {
			return nil, fmt.Errorf("writeback: %w", err)
		}
		if _, err := f.PagePath(pageAccount, map[string]string{"account": "1"}); err != nil {
			return nil, fmt.Errorf("writeback: %w", err)
		}
		if len(cfg.Layouts) > 1 && f.Marker == "" {
			return nil, fmt.Errorf("writeback: %s: several layouts, but this one has no marker element", f.Source)
		}
	}
	if cfg.Retries == 0 {
		cfg.Retries = RetriesDefault
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = BackoffDefault
	}
	if cfg.Retries < 0 || cfg.Backoff < 0 {
		return nil, errors.New("writeback: negative retries or backoff")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Bot{cfg: cfg}, nil
}

// Kind returns "writeback".
func (b *Bot) Kind() string { return Kind }

// Run refuses: a write-back needs its request, which a plain bot run does
// not carry. The task layer's writeback:run job calls RunRequest with the
// request it builds from the resolved task.
func (b *Bot) Run(context.Context, *bots.Session, bots.Recorder) error {
	return fmt.Errorf("%w: a write-back runs only with its request (RunRequest), not as a plain bot run", ErrInvalidRequest)
}

// RunRequest signs in, opens the account, and performs req unless the
// account is already in the state it asks for. It acts at most once: after
// an unclear answer (a server error on the action) it reads the state
// again before deciding to act again. Screenshots before and after go to
// rec with the account as ItemRef.
func (b *Bot) RunRequest(ctx context.Context, s *bots.Session, rec bots.Recorder, req Request) (Result, error) {
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	base, err := url.Parse(s.Target.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return Result{}, errors.New("writeback: target base URL is not an absolute URL")
	}
	r := &run{bot: b, s: s, rec: rec, req: req, file: b.cfg.Layouts[0], base: base}
	res, err := r.do(ctx)
	if err == nil && b.cfg.OnResult != nil {
		b.cfg.OnResult(req, res)
	}
	return res, err
}
