package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/bots"
)

// SignIn signs in from the page the browser shows (the start page or the
// login form a lapsed session was sent to) with the pack's recipe,
// retrying server errors: each retry opens the start page again. The
// recipe's after steps (interstitials) run after each sign-in.
func (r *Run) SignIn(ctx context.Context) error {
	si := r.Pack.SignIn
	if si == nil {
		return errors.New("flow: the pack has no sign_in recipe")
	}
	form := bots.SignInForm{Username: si.Username, Password: si.Password, Submit: si.Submit,
		OTP: si.OTP, OTPSubmit: si.OTPSubmit, Error: si.Error, SignedIn: si.SignedIn}
	for attempt := 0; ; attempt++ {
		err := bots.SignIn(ctx, r.S, r.File, form, r.Used)
		if err == nil {
			r.signedIn = true
			return r.steps(ctx, si.After)
		}
		var miss *bots.SelectorMissError
		if errors.As(err, &miss) && miss.Element != si.Username && ctx.Err() == nil {
			// The form was sent, but the page it led to shows neither a
			// second factor, a rejection nor a signed-in page: a page
			// the recipe does not know (an undeclared interstitial), not
			// a broken selector.
			expected := append([]string{si.OTP, si.Error}, si.SignedIn...)
			return r.Unexpected(ctx, "after sign-in", expected)
		}
		if !errors.Is(err, bots.ErrTransient) {
			return err
		}
		if attempt >= r.bot.cfg.Retries {
			return fmt.Errorf("%w: sign-in kept failing: %w", bots.ErrPortalUnavailable, err)
		}
		if err := r.Backoff(ctx, attempt); err != nil {
			return err
		}
		start, err := r.Start()
		if err != nil {
			return err
		}
		if err := r.Open(ctx, "start page", start); err != nil {
			return err
		}
	}
}

// Relogin signs in again after the portal ended the session, at most
// Config.Relogins times per run.
func (r *Run) Relogin(ctx context.Context) error {
	if r.relogins >= r.bot.cfg.Relogins {
		return fmt.Errorf("%w: the portal ended the session %d times", bots.ErrSessionLost, r.relogins+1)
	}
	r.relogins++
	start, err := r.Start()
	if err != nil {
		return err
	}
	if err := r.Open(ctx, "start page", start); err != nil {
		return err
	}
	return r.SignIn(ctx)
}

// loginElements are the elements of a login step, which tell a step that
// the portal ended the session.
func (r *Run) loginElements() []string {
	if r.Pack.SignIn == nil {
		return nil
	}
	var out []string
	for _, e := range []string{r.Pack.SignIn.Username, r.Pack.SignIn.OTP} {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}
