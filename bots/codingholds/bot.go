package codingholds

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Kind is the bot kind configuration refers to.
const Kind = "coding-holds"

// Defaults and limits for Config.
const (
	BatchSizeDefault = 10
	BatchSizeMax     = 50
	RetriesDefault   = 6
	BackoffDefault   = 100 * time.Millisecond
	BackoffMax       = 3 * time.Second
	ReloginsDefault  = 3
)

// Field groups the bot reads from the selector file.
const (
	groupDetail     = "detail"
	groupHoldReason = "hold_reason"
	groupQuery      = "query"
)

// Elements the bot needs from the selector file.
const (
	elMaintenance       = "maintenance_notice"
	elLoginUsername     = "login_username"
	elLoginPassword     = "login_password"
	elLoginSubmit       = "login_submit"
	elLoginError        = "login_error"
	elLoginOTP          = "login_otp"
	elLoginOTPSubmit    = "login_otp_submit"
	elWorklistTable     = "worklist_table"
	elWorklistRows      = "worklist_rows"
	elWorklistError     = "worklist_error"
	elRowLink           = "row_link"
	elNextPage          = "next_page"
	elWorklistEmpty     = "worklist_empty"
	elDetailFieldRows   = "detail_field_rows"
	elFieldLabel        = "field_label"
	elFieldValue        = "field_value"
	elHoldReasonHeaders = "hold_reason_headers"
	elHoldReasonRows    = "hold_reason_rows"
	elTableCell         = "table_cell"
	elQueryFieldRows    = "query_field_rows"
	elDeficiencyItems   = "deficiency_items"
)

// requiredElements lists every element Run uses, checked by New.
func requiredElements() []string {
	return []string{
		elMaintenance, elLoginUsername, elLoginPassword, elLoginSubmit, elLoginError, elLoginOTP, elLoginOTPSubmit,
		elWorklistTable, elWorklistRows, elWorklistError, elRowLink, elNextPage, elWorklistEmpty, elDetailFieldRows,
		elFieldLabel, elFieldValue, elHoldReasonHeaders, elHoldReasonRows, elTableCell, elQueryFieldRows, elDeficiencyItems,
	}
}

// detailElements are the elements read on fetched account pages.
func detailElements() []string {
	return []string{elMaintenance, elDetailFieldRows, elFieldLabel, elFieldValue, elHoldReasonHeaders,
		elHoldReasonRows, elTableCell, elQueryFieldRows, elDeficiencyItems}
}

// Deprecated aliases: the conditions moved to package bots, where every
// bot shares them.
var (
	ErrPortalUnavailable = bots.ErrPortalUnavailable
	ErrLoginRejected     = bots.ErrLoginRejected
	ErrSessionLost       = bots.ErrSessionLost
)

// Config configures the bot.
type Config struct {
	// Selectors is the portal layout's selector file. Set it or Layouts.
	Selectors *selectors.File
	// Layouts are every layout of the portal (selectors.LoadLayouts); the
	// bot uses the one whose marker element the portal shows, so a portal
	// upgrade needs a new selector file, not new code. Default: just
	// Selectors.
	Layouts []*selectors.File
	// Queue receives the observations; default orchestrator.QueueCoding.
	Queue string
	// BatchSize is how many detail pages one round fetches over the
	// browser session (bots.Fetcher) before they are read and
	// reported; default 10, at most 50.
	BatchSize int
	// Retries is how many times one failed request (a 5xx, a worklist
	// that did not load) is retried within the run before it ends with
	// bots.ErrPortalUnavailable; default 6.
	Retries int
	// Backoff is the first wait before a retry; it doubles up to
	// BackoffMax. Default 100ms.
	Backoff time.Duration
	// Relogins is how many times a run signs in again after the portal
	// ended its session; default 3.
	Relogins int
	// Now stamps evidence; default time.Now.
	Now func() time.Time
}

// Bot reads coding holds. It holds no per-run state and may run
// concurrently on separate sessions.
type Bot struct {
	cfg     Config
	layouts []*layout
}

// layout is one selector file with its field groups, checked by New.
type layout struct {
	file   *selectors.File
	fields map[string][]selectors.Field
}

// New validates cfg against what the bot needs from the selector files.
func New(cfg Config) (*Bot, error) {
	if len(cfg.Layouts) == 0 && cfg.Selectors != nil {
		cfg.Layouts = []*selectors.File{cfg.Selectors}
	}
	if len(cfg.Layouts) == 0 {
		return nil, errors.New("codingholds: no selector file")
	}
	if cfg.Queue == "" {
		cfg.Queue = orchestrator.QueueCoding
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = BatchSizeDefault
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > BatchSizeMax {
		return nil, fmt.Errorf("codingholds: batch size %d out of range 1–%d", cfg.BatchSize, BatchSizeMax)
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
		return nil, errors.New("codingholds: negative retries, backoff or relogins")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := &Bot{cfg: cfg}
	for _, f := range cfg.Layouts {
		l, err := newLayout(f)
		if err != nil {
			return nil, err
		}
		if f.Portal != cfg.Layouts[0].Portal {
			return nil, fmt.Errorf("codingholds: layouts of two portals: %s and %s", cfg.Layouts[0].Portal, f.Portal)
		}
		if len(cfg.Layouts) > 1 && f.Marker == "" {
			return nil, fmt.Errorf("codingholds: %s: several layouts, but this one has no marker element", f.Source)
		}
		b.layouts = append(b.layouts, l)
	}
	return b, nil
}

func newLayout(f *selectors.File) (*layout, error) {
	if err := f.Require(requiredElements()...); err != nil {
		return nil, fmt.Errorf("codingholds: %w", err)
	}
	// Account pages are fetched and read without the browser.
	if err := bots.CheckHTMLReadable(f, detailElements()...); err != nil {
		return nil, fmt.Errorf("codingholds: %w", err)
	}
	l := &layout{file: f, fields: map[string][]selectors.Field{}}
	for _, g := range []string{groupDetail, groupHoldReason, groupQuery} {
		fs, err := f.FieldGroup(g)
		if err != nil {
			return nil, fmt.Errorf("codingholds: %w", err)
		}
		l.fields[g] = fs
	}
	// Field names must be CodingHold's: check now, not on the first
	// account of a run.
	if err := checkFieldNames(l.fields); err != nil {
		return nil, fmt.Errorf("%w (%s)", err, f.Source)
	}
	return l, nil
}

// Kind returns "coding-holds".
func (b *Bot) Kind() string { return Kind }

// Run logs in, reads every worklist page and every account on it, and
// reports each account to rec. Server errors are retried with backoff and
// an ended session is re-established, continuing where the run was; a
// maintenance page (bots.ErrMaintenance), a broken selector
// (*bots.SelectorMissError) or a refused login end the run after a
// screenshot of where it was. Bad data on an account is reported as the
// observation's Problems, never as a failure.
func (b *Bot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	r := &run{bot: b, s: s, rec: rec, l: b.layouts[0], file: b.layouts[0].file, seen: map[string]bool{}}
	return r.do(ctx)
}
