package flow

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/docket-rpa/docket/bots"
)

func init() { RegisterStep("check", func() Step { return &checkStep{} }) }

// checkStep ticks a checkbox (an "I accept the terms" box), or unticks it
// with checked: false. It reads the box first and clicks only when it is
// not as wanted, then reads it again: a box that does not follow the click
// fails the run. The click leads nowhere, so no navigation is awaited.
type checkStep struct {
	Element string `yaml:"element"`
	Checked *bool  `yaml:"checked"`
}

func (s *checkStep) Check(c *Check) {
	c.Required("element", s.Element)
	c.Element(s.Element)
}

func (s *checkStep) want() bool { return s.Checked == nil || *s.Checked }

func (s *checkStep) Run(ctx context.Context, r *Run) error {
	err := r.S.Step(ctx, "check "+s.Element, func(p *rod.Page) error {
		m, err := bots.FindElement(p, r.File, s.Element)
		if err != nil {
			return err
		}
		r.Used(m)
		for attempt := 0; ; attempt++ {
			v, err := m.Element.Property("checked")
			if err != nil {
				return fmt.Errorf("read %s: %w", s.Element, err)
			}
			if v.Bool() == s.want() {
				return nil
			}
			if attempt > 0 {
				return fmt.Errorf("flow: %s did not become checked=%v when clicked", s.Element, s.want())
			}
			if err := m.Element.Click(proto.InputMouseButtonLeft, 1); err != nil {
				return fmt.Errorf("click %s: %w", s.Element, err)
			}
		}
	})
	if err != nil {
		return r.Fail(ctx, "", r.missOr(err, s.Element))
	}
	return nil
}
