package codingholds

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

// listRow is a worklist row's account link; its Text is the account
// number, which errors never show (they name the row by Where).
type listRow = bots.ListRow

// readPage opens worklist page u, waits for its script to render the rows
// and reads them: evidence first, then the rows with their account links
// and the next page's address ("" on the last page).
func (r *run) readPage(ctx context.Context, pageNo int, u string) (bots.ListPage, error) {
	what := fmt.Sprintf("worklist page %d", pageNo)
	if err := r.openList(ctx, what, u); err != nil {
		return bots.ListPage{}, r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, err))
	}
	if err := r.screenshot(ctx, ""); err != nil {
		return bots.ListPage{}, fmt.Errorf("codingholds: %s: %w", what, err)
	}
	var list bots.ListPage
	err := r.s.Step(ctx, "read "+what, func(p *rod.Page) error {
		var err error
		list, err = bots.ReadList(p, r.file, bots.ListElements{Rows: elWorklistRows, Link: elRowLink, Next: elNextPage, Empty: elWorklistEmpty})
		return err
	})
	if err != nil {
		return bots.ListPage{}, r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, err))
	}
	r.usedMap(list.Matched)
	if len(list.Rows) == 0 && !list.Empty {
		// No rows and no "empty worklist" notice: the row selector broke.
		list.Misses = append(list.Misses, elWorklistRows)
	}
	if len(list.Misses) > 0 {
		return bots.ListPage{}, r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, r.miss(list.Misses[0])))
	}
	for i, row := range list.Rows {
		if row.Text == "" || !sameOrigin(row.Href, r.s.Target.BaseURL) {
			return bots.ListPage{}, r.fail(ctx, "", fmt.Errorf("codingholds: %s row %d has no account link on the portal", what, i+1))
		}
		list.Rows[i].Where = fmt.Sprintf("%s row %d", what, i+1)
	}
	return list, nil
}

// openList opens a worklist page and waits until its script has rendered
// the rows (or says there are none). A page that failed to load its rows
// is reloaded with backoff; a lapsed session is re-established.
func (r *run) openList(ctx context.Context, what, u string) error {
	for attempt := 0; ; {
		if err := r.open(ctx, what, u); err != nil {
			return err
		}
		var state string
		err := r.s.Step(ctx, "wait for "+what, func(p *rod.Page) error {
			var m bots.Match
			var err error
			// The page's script may navigate (to the login form) while
			// the bot looks: look again on the page it went to.
			for i := 0; i < 3; i++ {
				m, err = bots.FindElement(p, r.file, elWorklistRows, elWorklistEmpty, elWorklistError, elLoginUsername, elLoginOTP)
				if err == nil || !bots.NavigatedAway(err) {
					break
				}
				if err := p.WaitLoad(); err != nil {
					return err
				}
			}
			state = m.Name
			r.used(m)
			return err
		})
		if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
			// Neither rows nor a notice. On a server error page (the
			// script sent the browser to a page that failed) that is the
			// portal's fault; otherwise the row selector broke.
			if !r.onErrorPage(ctx) {
				return r.miss(elWorklistRows)
			}
			state, err = elWorklistError, nil
		}
		if err != nil {
			return err
		}
		switch state {
		case elWorklistRows, elWorklistEmpty:
			return nil
		case elLoginUsername, elLoginOTP:
			if err := r.relogin(ctx); err != nil {
				return err
			}
			continue // the session is back: the same page again
		}
		// The page's script could not load the rows (a server error).
		if attempt >= r.bot.cfg.Retries {
			return fmt.Errorf("%w: %s did not load its rows on %d attempts", bots.ErrPortalUnavailable, what, attempt+1)
		}
		if err := r.backoff(ctx, attempt); err != nil {
			return err
		}
		attempt++
	}
}

// used reports which candidate of a found element matched.
func (r *run) used(m bots.Match) {
	if m.Name != "" {
		r.rec.SelectorUsed(r.file.Portal, m.Name, m.Index)
	}
}

func (r *run) usedMap(matched map[string]int) {
	for name, i := range matched {
		r.rec.SelectorUsed(r.file.Portal, name, i)
	}
}

// miss builds the error for an element no candidate matched and reports
// the miss.
func (r *run) miss(element string) *bots.SelectorMissError {
	e, _ := r.file.Element(element)
	r.rec.SelectorUsed(r.file.Portal, element, -1)
	return &bots.SelectorMissError{Portal: r.file.Portal, Version: r.file.Version, Element: element, Tried: e.Tried()}
}

// onErrorPage reports whether the browser shows a page the portal answered
// with a server error.
func (r *run) onErrorPage(ctx context.Context) bool {
	var status int
	err := r.s.Step(ctx, "read page status", func(p *rod.Page) error {
		var err error
		status, err = bots.NavigationStatus(p)
		return err
	})
	return err == nil && (status >= 500 || status == 0)
}
