package claimscrubber

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

// login opens the start page and signs in if the portal asks for it,
// repeating the whole sign-in after a server error. The credentials go
// into the form and nowhere else.
func (r *run) login(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		if err := r.open(ctx, "start page", r.start); err != nil {
			return err
		}
		var signedIn bool
		err := r.s.Step(ctx, "find login form", func(p *rod.Page) error {
			m, err := bots.FindElement(p, r.file, elLoginUsername, elBatchTable)
			if err == nil {
				r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index)
			}
			signedIn = m.Name == elBatchTable
			return err
		})
		if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
			// A fresh session always sees the login form first, so that
			// is the selector that broke.
			r.rec.SelectorUsed(r.file.Portal, elLoginUsername, -1)
			return r.miss(elLoginUsername)
		}
		if err != nil || signedIn {
			return err
		}
		var status int
		var maintenance bool
		err = r.s.Step(ctx, "log in", func(p *rod.Page) error {
			if err := r.input(p, elLoginUsername, r.s.Target.Username); err != nil {
				return err
			}
			if err := r.input(p, elLoginPassword, r.s.Target.Password); err != nil {
				return err
			}
			var err error
			if status, maintenance, err = r.submit(p); err != nil || status >= 500 {
				return err
			}
			m, err := bots.FindElement(p, r.file, elBatchTable, elLoginError, elLoginOTP)
			if err != nil {
				return err
			}
			r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index)
			switch m.Name {
			case elLoginError:
				return fmt.Errorf("claimscrubber: %w", bots.ErrLoginRejected)
			case elLoginOTP:
				status, maintenance, err = r.secondFactor(p)
			}
			return err
		})
		if err != nil {
			return err
		}
		if retry, err := r.judge(ctx, "login", status, maintenance, attempt); !retry {
			return err
		}
	}
}

// submit clicks the form's submit button and waits for the next page.
func (r *run) submit(p *rod.Page) (status int, maintenance bool, err error) {
	if status, err = bots.Click(p, r.file, elLoginSubmit, r.used); err != nil {
		return 0, false, err
	}
	return status, status >= 500 && r.onMaintenancePage(p), nil
}

// secondFactor answers the portal's TOTP prompt with the target's secret.
func (r *run) secondFactor(p *rod.Page) (status int, maintenance bool, err error) {
	code, err := bots.TOTPCode(r.s.Target.TOTPSecret)
	if err != nil {
		return 0, false, fmt.Errorf("claimscrubber: %w", err)
	}
	if err := r.input(p, elLoginOTP, code); err != nil {
		return 0, false, err
	}
	if status, maintenance, err = r.submit(p); err != nil || status >= 500 {
		return status, maintenance, err
	}
	m, err := bots.FindElement(p, r.file, elBatchTable, elLoginError)
	if err != nil {
		return 0, false, err
	}
	r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index)
	if m.Name == elLoginError {
		return 0, false, fmt.Errorf("claimscrubber: second factor: %w", bots.ErrLoginRejected)
	}
	return status, false, nil
}

// relogin signs in again after the portal ended the session mid-run, a
// bounded number of times per run.
func (r *run) relogin(ctx context.Context, what string) error {
	if r.relogins >= reloginsMax {
		return fmt.Errorf("claimscrubber: %s sent the bot to the login form %d times: %w", what, r.relogins+1, bots.ErrSessionLost)
	}
	r.relogins++
	return r.login(ctx)
}

// input types into a form field. Errors name the field, never the text.
func (r *run) input(p *rod.Page, element, text string) error {
	return bots.Input(p, r.file, element, text, r.used)
}

// used reports which candidate of an element matched.
func (r *run) used(m bots.Match) { r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index) }
