package flow

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

func init() { RegisterStep("select", func() Step { return &selectStep{} }) }

// selectStep chooses the option of a select element whose visible text is
// option (a template: a facility picker's "All facilities", a queue
// name). It reads the selection first and changes it only when another
// option is chosen; an option the list does not offer fails the run. The
// choice leads nowhere by itself, so no navigation is awaited.
type selectStep struct {
	Element string `yaml:"element"`
	Option  string `yaml:"option"`
}

func (s *selectStep) Check(c *Check) {
	c.Required("element", s.Element)
	c.Required("option", s.Option)
	c.Element(s.Element)
	c.Template(s.Option)
}

func (s *selectStep) Run(ctx context.Context, r *Run) error {
	t, err := parseTemplate(s.Option)
	if err != nil {
		return r.Fail(ctx, "", fmt.Errorf("flow: select %s: %w", s.Element, err))
	}
	option, err := t.render(r.Env())
	if err != nil {
		return r.Fail(ctx, "", fmt.Errorf("flow: select %s: %w", s.Element, err))
	}
	err = r.S.Step(ctx, "select in "+s.Element, func(p *rod.Page) error {
		m, err := bots.FindElement(p, r.File, s.Element)
		if err != nil {
			return err
		}
		r.Used(m)
		v, err := m.Element.Eval(`function (want) {
			const o = [...this.options].find((o) => o.text.trim() === want);
			if (!o) return "missing";
			if (o.selected) return "kept";
			o.selected = true;
			this.dispatchEvent(new Event("input", { bubbles: true }));
			this.dispatchEvent(new Event("change", { bubbles: true }));
			return "chosen";
		}`, option)
		if err != nil {
			return fmt.Errorf("select in %s: %w", s.Element, err)
		}
		if v.Value.Str() == "missing" {
			// The option's text is configuration, not PHI; it is named.
			return fmt.Errorf("flow: %s offers no option %q", s.Element, option)
		}
		return nil
	})
	if err != nil {
		return r.Fail(ctx, "", r.missOr(err, s.Element))
	}
	return nil
}
