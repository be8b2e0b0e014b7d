package codingholds

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// screenshot captures the whole page as evidence for item ("" for a list
// page).
func (r *run) screenshot(ctx context.Context, item string) error {
	_, _, err := r.shoot(ctx, item, orchestrator.PurposeRead)
	return err
}

func (r *run) shoot(ctx context.Context, item, purpose string) (orchestrator.Evidence, []byte, error) {
	png, err := r.s.Screenshot(ctx)
	if err != nil {
		return orchestrator.Evidence{}, nil, err
	}
	u, err := r.s.URL(ctx)
	if err != nil {
		return orchestrator.Evidence{}, nil, err
	}
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Purpose: purpose, Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png", Content: png, URL: u,
		Bot: Kind, ItemRef: item, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	return ev, png, err
}

// fail captures a screenshot of where the run failed, then returns err; a
// selector miss carries the screenshot. A run that was cancelled gets no
// screenshot: the browser is going away.
func (r *run) fail(ctx context.Context, item string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	ev, png, serr := r.shoot(ctx, item, orchestrator.PurposeFailure)
	if serr != nil {
		return fmt.Errorf("%w (and the failure screenshot failed: %w)", err, serr)
	}
	var miss *bots.SelectorMissError
	if errors.As(err, &miss) {
		miss.Evidence, miss.Screenshot = ev.ID, png
	}
	return err
}

// failOnDetail opens the page the bot could not read in the browser,
// screenshots it, then returns err.
func (r *run) failOnDetail(ctx context.Context, acct, u string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	// One attempt, no retries: the page is opened only to show it.
	nerr := r.s.Step(ctx, "open account "+acct+" for a screenshot", func(p *rod.Page) error {
		if err := p.Navigate(u); err != nil {
			return err
		}
		return p.WaitLoad()
	})
	if nerr != nil {
		return fmt.Errorf("%w (and opening the page for a screenshot failed: %w)", err, nerr)
	}
	return r.fail(ctx, acct, err)
}
