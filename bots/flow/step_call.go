package flow

import (
	"context"
	"fmt"
)

func init() { RegisterStep("call", func() Step { return &callStep{} }) }

// callStepDepthMax bounds sub-flow nesting, so flows that call each other
// end with an error instead of a stack overflow.
const callStepDepthMax = 8

// callStep runs a named sub-flow of the pack (a flow file without a
// kind, reused by several flows) on the same run.
type callStep struct {
	Flow string `yaml:"flow"`
}

func (s *callStep) Check(c *Check) {
	c.Required("flow", s.Flow)
	if s.Flow != "" {
		c.Flow(s.Flow)
	}
}

func (s *callStep) Run(ctx context.Context, r *Run) error {
	f, ok := r.Pack.Flows[s.Flow]
	if !ok {
		return fmt.Errorf("flow: no sub-flow %q", s.Flow)
	}
	if r.depth >= callStepDepthMax {
		return fmt.Errorf("flow: sub-flow %s: flows call each other more than %d deep", s.Flow, callStepDepthMax)
	}
	r.depth++
	defer func() { r.depth-- }()
	return r.steps(ctx, f.Steps)
}
