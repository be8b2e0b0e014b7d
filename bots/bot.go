package bots

import (
	"context"

	"github.com/docket-rpa/docket/orchestrator"
)

// Bot is one kind of portal automation. Run drives the session's page
// through the portal and reports what it reads to rec; it returns an error
// only when the machinery failed (portal down, selector missing, deadline),
// never for a business outcome.
type Bot interface {
	// Kind is the name configuration refers to, e.g. "coding-holds".
	Kind() string
	Run(ctx context.Context, s *Session, rec Recorder) error
}

// Recorder receives what a bot reads while it runs. It is implemented by
// the task handler, which upserts observations into the work queue, stores
// evidence and reports progress.
type Recorder interface {
	// Observe records one work item as read from the portal.
	Observe(ctx context.Context, obs orchestrator.Observation) error
	// Capture stores an artefact (a screenshot) as evidence.
	Capture(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error)
	// KeepsScreenshot reports whether a screenshot taken for purpose
	// (orchestrator.PurposeRead, ...) would be kept by the bot's evidence
	// policy; bots skip the routine screenshots the policy drops.
	KeepsScreenshot(purpose string) bool
	// PageRead counts one portal page read.
	PageRead(ctx context.Context) error
	// SelectorUsed reports which candidate of a selector element matched
	// (index from 0), or -1 when every candidate missed. It feeds the
	// "which fallback matched" metric.
	SelectorUsed(portal, element string, index int)
}

// Target is the portal a run drives and the credentials to log in with.
// Credentials never leave the worker: not in task payloads, logs or errors.
type Target struct {
	Portal     string // portal key, e.g. "coding-worklist"
	BaseURL    string // e.g. "http://127.0.0.1:8089"
	Username   string
	Password   string
	TOTPSecret string // base32 TOTP secret for a second factor; empty if none
	// UserAgent overrides the pool's user agent for this portal.
	UserAgent string
	// Block lists resource kinds the portal's pages load that the bot may
	// skip: "images", "fonts", "media", "analytics". Blocked images also
	// vanish from screenshots, so block them only where evidence allows.
	Block []string
}

// String omits the credentials.
func (t Target) String() string { return t.Portal + " at " + t.BaseURL }
