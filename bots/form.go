package bots

import (
	"fmt"
	"time"

	"github.com/docket-rpa/docket/selectors"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Input types text into the form field element of f. used, if not nil,
// learns which candidate matched. Errors name the field, never the text.
func Input(p *rod.Page, f *selectors.File, element, text string, used func(Match)) error {
	m, err := FindElementNow(p, f, element)
	if err != nil {
		return err
	}
	if used != nil {
		used(m)
	}
	if err := m.Element.Input(text); err != nil {
		return fmt.Errorf("type into %s: %w", element, err)
	}
	return nil
}

// Click presses button, waits for the page it leads to and returns that
// page's HTTP status (0 when the browser saw none, a network error).
func Click(p *rod.Page, f *selectors.File, button string, used func(Match)) (int, error) {
	m, err := FindElementNow(p, f, button)
	if err != nil {
		return 0, err
	}
	if used != nil {
		used(m)
	}
	wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := m.Element.Click(proto.InputMouseButtonLeft, 1); err != nil {
		return 0, fmt.Errorf("click %s: %w", button, err)
	}
	wait()
	return NavigationStatus(p)
}

// TOTPCode is the current six-digit code for a base32 TOTP secret, as an
// authenticator app on the wall clock shows it. A missing or malformed
// secret is ErrLoginRejected: no retry can help.
func TOTPCode(secret string) (string, error) {
	if secret == "" {
		return "", fmt.Errorf("%w: the portal asks for a second factor and the target has no TOTP secret", ErrLoginRejected)
	}
	code, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{
		Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", fmt.Errorf("%w: the target's TOTP secret is not valid base32", ErrLoginRejected)
	}
	return code, nil
}
