package bots

import (
	"context"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

// Shoot screenshots the session's page and stores it as evidence
// described by c (Purpose, Bot, ItemRef, SelectorVersion, CapturedAt);
// Shoot fills in the content, kind and URL. When rec's evidence policy
// would drop a screenshot taken for c.Purpose, nothing is taken and the
// zero Evidence is returned: a full-page screenshot is the most expensive
// thing a bot asks of the browser.
func Shoot(ctx context.Context, s *Session, rec Recorder, c orchestrator.EvidenceCapture) (orchestrator.Evidence, []byte, error) {
	if !rec.KeepsScreenshot(c.Purpose) {
		return orchestrator.Evidence{}, nil, nil
	}
	png, err := s.Screenshot(ctx)
	if err != nil {
		return orchestrator.Evidence{}, nil, err
	}
	if c.URL, err = s.URL(ctx); err != nil {
		return orchestrator.Evidence{}, nil, err
	}
	c.Kind, c.MediaType, c.Content = orchestrator.EvidenceScreenshot, "image/png", png
	ev, err := rec.Capture(ctx, c)
	return ev, png, err
}

// FailureShot screenshots where a run failed, attaches the screenshot to a
// selector miss, and returns err. A run that was cancelled gets no
// screenshot: the browser is going away.
func FailureShot(ctx context.Context, s *Session, rec Recorder, c orchestrator.EvidenceCapture, err error) error {
	if ctx.Err() != nil {
		return err
	}
	c.Purpose = orchestrator.PurposeFailure
	ev, png, serr := Shoot(ctx, s, rec, c)
	if serr != nil {
		return fmt.Errorf("%w (and the failure screenshot failed: %w)", err, serr)
	}
	var miss *SelectorMissError
	if errors.As(err, &miss) {
		miss.Evidence, miss.Screenshot = ev.ID, png
	}
	return err
}
