package flow

import (
	"context"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

func init() { RegisterStep("screenshot", func() Step { return &screenshotStep{} }) }

// screenshotStep is an evidence point: a screenshot of the page, taken
// only when the bot's evidence policy keeps screenshots of its purpose
// (read, the default; before and after an action; failure).
type screenshotStep struct {
	Purpose string `yaml:"purpose"`
}

func (s *screenshotStep) Check(c *Check) {
	switch s.Purpose {
	case "", orchestrator.PurposeRead, orchestrator.PurposeFailure, orchestrator.PurposeBefore, orchestrator.PurposeAfter:
	default:
		c.Errorf("purpose %q: want read, before, after or failure", s.Purpose)
	}
}

func (s *screenshotStep) Run(ctx context.Context, r *Run) error {
	c := r.Evidence("")
	c.Purpose = s.Purpose
	_, _, err := bots.Shoot(ctx, r.S, r.Rec, c)
	return err
}
