package codingholds

import (
	"context"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/bots"
)

// signIn signs in from the page the browser shows (the start page or the
// login form a lapsed session was sent to), retrying server errors: each
// retry opens the start page again, where the portal shows whichever
// login step is still due.
func (r *run) signIn(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := r.login(ctx)
		if !errors.Is(err, bots.ErrTransient) {
			return err
		}
		if attempt >= r.bot.cfg.Retries {
			return fmt.Errorf("%w: sign-in kept failing: %w", bots.ErrPortalUnavailable, err)
		}
		if err := r.backoff(ctx, attempt); err != nil {
			return err
		}
		if err := r.open(ctx, "start page", r.start); err != nil {
			return err
		}
	}
}

// relogin signs in again after the portal ended the session, at most
// Relogins times per run.
func (r *run) relogin(ctx context.Context) error {
	if r.relogins >= r.bot.cfg.Relogins {
		return fmt.Errorf("%w: the portal ended the session %d times", bots.ErrSessionLost, r.relogins+1)
	}
	r.relogins++
	if err := r.open(ctx, "start page", r.start); err != nil {
		return err
	}
	return r.signIn(ctx)
}

// login walks the login steps the page shows: password, then the TOTP
// second factor when asked.
func (r *run) login(ctx context.Context) error {
	return bots.SignIn(ctx, r.s, r.file, bots.SignInForm{
		Username: elLoginUsername, Password: elLoginPassword, Submit: elLoginSubmit,
		OTP: elLoginOTP, OTPSubmit: elLoginOTPSubmit, Error: elLoginError,
		SignedIn: []string{elWorklistTable},
	}, r.used)
}
