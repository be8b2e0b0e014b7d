package codingholds

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/selectors"
)

// run is one Run's state.
type run struct {
	bot      *Bot
	s        *bots.Session
	rec      bots.Recorder
	l        *layout         // the layout the portal serves, once detected
	file     *selectors.File // l.file
	start    string          // absolute address of the first page
	seen     map[string]bool // accounts already observed this run
	relogins int
}

func (r *run) do(ctx context.Context) error {
	base, err := url.Parse(r.s.Target.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return errors.New("codingholds: target base URL is not an absolute URL")
	}
	r.start = base.ResolveReference(&url.URL{Path: r.file.Start}).String()
	if err := r.open(ctx, "start page", r.start); err != nil {
		return r.fail(ctx, "", err)
	}
	if err := r.detectLayout(ctx); err != nil {
		return r.fail(ctx, "", err)
	}
	if err := r.signIn(ctx); err != nil {
		return r.fail(ctx, "", err)
	}
	// While the browser opens worklist page n+1, the account pages of
	// page n are fetched and read in the background (ahead); the accounts
	// are reported, and failures handled, back here, once page n+1 is
	// read.
	var ahead *prefetch
	defer func() { ahead.stop() }()
	visited := map[string]bool{}
	next := r.start
	for pageNo := 1; ; pageNo++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("codingholds: %w", err)
		}
		list, err := r.readPage(ctx, pageNo, next)
		if err != nil {
			return err
		}
		if err := r.finish(ctx, ahead); err != nil {
			return err
		}
		rows, err := r.badRows(ctx, list.Rows)
		if err != nil {
			return err
		}
		if ahead, err = r.prefetch(ctx, rows); err != nil {
			return err
		}
		if list.Next == "" {
			return r.finish(ctx, ahead)
		}
		// A pager that links back to a page already read would loop
		// forever; the portal is broken, not the worklist endless.
		if visited[list.Next] {
			return r.fail(ctx, "", fmt.Errorf("codingholds: worklist page %d links back to a page already read", pageNo))
		}
		visited[list.Next] = true
		next = list.Next
	}
}

// detectLayout picks the layout whose marker element the page shows. With
// one layout and no marker there is nothing to detect.
func (r *run) detectLayout(ctx context.Context) error {
	if len(r.bot.layouts) == 1 && r.file.Marker == "" {
		return nil
	}
	var tried []string
	for _, l := range r.bot.layouts {
		var m bots.Match
		err := r.s.Step(ctx, "detect layout "+l.file.Version, func(p *rod.Page) error {
			var err error
			m, err = bots.FindElementNow(p, l.file, l.file.Marker)
			return err
		})
		switch {
		case err == nil:
			r.l, r.file = l, l.file
			r.rec.SelectorUsed(l.file.Portal, l.file.Marker, m.Index)
			return nil
		case !errors.Is(err, &bots.SelectorMissError{}):
			return fmt.Errorf("codingholds: detect layout: %w", err)
		}
		e, _ := l.file.Element(l.file.Marker)
		for _, t := range e.Tried() {
			tried = append(tried, l.file.Version+" "+t)
		}
	}
	last := r.bot.layouts[len(r.bot.layouts)-1].file
	r.rec.SelectorUsed(last.Portal, last.Marker, -1)
	return fmt.Errorf("codingholds: no known layout: %w", &bots.SelectorMissError{
		Portal: last.Portal, Version: last.Version, Element: last.Marker, Tried: tried,
	})
}

// open navigates to u, retrying server errors with backoff. A maintenance
// page ends the run at once.
func (r *run) open(ctx context.Context, what, u string) error {
	return bots.Open(ctx, r.s, r.file, elMaintenance, what, u,
		bots.Retries{Retries: r.bot.cfg.Retries, Backoff: r.bot.cfg.Backoff, Max: BackoffMax}, r.used)
}

// backoff waits before retry number attempt+1.
func (r *run) backoff(ctx context.Context, attempt int) error {
	return bots.Backoff(ctx, r.bot.cfg.Backoff, BackoffMax, attempt)
}

func sameOrigin(u, base string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && a.Scheme == b.Scheme && a.Host == b.Host
}
