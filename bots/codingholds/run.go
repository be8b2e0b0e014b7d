package codingholds

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/selectors"
)

// run is one Run's state.
type run struct {
	bot  *Bot
	s    *bots.Session
	rec  bots.Recorder
	file *selectors.File
	seen map[string]bool // accounts already observed this run
}

func (r *run) do(ctx context.Context) error {
	base, err := url.Parse(r.s.Target.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return errors.New("codingholds: target base URL is not an absolute URL")
	}
	start := base.ResolveReference(&url.URL{Path: r.file.Start}).String()
	if err := r.login(ctx, start); err != nil {
		return r.fail(ctx, "", err)
	}
	visited := map[string]bool{}
	for pageNo := 1; ; pageNo++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("codingholds: %w", err)
		}
		next, err := r.readPage(ctx, pageNo)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		// A pager that links back to a page already read would loop
		// forever; the portal is broken, not the worklist endless.
		if visited[next] {
			return r.fail(ctx, "", fmt.Errorf("codingholds: worklist page %d links back to a page already read", pageNo))
		}
		visited[next] = true
		if err := r.open(ctx, fmt.Sprintf("worklist page %d", pageNo+1), next); err != nil {
			return r.fail(ctx, "", err)
		}
	}
}

// open navigates to u and fails on an error status, which the browser
// would otherwise render as an ordinary page.
func (r *run) open(ctx context.Context, what, u string) error {
	return r.s.Step(ctx, "open "+what, func(p *rod.Page) error {
		if err := p.Navigate(u); err != nil {
			return err
		}
		if err := p.WaitLoad(); err != nil {
			return err
		}
		return checkStatus(p, what)
	})
}

// checkStatus reads the HTTP status of the page's main document from the
// Navigation Timing entry.
func checkStatus(p *rod.Page, what string) error {
	res, err := p.Eval(`() => { const e = performance.getEntriesByType("navigation")[0]; return e && e.responseStatus ? e.responseStatus : 0 }`)
	if err != nil {
		return err
	}
	return statusError(res.Value.Int(), what)
}

func statusError(status int, what string) error {
	switch {
	case status >= 500:
		return fmt.Errorf("%w: %s answered HTTP %d", ErrPortalUnavailable, what, status)
	case status >= 400:
		return fmt.Errorf("codingholds: %s answered HTTP %d", what, status)
	}
	return nil
}

// login opens the start page and signs in if the portal asks for it.
// The credentials go into the form and nowhere else.
func (r *run) login(ctx context.Context, start string) error {
	if err := r.open(ctx, "start page", start); err != nil {
		return err
	}
	var signedIn bool
	err := r.s.Step(ctx, "find login form", func(p *rod.Page) error {
		m, err := bots.FindElement(p, r.file, elLoginUsername, elWorklistTable)
		signedIn = m.Name == elWorklistTable
		return err
	})
	if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
		// A fresh session always sees the login form first, so that is
		// the selector that broke.
		return r.miss(elLoginUsername)
	}
	if err != nil || signedIn {
		return err
	}
	return r.s.Step(ctx, "log in", func(p *rod.Page) error {
		if err := r.input(p, elLoginUsername, r.s.Target.Username); err != nil {
			return err
		}
		if err := r.input(p, elLoginPassword, r.s.Target.Password); err != nil {
			return err
		}
		submit, err := bots.FindElementNow(p, r.file, elLoginSubmit)
		if err != nil {
			return err
		}
		wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
		if err := submit.Element.Click(proto.InputMouseButtonLeft, 1); err != nil {
			return fmt.Errorf("click %s: %w", elLoginSubmit, err)
		}
		wait()
		if err := checkStatus(p, "login"); err != nil {
			return err
		}
		m, err := bots.FindElement(p, r.file, elWorklistTable, elLoginError)
		if err != nil {
			return err
		}
		if m.Name == elLoginError {
			return ErrLoginRejected
		}
		return nil
	})
}

// input types into a form field. Errors name the field, never the text.
func (r *run) input(p *rod.Page, element, text string) error {
	m, err := bots.FindElementNow(p, r.file, element)
	if err != nil {
		return err
	}
	if err := m.Element.Input(text); err != nil {
		return fmt.Errorf("type into %s: %w", element, err)
	}
	return nil
}
