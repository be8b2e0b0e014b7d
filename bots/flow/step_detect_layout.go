package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

func init() { RegisterStep("detect_layout", func() Step { return &detectLayoutStep{} }) }

// detectLayoutStep picks the layout whose marker element the page shows,
// trying every layout of the flow; selector file names and their order
// play no part beyond the order markers are tried in. A pack that pins a
// layout, or has one layout without a marker, skips detection.
type detectLayoutStep struct{}

func (s *detectLayoutStep) Check(c *Check) {}

func (s *detectLayoutStep) Run(ctx context.Context, r *Run) error {
	if r.detected || (len(r.Pack.Layouts) == 1 && r.File.Marker == "") {
		return nil
	}
	var tried []string
	layouts := r.Pack.Layouts
	for _, l := range layouts {
		if len(r.Flow.Layouts) > 0 && !contains(r.Flow.Layouts, l.Version) {
			continue
		}
		var m bots.Match
		err := r.S.Step(ctx, "detect layout "+l.Version, func(p *rod.Page) error {
			var err error
			m, err = bots.FindElementNow(p, l, l.Marker)
			return err
		})
		switch {
		case err == nil:
			r.File, r.detected = l, true
			r.Rec.SelectorUsed(l.Portal, l.Marker, m.Index)
			return nil
		case !errors.Is(err, &bots.SelectorMissError{}):
			return r.Fail(ctx, "", fmt.Errorf("flow: detect layout: %w", err))
		}
		e, _ := l.Element(l.Marker)
		for _, t := range e.Tried() {
			tried = append(tried, l.Version+" "+t)
		}
	}
	last := layouts[len(layouts)-1]
	r.Rec.SelectorUsed(last.Portal, last.Marker, -1)
	return r.Fail(ctx, "", fmt.Errorf("flow: no known layout: %w", &bots.SelectorMissError{
		Portal: last.Portal, Version: last.Version, Element: last.Marker, Tried: tried,
	}))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
