package flow

import (
	"context"
	"fmt"

	"github.com/expr-lang/expr/vm"
)

func init() { RegisterStep("repeat", func() Step { return &repeatStep{} }) }

// repeatStep runs its steps again while a condition holds, at most max
// times (a bounded loop). Reaching max while the condition still holds
// fails the run: a loop that did not finish read less than it should.
type repeatStep struct {
	While string `yaml:"while"`
	Max   int    `yaml:"max"`
	Steps Steps  `yaml:"steps"`
	cond  *vm.Program
}

func (s *repeatStep) Nested() []Steps { return []Steps{s.Steps} }

func (s *repeatStep) Check(c *Check) {
	c.Required("while", s.While)
	if s.Max < 1 {
		c.Errorf("max must be at least 1 (loops are bounded)")
	}
	if len(s.Steps) == 0 {
		c.Errorf("steps is empty")
	}
	s.cond = c.Expr(s.While)
}

func (s *repeatStep) Run(ctx context.Context, r *Run) error {
	for i := 0; ; i++ {
		ok, err := truthy(s.cond, r.Env())
		if err != nil {
			return fmt.Errorf("flow: repeat: while: %w", err)
		}
		if !ok {
			return nil
		}
		if i >= s.Max {
			return r.Fail(ctx, "", fmt.Errorf("flow: repeat: still %q after %d rounds (max)", s.While, s.Max))
		}
		if err := r.steps(ctx, s.Steps); err != nil {
			return err
		}
	}
}
