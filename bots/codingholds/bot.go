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
)

// Field groups the bot reads from the selector file.
const (
	groupDetail     = "detail"
	groupHoldReason = "hold_reason"
	groupQuery      = "query"
)

// Elements the bot needs from the selector file.
const (
	elLoginUsername     = "login_username"
	elLoginPassword     = "login_password"
	elLoginSubmit       = "login_submit"
	elLoginError        = "login_error"
	elWorklistTable     = "worklist_table"
	elWorklistRows      = "worklist_rows"
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
		elLoginUsername, elLoginPassword, elLoginSubmit, elLoginError, elWorklistTable, elWorklistRows,
		elRowLink, elNextPage, elWorklistEmpty, elDetailFieldRows, elFieldLabel, elFieldValue, elHoldReasonHeaders,
		elHoldReasonRows, elTableCell, elQueryFieldRows, elDeficiencyItems,
	}
}

// ErrPortalUnavailable marks a portal that answered 5xx (maintenance,
// overload). It is a machinery failure the task layer retries.
var ErrPortalUnavailable = errors.New("codingholds: portal unavailable")

// ErrLoginRejected marks credentials the portal refused. Retrying does not
// help; someone has to fix the credentials.
var ErrLoginRejected = errors.New("codingholds: portal rejected the login")

// ErrSessionLost marks a portal session that ended mid-run (the portal
// sent the bot back to its login form).
var ErrSessionLost = errors.New("codingholds: portal session ended")

//go:embed list.js
var listJS string

//go:embed details.js
var detailsJS string

// Config configures the bot.
type Config struct {
	// Selectors is the portal layout's selector file (required).
	Selectors *selectors.File
	// Queue receives the observations; default orchestrator.QueueCoding.
	Queue string
	// BatchSize is how many detail pages one in-page evaluation fetches
	// concurrently; default 10, at most 50.
	BatchSize int
	// Now stamps evidence; default time.Now.
	Now func() time.Time
}

// Bot reads coding holds. It holds no per-run state and may run
// concurrently on separate sessions.
type Bot struct {
	cfg    Config
	fields map[string][]selectors.Field
}

// New validates cfg against what the bot needs from the selector file.
func New(cfg Config) (*Bot, error) {
	if cfg.Selectors == nil {
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
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := cfg.Selectors.Require(requiredElements()...); err != nil {
		return nil, fmt.Errorf("codingholds: %w", err)
	}
	b := &Bot{cfg: cfg, fields: map[string][]selectors.Field{}}
	for _, g := range []string{groupDetail, groupHoldReason, groupQuery} {
		fs, err := cfg.Selectors.FieldGroup(g)
		if err != nil {
			return nil, fmt.Errorf("codingholds: %w", err)
		}
		b.fields[g] = fs
	}
	// Field names must be CodingHold's: check now, not on the first
	// account of a run.
	if err := checkFieldNames(b.fields); err != nil {
		return nil, err
	}
	return b, nil
}

// Kind returns "coding-holds".
func (b *Bot) Kind() string { return Kind }

// Run logs in, reads every worklist page and every account on it, and
// reports each account to rec. It stops at the first failure, after
// capturing a screenshot of where it was.
func (b *Bot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	r := &run{bot: b, s: s, rec: rec, file: b.cfg.Selectors, seen: map[string]bool{}}
	return r.do(ctx)
}
