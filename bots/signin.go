package bots

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

// ErrTransient marks a portal step that hit a server error (or no answer)
// and may be retried.
var ErrTransient = errors.New("bots: transient portal error")

// Field is a form field of a selector file and the text to type into it.
type Field struct{ Element, Text string }

// Submit fills fields, clicks button, waits for the page it leads to and
// returns which of the outcome elements that page shows. A server error
// (or no answer) on that page wraps ErrTransient. used, if not nil, learns
// every candidate that matched.
func Submit(p *rod.Page, f *selectors.File, fields []Field, button string, used func(Match), outcomes ...string) (string, error) {
	for _, fl := range fields {
		if err := Input(p, f, fl.Element, fl.Text, used); err != nil {
			return "", err
		}
	}
	status, err := Click(p, f, button, used)
	if err != nil {
		return "", err
	}
	if status >= 500 || status == 0 {
		return "", fmt.Errorf("%w: %s led to HTTP %d", ErrTransient, button, status)
	}
	out, err := FindElement(p, f, outcomes...)
	if err != nil {
		return "", err
	}
	if used != nil {
		used(out)
	}
	return out.Name, nil
}

// SignInForm names a selector file's sign-in elements: the password form,
// the TOTP second factor, the rejection notice, and the elements only a
// signed-in page shows.
type SignInForm struct {
	Username, Password, Submit string
	OTP, OTPSubmit             string
	Error                      string
	SignedIn                   []string
}

// SignIn walks the login steps the session's page shows: nothing when it
// is signed in already, else the password form, then the second factor
// when the portal asks. Credentials go into the form and nowhere else;
// errors name fields, never values. It returns ErrLoginRejected when the
// portal refuses, a *SelectorMissError (reported to used with index -1)
// when the page shows neither a login step nor a signed-in page, and an
// error wrapping ErrTransient on a server error.
func SignIn(ctx context.Context, s *Session, f *selectors.File, form SignInForm, used func(Match)) error {
	var step string
	err := s.Step(ctx, "find login form", func(p *rod.Page) error {
		m, err := FindElement(p, f, append([]string{form.Username, form.OTP}, form.SignedIn...)...)
		step = m.Name
		if used != nil && m.Name != "" {
			used(m)
		}
		return err
	})
	if errors.Is(err, &SelectorMissError{}) && ctx.Err() == nil {
		// A fresh session always sees the login form first, so that is
		// the selector that broke.
		e, _ := f.Element(form.Username)
		if used != nil {
			used(Match{Name: form.Username, Index: -1})
		}
		return &SelectorMissError{Portal: f.Portal, Version: f.Version, Element: form.Username, Tried: e.Tried()}
	}
	if err != nil || slices.Contains(form.SignedIn, step) {
		return err
	}
	submit := func(what string, fields []Field, button string, outcomes ...string) error {
		return s.Step(ctx, what, func(p *rod.Page) error {
			var err error
			step, err = Submit(p, f, fields, button, used, outcomes...)
			return err
		})
	}
	after := append([]string{form.Error}, form.SignedIn...)
	if step == form.Username {
		err := submit("log in", []Field{{form.Username, s.Target.Username}, {form.Password, s.Target.Password}},
			form.Submit, append([]string{form.OTP}, after...)...)
		if err != nil {
			return err
		}
	}
	if step == form.OTP {
		code, err := TOTPCode(s.Target.TOTPSecret)
		if err != nil {
			return err
		}
		if err := submit("second factor", []Field{{form.OTP, code}}, form.OTPSubmit, after...); err != nil {
			return err
		}
	}
	if step == form.Error {
		return ErrLoginRejected
	}
	return nil
}
