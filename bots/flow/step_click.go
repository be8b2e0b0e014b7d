package flow

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

func init() { RegisterStep("click", func() Step { return &clickStep{} }) }

// clickStep clicks an element and waits for the page it leads to; then,
// with wait, for any of those elements (else the page is unexpected).
type clickStep struct {
	Element string   `yaml:"element"`
	Wait    []string `yaml:"wait"`
}

func (s *clickStep) Check(c *Check) {
	c.Required("element", s.Element)
	c.Element(s.Element)
	c.Element(s.Wait...)
}

func (s *clickStep) Run(ctx context.Context, r *Run) error {
	var status int
	err := r.S.Step(ctx, "click "+s.Element, func(p *rod.Page) error {
		var err error
		status, err = bots.Click(p, r.File, s.Element, r.Used)
		return err
	})
	if err != nil {
		return r.Fail(ctx, "", r.missOr(err, s.Element))
	}
	if status >= 500 {
		return r.Fail(ctx, "", fmt.Errorf("%w: clicking %s led to HTTP %d", bots.ErrPortalUnavailable, s.Element, status))
	}
	if len(s.Wait) == 0 {
		return nil
	}
	_, err = r.WaitAny(ctx, "after clicking "+s.Element, s.Wait)
	return err
}

// missOr reports a selector miss on element (as the recorder's -1) and
// returns err.
func (r *Run) missOr(err error, element string) error {
	if _, ok := err.(*bots.SelectorMissError); ok {
		r.Rec.SelectorUsed(r.File.Portal, element, -1)
	}
	return err
}
