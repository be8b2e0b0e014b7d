package flow

import "context"

func init() { RegisterStep("sign_in", func() Step { return &signInStep{} }) }

// signInStep signs in with the pack's sign-in recipe (pack.yaml sign_in):
// password, second factor when asked, then the recipe's interstitial
// steps. Credentials come from the run's target (the vault).
type signInStep struct{}

func (s *signInStep) Check(c *Check) {
	if c.Pack().SignIn == nil {
		c.Errorf("the pack has no sign_in recipe in pack.yaml")
	}
}

func (s *signInStep) Run(ctx context.Context, r *Run) error {
	if err := r.SignIn(ctx); err != nil {
		return r.Fail(ctx, "", err)
	}
	return nil
}
