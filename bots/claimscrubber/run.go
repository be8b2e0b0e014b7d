package claimscrubber

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// run is one Run's state.
type run struct {
	bot    *Bot
	s      *bots.Session
	rec    bots.Recorder
	file   *selectors.File
	base   *url.URL
	start  string
	export *exportSet
	seen   map[string]bool // edits observed this run, by external id
	// badClaims are the claim ids (whitespace collapsed) that cannot
	// identify a record, handed to intake once (badClaim); their edits
	// are not observed.
	badClaims map[string]bool
	relogins  int
}

func newRun(b *Bot, s *bots.Session, rec bots.Recorder) (*run, error) {
	base, err := url.Parse(s.Target.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, errors.New("claimscrubber: target base URL is not an absolute URL")
	}
	return &run{
		bot: b, s: s, rec: rec, file: b.cfg.Selectors, base: base,
		start: base.ResolveReference(&url.URL{Path: b.cfg.Selectors.Start}).String(),
		seen:  map[string]bool{}, badClaims: map[string]bool{},
	}, nil
}

func (r *run) do(ctx context.Context) error {
	if err := r.login(ctx); err != nil {
		return r.fail(ctx, "", err)
	}
	if err := r.readExport(ctx); err != nil {
		return err
	}
	if err := r.readBatches(ctx); err != nil {
		return err
	}
	return r.observeExportOnly(ctx)
}

// open navigates to u, repeating the request after a server error. It
// fails with bots.ErrMaintenance on the maintenance page and with
// bots.ErrPortalUnavailable when the retries run out; the caller captures
// the failure screenshot.
func (r *run) open(ctx context.Context, what, u string) error {
	for attempt := 0; ; attempt++ {
		var status int
		var maintenance bool
		err := r.s.Step(ctx, "open "+what, func(p *rod.Page) error {
			if err := p.Navigate(u); err != nil {
				return err
			}
			if err := p.WaitLoad(); err != nil {
				return err
			}
			var err error
			if status, err = bots.NavigationStatus(p); err != nil {
				return err
			}
			if status >= 500 {
				maintenance = r.onMaintenancePage(p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if retry, err := r.judge(ctx, what, status, maintenance, attempt); !retry {
			return err
		}
	}
}

// openPage opens a page of the signed-in portal. When the portal shows its
// login form instead (the session ended), it signs in again and reopens
// the page.
func (r *run) openPage(ctx context.Context, what, u string) error {
	for {
		if err := r.open(ctx, what, u); err != nil {
			return err
		}
		var lost bool
		err := r.s.Step(ctx, "check session on "+what, func(p *rod.Page) error {
			_, err := bots.FindElementNow(p, r.file, elLoginUsername)
			lost = err == nil
			if errors.Is(err, &bots.SelectorMissError{}) {
				return nil
			}
			return err
		})
		if err != nil || !lost {
			return err
		}
		if err := r.relogin(ctx, what); err != nil {
			return err
		}
	}
}

// judge decides what an answer with status means: done (retry false, nil),
// a failure (retry false, err), or another attempt after a backoff.
func (r *run) judge(ctx context.Context, what string, status int, maintenance bool, attempt int) (retry bool, err error) {
	switch {
	case maintenance:
		return false, fmt.Errorf("claimscrubber: %s: %w", what, bots.ErrMaintenance)
	case status >= 500 && attempt < r.bot.cfg.Retries:
		return true, r.backoff(ctx, attempt)
	case status >= 500:
		return false, fmt.Errorf("claimscrubber: %s answered HTTP %d %d times: %w", what, status, attempt+1, bots.ErrPortalUnavailable)
	case status >= 400:
		return false, fmt.Errorf("claimscrubber: %s answered HTTP %d", what, status)
	}
	return false, nil
}

// backoff waits before attempt+1: RetryDelay doubled per attempt, capped.
func (r *run) backoff(ctx context.Context, attempt int) error {
	return bots.Backoff(ctx, r.bot.cfg.RetryDelay, retryDelayMax, attempt)
}

func (r *run) onMaintenancePage(p *rod.Page) bool {
	m, err := bots.FindElementNow(p, r.file, elMaintenance)
	if err == nil {
		r.rec.SelectorUsed(r.file.Portal, elMaintenance, m.Index)
	}
	return err == nil
}

func (r *run) miss(element string) *bots.SelectorMissError {
	e, _ := r.file.Element(element)
	return &bots.SelectorMissError{Portal: r.file.Portal, Element: element, Tried: e.Tried()}
}

// evidence describes a capture of the page for item ("" for a list page).
func (r *run) evidence(item string) orchestrator.EvidenceCapture {
	return orchestrator.EvidenceCapture{Bot: Kind, ItemRef: item, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now()}
}

// screenshot captures the whole page as evidence for item ("" for a list
// page), when the evidence policy keeps such screenshots.
func (r *run) screenshot(ctx context.Context, item string) error {
	_, _, err := bots.Shoot(ctx, r.s, r.rec, r.evidence(item))
	return err
}

// fail captures a screenshot of where the run failed, then returns err; a
// selector miss carries the screenshot.
func (r *run) fail(ctx context.Context, item string, err error) error {
	return bots.FailureShot(ctx, r.s, r.rec, r.evidence(item), err)
}

// failAt opens u in the browser (the page a fetch could not use) so the
// failure screenshot shows it, then fails with err.
func (r *run) failAt(ctx context.Context, item, what, u string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	if oerr := r.open(ctx, what, u); oerr != nil && !errors.Is(oerr, bots.ErrMaintenance) && !errors.Is(oerr, bots.ErrPortalUnavailable) {
		return fmt.Errorf("%w (and opening the page for a screenshot failed: %w)", err, oerr)
	}
	return r.fail(ctx, item, err)
}

func sameOrigin(u string, base *url.URL) bool {
	a, err := url.Parse(u)
	return err == nil && a.Scheme == base.Scheme && a.Host == base.Host
}
