package writeback

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/selectors"
)

// run is one request's state.
type run struct {
	bot  *Bot
	s    *bots.Session
	rec  bots.Recorder
	req  Request
	file *selectors.File
	base *url.URL
}

func (r *run) abs(path string) string { return r.base.ResolveReference(&url.URL{Path: path}).String() }

// open navigates to u, retrying server errors with backoff; a maintenance
// page ends the run.
func (r *run) open(ctx context.Context, what, u string) error {
	return bots.Open(ctx, r.s, r.file, elMaintenance, what, u,
		bots.Retries{Retries: r.bot.cfg.Retries, Backoff: r.bot.cfg.Backoff, Max: BackoffMax}, r.used)
}

// backoff waits before retry number attempt+1.
func (r *run) backoff(ctx context.Context, attempt int) error {
	return bots.Backoff(ctx, r.bot.cfg.Backoff, BackoffMax, attempt)
}

// detectLayout picks the layout whose marker the page shows.
func (r *run) detectLayout(ctx context.Context) error {
	layouts := r.bot.cfg.Layouts
	if len(layouts) == 1 && r.file.Marker == "" {
		return nil
	}
	var tried []string
	for _, f := range layouts {
		var m bots.Match
		err := r.s.Step(ctx, "detect layout "+f.Version, func(p *rod.Page) error {
			var err error
			m, err = bots.FindElementNow(p, f, f.Marker)
			return err
		})
		if err == nil {
			r.file = f
			r.rec.SelectorUsed(f.Portal, f.Marker, m.Index)
			return nil
		}
		if !errors.Is(err, &bots.SelectorMissError{}) {
			return fmt.Errorf("writeback: detect layout: %w", err)
		}
		e, _ := f.Element(f.Marker)
		for _, t := range e.Tried() {
			tried = append(tried, f.Version+" "+t)
		}
	}
	last := layouts[len(layouts)-1]
	r.rec.SelectorUsed(last.Portal, last.Marker, -1)
	return fmt.Errorf("writeback: no known layout: %w", &bots.SelectorMissError{
		Portal: last.Portal, Version: last.Version, Element: last.Marker, Tried: tried,
	})
}

// signIn signs in from the page shown, retrying server errors from the
// start page.
func (r *run) signIn(ctx context.Context, start string) error {
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
		if err := r.open(ctx, "start page", start); err != nil {
			return err
		}
	}
}

// login walks the login steps the page shows. The page may already be
// signed in (the worklist or an account page).
func (r *run) login(ctx context.Context) error {
	return bots.SignIn(ctx, r.s, r.file, bots.SignInForm{
		Username: elLoginUsername, Password: elLoginPassword, Submit: elLoginSubmit,
		OTP: elLoginOTP, OTPSubmit: elLoginOTPSubmit, Error: elLoginError,
		SignedIn: []string{elWorklistTable, elDetailRows},
	}, r.used)
}

// click presses a button and waits for the page it leads to; a server
// error there is bots.ErrTransient.
func (r *run) click(p *rod.Page, button string) error {
	status, err := bots.Click(p, r.file, button, r.used)
	if err != nil {
		return err
	}
	if status >= 500 || status == 0 {
		return fmt.Errorf("%w: %s led to HTTP %d", bots.ErrTransient, button, status)
	}
	return nil
}

func (r *run) used(m bots.Match) {
	if m.Name != "" {
		r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index)
	}
}

func (r *run) miss(element string) *bots.SelectorMissError {
	e, _ := r.file.Element(element)
	r.rec.SelectorUsed(r.file.Portal, element, -1)
	return &bots.SelectorMissError{Portal: r.file.Portal, Version: r.file.Version, Element: element, Tried: e.Tried()}
}
