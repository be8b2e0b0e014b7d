package codingholds

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

// signIn signs in from the page the browser shows (the start page or the
// login form a lapsed session was sent to), retrying server errors: each
// retry opens the start page again, where the portal shows whichever
// login step is still due.
func (r *run) signIn(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := r.login(ctx)
		if !errors.Is(err, errTransient) {
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
// second factor when asked. Credentials go into the form and nowhere
// else; errors name fields, never values.
func (r *run) login(ctx context.Context) error {
	var step string
	err := r.s.Step(ctx, "find login form", func(p *rod.Page) error {
		m, err := bots.FindElement(p, r.file, elLoginUsername, elLoginOTP, elWorklistTable)
		step = m.Name
		r.used(m)
		return err
	})
	if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
		// A fresh session always sees the login form first, so that is
		// the selector that broke.
		return r.miss(elLoginUsername)
	}
	if err != nil || step == elWorklistTable {
		return err
	}
	if step == elLoginUsername {
		if step, err = r.submit(ctx, "log in", []field{
			{elLoginUsername, r.s.Target.Username}, {elLoginPassword, r.s.Target.Password},
		}, elLoginSubmit, elLoginOTP, elWorklistTable, elLoginError); err != nil {
			return err
		}
	}
	if step == elLoginOTP {
		code, err := bots.TOTPCode(r.s.Target.TOTPSecret)
		if err != nil {
			return err
		}
		if step, err = r.submit(ctx, "second factor", []field{{elLoginOTP, code}}, elLoginOTPSubmit,
			elWorklistTable, elLoginError); err != nil {
			return err
		}
	}
	if step == elLoginError {
		return bots.ErrLoginRejected
	}
	return nil
}

type field struct{ element, text string }

// submit fills a form, clicks its button, waits for the next page and
// returns which of the outcome elements it shows.
func (r *run) submit(ctx context.Context, what string, fields []field, button string, outcomes ...string) (string, error) {
	var got string
	err := r.s.Step(ctx, what, func(p *rod.Page) error {
		for _, f := range fields {
			if err := bots.Input(p, r.file, f.element, f.text, r.used); err != nil {
				return err
			}
		}
		status, err := bots.Click(p, r.file, button, r.used)
		if err != nil {
			return err
		}
		if status >= 500 || status == 0 {
			return fmt.Errorf("%w: %s answered HTTP %d", errTransient, what, status)
		}
		out, err := bots.FindElement(p, r.file, outcomes...)
		if err != nil {
			return err
		}
		r.used(out)
		got = out.Name
		return nil
	})
	return got, err
}
