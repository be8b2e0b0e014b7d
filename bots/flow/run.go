package flow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Run is one run of a flow: what steps work with.
type Run struct {
	bot  *Bot
	S    *bots.Session
	Rec  bots.Recorder
	Pack *Pack
	Flow *Flow
	// File is the layout the portal serves, once detected (before, the
	// first layout, or the pinned one).
	File *selectors.File
	// Vars are values steps stored (exprs see them as vars).
	Vars map[string]any
	// Row is the list row being read, if any (exprs see it as row).
	Row map[string]any

	detected bool
	signedIn bool
	seen     map[string]bool // records already observed this run, by key
	relogins int
	depth    int // sub-flow nesting
}

// Env is what exprs and templates see.
func (r *Run) Env() map[string]any {
	layout := map[string]any{"version": r.File.Version}
	cfg := r.bot.cfg.Vars
	if cfg == nil {
		cfg = map[string]any{}
	}
	row := r.Row
	if row == nil {
		row = map[string]any{}
	}
	return map[string]any{"config": cfg, "layout": layout, "row": row, "vars": r.Vars, "page": map[string]any{}}
}

// steps runs steps in order: a step whose condition is false is skipped,
// an optional step whose element is missing too.
func (r *Run) steps(ctx context.Context, steps Steps) error {
	for _, e := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("flow: %w", err)
		}
		if e.cond != nil {
			ok, err := truthy(e.cond, r.Env())
			if err != nil {
				return fmt.Errorf("flow: %s: if: %w", e.Label(), err)
			}
			if !ok {
				continue
			}
		}
		err := e.Step.Run(ctx, r)
		if err != nil && e.Optional && errors.Is(err, &bots.SelectorMissError{}) {
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Abs resolves a path on the portal against the target's base URL.
func (r *Run) Abs(p string) (string, error) {
	base, err := url.Parse(r.S.Target.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return "", errors.New("flow: target base URL is not an absolute URL")
	}
	ref, err := url.Parse(p)
	if err != nil {
		return "", fmt.Errorf("flow: bad path: %w", err)
	}
	return base.ResolveReference(ref).String(), nil
}

// Start is the absolute address of the layout's start page.
func (r *Run) Start() (string, error) { return r.Abs(r.File.Start) }

// Retries are the bot's retry settings.
func (r *Run) Retries() bots.Retries {
	return bots.Retries{Retries: r.bot.cfg.Retries, Backoff: r.bot.cfg.Backoff, Max: BackoffMax}
}

// Open navigates to u, retrying server errors with backoff; a maintenance
// page ends the run at once.
func (r *Run) Open(ctx context.Context, what, u string) error {
	return bots.Open(ctx, r.S, r.File, r.Pack.Maintenance, what, u, r.Retries(), r.Used)
}

// Backoff waits before retry number attempt+1.
func (r *Run) Backoff(ctx context.Context, attempt int) error {
	return bots.Backoff(ctx, r.bot.cfg.Backoff, BackoffMax, attempt)
}

// Used reports which candidate of a found element matched.
func (r *Run) Used(m bots.Match) {
	if m.Name != "" {
		r.Rec.SelectorUsed(r.File.Portal, m.Name, m.Index)
	}
}

// UsedMap reports matched candidates by element.
func (r *Run) UsedMap(matched map[string]int) {
	for name, i := range matched {
		r.Rec.SelectorUsed(r.File.Portal, name, i)
	}
}

// Miss builds the error for an element no candidate matched and reports
// the miss.
func (r *Run) Miss(element string) *bots.SelectorMissError {
	e, _ := r.File.Element(element)
	r.Rec.SelectorUsed(r.File.Portal, element, -1)
	return &bots.SelectorMissError{Portal: r.File.Portal, Version: r.File.Version, Element: element, Tried: e.Tried()}
}

// Evidence describes a capture of the page for item ("" for a list
// page). Its SelectorVersion names the layout and the pack version the
// run ran (VersionLabel), so every piece of evidence, its bundle and the
// run page say which version of the automation produced it.
func (r *Run) Evidence(item string) orchestrator.EvidenceCapture {
	return orchestrator.EvidenceCapture{Bot: r.bot.cfg.Name, ItemRef: item, SelectorVersion: r.VersionLabel(), CapturedAt: r.bot.cfg.Now()}
}

// VersionLabel is "v2 pack coding-worklist@b1b057da1931": the layout,
// the pack and the first 12 hex digits of its version.
func (r *Run) VersionLabel() string {
	return VersionLabel(r.File.Version, r.Pack)
}

// VersionLabel is what evidence records as its selector version: the
// layout, the pack and its version's first 12 hex digits.
func VersionLabel(layout string, p *Pack) string {
	v := p.Version
	if len(v) > 12 {
		v = v[:12]
	}
	return layout + " pack " + p.Name + "@" + v
}

// LayoutOf is the layout part of a VersionLabel.
func LayoutOf(label string) string {
	l, _, _ := strings.Cut(label, " ")
	return l
}

// Screenshot captures the page as evidence for item when the evidence
// policy keeps such screenshots.
func (r *Run) Screenshot(ctx context.Context, item string) error {
	_, _, err := bots.Shoot(ctx, r.S, r.Rec, r.Evidence(item))
	return err
}

// Fail captures a screenshot of where the run failed, then returns err.
// An error that already has its screenshot (from a Fail deeper down) gets
// no second one.
func (r *Run) Fail(ctx context.Context, item string, err error) error {
	var shot *shotError
	if errors.As(err, &shot) {
		return err
	}
	return &shotError{bots.FailureShot(ctx, r.S, r.Rec, r.Evidence(item), err)}
}

// shotError is an error whose failure screenshot was taken.
type shotError struct{ err error }

func (e *shotError) Error() string { return e.err.Error() }
func (e *shotError) Unwrap() error { return e.err }

// ErrUnexpectedPage marks a page that shows neither the elements a step
// expected nor a known error (login form, maintenance, a server error).
var ErrUnexpectedPage = errors.New("flow: unexpected page")

// Unexpected fails the run on a page it did not expect: the error names
// the step, the page's redacted address and its title, and the failure
// screenshot is taken.
func (r *Run) Unexpected(ctx context.Context, what string, expected []string) error {
	var u, title string
	_ = r.S.Step(ctx, "describe the page", func(p *rod.Page) error {
		info, err := p.Info()
		if err == nil {
			u, title = info.URL, info.Title
		}
		return err
	})
	// Titles may name an account or a patient: digits go, and the rest
	// is cut short.
	title = digits.ReplaceAllString(title, "…")
	if len(title) > 60 {
		title = title[:60] + "…"
	}
	var names []string
	for _, e := range expected {
		if e != "" {
			names = append(names, e)
		}
	}
	err := fmt.Errorf("%w: %s: the page shows none of %s (%s, title %q)", ErrUnexpectedPage, what, strings.Join(names, ", "), orchestrator.RedactURL(u), title)
	return r.Fail(ctx, "", err)
}

var digits = regexp.MustCompile(`[0-9]+`)

// OnErrorPage reports whether the browser shows a page the portal
// answered with a server error.
func (r *Run) OnErrorPage(ctx context.Context) bool {
	var status int
	err := r.S.Step(ctx, "read page status", func(p *rod.Page) error {
		var err error
		status, err = bots.NavigationStatus(p)
		return err
	})
	return err == nil && (status >= 500 || status == 0)
}
