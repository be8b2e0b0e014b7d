package flow

import (
	"context"
	"errors"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

func init() { RegisterStep("wait", func() Step { return &waitStep{} }) }

// waitStep waits for any of several elements and stores which one showed
// in vars.<as> (default vars.shown), for later steps' conditions. A page
// that shows none of them, nor a login form or the maintenance page, is
// unexpected: the run fails with a screenshot, the redacted address and
// the title.
type waitStep struct {
	Any []string `yaml:"any"`
	As  string   `yaml:"as"`
}

func (s *waitStep) Check(c *Check) {
	if len(s.Any) == 0 {
		c.Errorf("wait needs any: the elements to wait for")
	}
	c.Element(s.Any...)
}

func (s *waitStep) Run(ctx context.Context, r *Run) error {
	name, err := r.WaitAny(ctx, "wait", s.Any)
	if err != nil {
		return err
	}
	as := s.As
	if as == "" {
		as = "shown"
	}
	r.Vars[as] = name
	return nil
}

// WaitAny waits (up to the step deadline) for any of elements and returns
// the one found. Neither those nor a known error page is an unexpected
// page; the maintenance page is bots.ErrMaintenance.
func (r *Run) WaitAny(ctx context.Context, what string, elements []string) (string, error) {
	look := append([]string{}, elements...)
	if r.Pack.Maintenance != "" {
		look = append(look, r.Pack.Maintenance)
	}
	var m bots.Match
	err := r.S.Step(ctx, what, func(p *rod.Page) error {
		var err error
		m, err = bots.FindElement(p, r.File, look...)
		return err
	})
	if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
		return "", r.Unexpected(ctx, what, elements)
	}
	if err != nil {
		return "", r.Fail(ctx, "", err)
	}
	r.Used(m)
	if m.Name == r.Pack.Maintenance && !contains(elements, m.Name) {
		return "", r.Fail(ctx, "", errors.Join(bots.ErrMaintenance, errors.New(what+": the portal shows its maintenance page")))
	}
	return m.Name, nil
}
