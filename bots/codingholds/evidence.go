package codingholds

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

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

// failOnDetail opens the page the bot could not read in the browser,
// screenshots it, then returns err.
func (r *run) failOnDetail(ctx context.Context, row listRow, u string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	// One attempt, no retries: the page is opened only to show it.
	nerr := r.s.Step(ctx, "open the account page of "+row.Where+" for a screenshot", func(p *rod.Page) error {
		if err := p.Navigate(u); err != nil {
			return err
		}
		return p.WaitLoad()
	})
	if nerr != nil {
		return fmt.Errorf("%w (and opening the page for a screenshot failed: %w)", err, nerr)
	}
	return r.fail(ctx, row.Text, err)
}
