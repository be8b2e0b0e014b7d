package bots

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

// Retries says how a bot repeats a portal step that met a server error:
// how many attempts after the first, and the backoff between them (see
// Backoff).
type Retries struct {
	Retries      int
	Backoff, Max time.Duration
}

// Open navigates the session's page to u ("what" names it in errors) and
// waits for the page the browser ends on: a page script may send it on,
// such as a lapsed session's redirect to the login form. A server error
// (or no answer) is retried with backoff; a page showing f's maintenance
// element ends it at once with ErrMaintenance; a 4xx answer is an error;
// when the retries run out it is ErrPortalUnavailable. used, if not nil,
// learns the maintenance element's matching candidate.
func Open(ctx context.Context, s *Session, f *selectors.File, maintenance, what, u string, retry Retries, used func(Match)) error {
	for attempt := 0; ; attempt++ {
		var status int
		err := s.Step(ctx, "open "+what, func(p *rod.Page) error {
			if err := p.Navigate(u); err != nil {
				return err
			}
			var err error
			for i := 0; i < 4; i++ {
				if err = p.WaitLoad(); err == nil {
					status, err = NavigationStatus(p)
				}
				if err == nil || !NavigatedAway(err) {
					break
				}
			}
			return err
		})
		if err != nil {
			return err
		}
		if status == http.StatusTooManyRequests && s.pace != nil && attempt < retry.Retries {
			// The browser shows no Retry-After; the fleet waits PauseDefault.
			if err := s.pace.Pause(ctx, s.Target.Portal, PauseDefault); err != nil {
				return err
			}
			continue
		}
		if status > 0 && status < 500 {
			if status >= 400 {
				return fmt.Errorf("%s answered HTTP %d", what, status)
			}
			return nil
		}
		var shown bool
		err = s.Step(ctx, "check maintenance", func(p *rod.Page) error {
			m, err := FindElementNow(p, f, maintenance)
			if err == nil {
				shown = true
				if used != nil {
					used(m)
				}
				return nil
			}
			if errors.Is(err, &SelectorMissError{}) {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
		if shown {
			return fmt.Errorf("%w: %s shows the maintenance page", ErrMaintenance, what)
		}
		if attempt >= retry.Retries {
			return fmt.Errorf("%w: %s answered HTTP %d on %d attempts", ErrPortalUnavailable, what, status, attempt+1)
		}
		if err := Backoff(ctx, retry.Backoff, retry.Max, attempt); err != nil {
			return err
		}
	}
}
