package claimscrubber

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// listRow is a list row's link.
type listRow = bots.ListRow

// listPage is a list page read in the browser (bots.ReadList) or fetched
// (readFetchedList).
type listPage struct {
	bots.ListPage

	// Set when the page was fetched rather than shown.
	Status      int // 0: no answer
	Redirected  bool
	Maintenance bool
}

// listKind says which list a page shows.
type listKind struct {
	table, rows, link string // elements
}

var (
	batchList = listKind{table: elBatchTable, rows: elBatchRows, link: elBatchLink}
	claimList = listKind{table: elClaimTable, rows: elClaimRows, link: elClaimLink}
)

// readList reads the list page the browser shows: evidence first, then
// every row's link and the next page's address in one evaluation.
func (r *run) readList(ctx context.Context, k listKind, what string) (listPage, error) {
	var list listPage
	m, err := bots.Locate(ctx, r.s, r.file, k.table, nil)
	if err != nil {
		r.rec.SelectorUsed(r.file.Portal, k.table, -1)
		return list, r.fail(ctx, "", fmt.Errorf("claimscrubber: %s: %w", what, err))
	}
	r.rec.SelectorUsed(r.file.Portal, k.table, m.Index)
	if err := r.screenshot(ctx, ""); err != nil {
		return list, fmt.Errorf("claimscrubber: %s: %w", what, err)
	}
	if err := r.rec.PageRead(ctx); err != nil {
		return list, fmt.Errorf("claimscrubber: %s: %w", what, err)
	}
	err = r.s.Step(ctx, "read "+what, func(p *rod.Page) error {
		var err error
		list.ListPage, err = bots.ReadList(p, r.file, bots.ListElements{Rows: k.rows, Link: k.link, Next: elNextPage, Empty: elListEmpty})
		return err
	})
	if err != nil {
		return list, r.fail(ctx, "", fmt.Errorf("claimscrubber: %s: %w", what, err))
	}
	if err := r.checkList(k, what, &list); err != nil {
		return list, r.fail(ctx, "", err)
	}
	return list, nil
}

// checkList reports a list page whose selectors missed or whose rows have
// no usable link.
func (r *run) checkList(k listKind, what string, list *listPage) error {
	if len(list.Rows) == 0 && !list.Empty {
		// No rows and no "empty list" notice: the row selector broke.
		list.Misses = append(list.Misses, k.rows)
	}
	r.reportMatches(list.Matched, list.Misses)
	if len(list.Misses) > 0 {
		return fmt.Errorf("claimscrubber: %s: %w", what, r.miss(list.Misses[0]))
	}
	for i, row := range list.Rows {
		if row.Text == "" || !sameOrigin(row.Href, r.base) {
			return fmt.Errorf("claimscrubber: %s row %d has no link on the portal", what, i+1)
		}
		list.Rows[i].Where = fmt.Sprintf("%s row %d", what, i+1)
	}
	return nil
}

// fetchList reads the list page at u without navigating to it: fetched
// over the browser session, as the claim pages are. The bot reads
// lists this way when its evidence policy keeps no screenshot of them, so
// there is nothing to render. Server errors are retried with backoff, a
// lapsed session is signed in again; a page it cannot read is opened in
// the browser for the failure screenshot.
func (r *run) fetchList(ctx context.Context, k listKind, what, u string) (listPage, error) {
	for attempt := 0; ; {
		list, err := bots.ReadPage(ctx, r.s, u, func(p bots.Fetched) (listPage, error) { return r.readFetchedList(k, p) })
		if err != nil {
			return list, r.fail(ctx, "", fmt.Errorf("claimscrubber: %s: %w", what, err))
		}
		if list.Redirected {
			if err := r.relogin(ctx, what); err != nil {
				return list, r.failAt(ctx, "", what, u, err)
			}
			continue
		}
		if list.Status == 0 { // no answer at all: retried like a server error
			if attempt >= r.bot.cfg.Retries {
				return list, r.failAt(ctx, "", what, u, fmt.Errorf("claimscrubber: %s did not answer %d times: %w",
					what, attempt+1, bots.ErrPortalUnavailable))
			}
			if err := r.backoff(ctx, attempt); err != nil {
				return list, err
			}
			attempt++
			continue
		}
		retry, err := r.judge(ctx, what, list.Status, list.Maintenance, attempt)
		if err != nil {
			return list, r.failAt(ctx, "", what, u, err)
		}
		if retry {
			attempt++
			continue
		}
		if err := r.rec.PageRead(ctx); err != nil {
			return list, fmt.Errorf("claimscrubber: %s: %w", what, err)
		}
		if err := r.checkList(k, what, &list); err != nil {
			return list, r.failAt(ctx, "", what, u, err)
		}
		return list, nil
	}
}

