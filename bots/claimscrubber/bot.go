package claimscrubber

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Kind is the bot kind configuration refers to.
const Kind = "claim-scrubber"

// Defaults and limits for Config.
const (
	BatchSizeDefault  = 10
	BatchSizeMax      = 50
	RetriesDefault    = 5
	RetriesMax        = 20
	RetryDelayDefault = 200 * time.Millisecond
	retryDelayMax     = 5 * time.Second
	reloginsMax       = 2
)

// Config configures the bot.
type Config struct {
	// Selectors is the portal layout's selector file (required).
	Selectors *selectors.File
	// BatchSize is how many claim pages one round fetches over the
	// browser session (several at once) before their edits are reported;
	// default 10, at most 50.
	BatchSize int
	// Retries is how many times one request is repeated after a server
	// error (5xx) before the run fails with bots.ErrPortalUnavailable;
	// default 5. Maintenance is never retried.
	Retries int
	// RetryDelay is the wait before the first repeat, doubling after each
	// (at most 5 s); default 200 ms.
	RetryDelay time.Duration
	// Now stamps evidence; default time.Now.
	Now func() time.Time
}

// Bot reads claim scrubber edits. It holds no per-run state and may run
// concurrently on separate sessions.
type Bot struct {
	cfg    Config
	fields map[string][]selectors.Field
}

// New validates cfg against what the bot needs from the selector file.
func New(cfg Config) (*Bot, error) {
	if cfg.Selectors == nil {
		return nil, errors.New("claimscrubber: no selector file")
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = BatchSizeDefault
	}
	if cfg.Retries == 0 {
		cfg.Retries = RetriesDefault
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = RetryDelayDefault
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.BatchSize < 1 || cfg.BatchSize > BatchSizeMax:
		return nil, fmt.Errorf("claimscrubber: batch size %d out of range 1–%d", cfg.BatchSize, BatchSizeMax)
	case cfg.Retries < 0 || cfg.Retries > RetriesMax:
		return nil, fmt.Errorf("claimscrubber: retries %d out of range 0–%d", cfg.Retries, RetriesMax)
	case cfg.RetryDelay < 0:
		return nil, errors.New("claimscrubber: retry delay is negative")
	}
	if err := cfg.Selectors.Require(requiredElements()...); err != nil {
		return nil, fmt.Errorf("claimscrubber: %w", err)
	}
	if err := bots.CheckHTMLReadable(cfg.Selectors, fetchedElements()...); err != nil {
		return nil, fmt.Errorf("claimscrubber: %w", err)
	}
	b := &Bot{cfg: cfg, fields: map[string][]selectors.Field{}}
	for _, g := range []string{groupClaim, groupEdit, groupExport} {
		fs, err := cfg.Selectors.FieldGroup(g)
		if err != nil {
			return nil, fmt.Errorf("claimscrubber: %w", err)
		}
		b.fields[g] = fs
	}
	// Field names must be ClaimEdit's: check now, not on the first edit
	// of a run.
	if err := checkFieldNames(b.fields); err != nil {
		return nil, err
	}
	return b, nil
}

// Kind returns "claim-scrubber".
func (b *Bot) Kind() string { return Kind }

// Run logs in, downloads the CSV export, reads every batch, claim and
// edit, and reports each edit to rec. It stops at the first failure of
// the machinery, after capturing a screenshot of where it was; bad data
// becomes field problems on the observations instead.
func (b *Bot) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	r, err := newRun(b, s, rec)
	if err != nil {
		return err
	}
	return r.do(ctx)
}

// QueueFor is the work queue for an edit's owner team. Registration and
// IT/master-file edits go to revenue integrity until those teams have
// queues of their own; an unknown team does too, so a person sees it.
func QueueFor(owner string) string {
	switch owner {
	case orchestrator.OwnerCoding:
		return orchestrator.QueueCoding
	case orchestrator.OwnerBilling:
		return orchestrator.QueueBilling
	}
	return orchestrator.QueueRevenueIntegrity
}