// readFetchedList reads a fetched list page as list.js reads the page the
// browser shows: each row's link text and address, the next page's
// address, the empty-list notice.
func (r *run) readFetchedList(k listKind, f bots.Fetched) (listPage, error) {
	list := listPage{Status: f.Status, Redirected: f.Location != ""}
	list.Matched = map[string]int{}
	p, maintenance, err := f.Page(r.file, elMaintenance)
	if p == nil || err != nil {
		list.Maintenance = maintenance
		return list, err
	}
	base, err := url.Parse(f.URL)
	if err != nil {
		return list, err
	}
	for _, row := range p.Find(nil, k.rows) {
		link := p.Find(row, k.link)
		if link == nil {
			p.Miss(k.link)
			break
		}
		list.Rows = append(list.Rows, listRow{Text: strings.TrimSpace(bots.Text(link[0])), Href: bots.Href(base, link[0])})
	}
	if next := p.Find(nil, elNextPage); next != nil {
		list.Next = bots.Href(base, next[0])
	}
	list.Empty = p.Find(nil, elListEmpty) != nil
	list.Matched, list.Misses = p.Matched, p.Misses
	return list, nil
}

// readBatches walks the batch list pages and every batch on them.
func (r *run) readBatches(ctx context.Context) error {
	visited := map[string]bool{}
	u := r.start
	for pageNo := 1; ; pageNo++ {
		what := fmt.Sprintf("batch list page %d", pageNo)
		if pageNo > 1 {
			if err := r.openPage(ctx, what, u); err != nil {
				return r.fail(ctx, "", err)
			}
		}
		list, err := r.readList(ctx, batchList, what)
		if err != nil {
			return err
		}
		for _, b := range list.Rows {
			if err := r.readBatch(ctx, b); err != nil {
				return err
			}
		}
		if list.Next == "" {
			return nil
		}
		// A pager that links back to a page already read would loop
		// forever; the portal is broken, not the list endless.
		if visited[list.Next] || !sameOrigin(list.Next, r.base) {
			return r.fail(ctx, "", fmt.Errorf("claimscrubber: %s links to a page already read or off the portal", what))
		}
		visited[list.Next] = true
		u = list.Next
	}
}

// claimPage reads one page of a batch's claim list: in the browser, with
// its screenshot, when the evidence policy keeps screenshots of pages
// read; fetched over the browser session otherwise.
func (r *run) claimPage(ctx context.Context, what, u string) (listPage, error) {
	if !r.rec.KeepsScreenshot(orchestrator.PurposeRead) {
		return r.fetchList(ctx, claimList, what, u)
	}
	if err := r.openPage(ctx, what, u); err != nil {
		return listPage{}, r.fail(ctx, "", err)
	}
	return r.readList(ctx, claimList, what)
}

// readBatch walks one batch's claim list pages and reads every claim.
func (r *run) readBatch(ctx context.Context, batch listRow) error {
	visited := map[string]bool{}
	u := batch.Href
	for pageNo := 1; ; pageNo++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("claimscrubber: %w", err)
		}
		what := fmt.Sprintf("batch %s claim page %d", batch.Text, pageNo)
		list, err := r.claimPage(ctx, what, u)
		if err != nil {
			return err
		}
		rows, err := r.badRows(ctx, list.Rows)
		if err != nil {
			return err
		}
		for start := 0; start < len(rows); start += r.bot.cfg.BatchSize {
			if err := r.readClaims(ctx, rows[start:min(start+r.bot.cfg.BatchSize, len(rows))]); err != nil {
				return err
			}
		}
		if list.Next == "" {
			return nil
		}
		if visited[list.Next] || !sameOrigin(list.Next, r.base) {
			return r.fail(ctx, "", fmt.Errorf("claimscrubber: %s links to a page already read or off the portal", what))
		}
		visited[list.Next] = true
		u = list.Next
	}
}

// reportMatches feeds the selector metric from a script's matches and
// misses.
func (r *run) reportMatches(matched map[string]int, misses []string) {
	for el, i := range matched {
		r.rec.SelectorUsed(r.file.Portal, el, i)
	}
	for _, el := range misses {
		r.rec.SelectorUsed(r.file.Portal, el, -1)
	}
}
