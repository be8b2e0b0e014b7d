package codingholds

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// detailPage is what the bot read from one account's page.
type detailPage struct {
	URL           string
	Status        int // 0: no answer
	Redirected    bool
	Maintenance   bool
	HTML          []byte // the page as it came, kept as evidence
	Fields        [][2]string
	ReasonHeaders []string
	Reasons       [][]string
	Query         [][2]string // nil when the page has no query section
	Deficiencies  []string
	Misses        []string
	Matched       map[string]int
}

// prefetch is one worklist page's account pages, fetched and read in the
// background while the run goes on in the browser. It touches no browser.
type prefetch struct {
	rows   []listRow
	pages  []detailPage
	err    error // of reading a page, or the fetch's context
	gen    int   // run.relogins when its cookies were taken
	cancel context.CancelFunc
	done   chan struct{}
}

// prefetch starts fetching rows' account pages with the session's
// cookies of now.
func (r *run) prefetch(ctx context.Context, rows []listRow) (*prefetch, error) {
	if len(rows) == 0 {
		p := &prefetch{cancel: func() {}, done: make(chan struct{})}
		close(p.done)
		return p, nil
	}
	f, urls, err := r.detailFetcher(ctx, rows)
	if err != nil {
		return nil, r.failDetails(ctx, err)
	}
	fctx, cancel := context.WithCancel(ctx)
	p := &prefetch{rows: rows, gen: r.relogins, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.pages, p.err = bots.ReadPages(fctx, f, urls, r.readDetail)
	}()
	return p, nil
}

// stop abandons p's fetches and waits for them to end; p may be nil.
func (p *prefetch) stop() {
	if p != nil {
		p.cancel()
		<-p.done
	}
}

// finish waits for p and reports its accounts, BatchSize at a time,
// fetching again what failed (readAccounts), then counts the worklist
// page read (which saves the run's progress); p may be nil.
func (r *run) finish(ctx context.Context, p *prefetch) error {
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		p.stop()
		return fmt.Errorf("codingholds: %w", ctx.Err())
	}
	p.cancel()
	if p.err != nil {
		return r.failDetails(ctx, p.err)
	}
	n := r.bot.cfg.BatchSize
	for start := 0; start < len(p.rows); start += n {
		end := min(start+n, len(p.rows))
		if err := r.readAccounts(ctx, p.rows[start:end], p.pages[start:end], p.gen); err != nil {
			return err
		}
	}
	if err := r.rec.PageRead(ctx); err != nil {
		return fmt.Errorf("codingholds: %w", err)
	}
	return nil
}

// readAccounts reports each account of rows from its fetched page (pages;
// gen is run.relogins when they were fetched). Pages that failed with a
// server error are fetched again with backoff; when the portal ended the
// session, the bot signs in again, unless the run already did since, and
// fetches the rest. Each account is observed once.
func (r *run) readAccounts(ctx context.Context, rows []listRow, pages []detailPage, gen int) error {
	pending := rows
	for attempt := 0; len(pending) > 0; {
		if pages == nil {
			var err error
			gen = r.relogins
			if pages, err = r.fetchDetails(ctx, pending); err != nil {
				return err
			}
		}
		var retry []listRow
		lost, failed := false, 0
		for i, d := range pages {
			row := pending[i]
			switch {
			case d.Redirected:
				lost = true
				retry = append(retry, row)
			case d.Maintenance:
				return r.failOnDetail(ctx, row, d.URL,
					fmt.Errorf("%w: the account page of %s shows the maintenance page", bots.ErrMaintenance, row.Where))
			case d.Status >= 500 || d.Status == 0:
				failed = d.Status
				retry = append(retry, row)
			case d.Status >= 400:
				return r.failOnDetail(ctx, row, d.URL, fmt.Errorf("codingholds: the account page of %s answered HTTP %d", row.Where, d.Status))
			default:
				if err := r.account(ctx, row, d); err != nil {
					return err
				}
			}
		}
		pending, pages = retry, nil
		switch {
		case len(pending) == 0:
		case lost && gen != r.relogins:
			// Signed in again since these pages were fetched: fetch anew.
		case lost:
			if err := r.relogin(ctx); err != nil {
				return r.fail(ctx, "", err)
			}
		case attempt >= r.bot.cfg.Retries:
			return r.fail(ctx, "", fmt.Errorf("%w: account detail pages answered HTTP %d on %d attempts", bots.ErrPortalUnavailable, failed, attempt+1))
		default:
			if err := r.backoff(ctx, attempt); err != nil {
				return err
			}
			attempt++
		}
	}
	return nil
}

// fetchDetails gets a batch of detail pages over the browser session
// (bots.Fetcher) and reads each with the selector file.
func (r *run) fetchDetails(ctx context.Context, rows []listRow) ([]detailPage, error) {
	f, urls, err := r.detailFetcher(ctx, rows)
	var pages []detailPage
	if err == nil {
		pages, err = bots.ReadPages(ctx, f, urls, r.readDetail)
	}
	if err != nil {
		return nil, r.failDetails(ctx, err)
	}
	return pages, nil
}

// detailFetcher is a Fetcher with the session's cookies of now for rows'
// account pages, and their addresses.
func (r *run) detailFetcher(ctx context.Context, rows []listRow) (*bots.Fetcher, []string, error) {
	urls := make([]string, len(rows))
	for i, row := range rows {
		urls[i] = row.Href
	}
	f, err := r.s.Fetcher(ctx, urls)
	return f, urls, err
}

// failDetails fails the run on account pages it could not fetch or read.
func (r *run) failDetails(ctx context.Context, err error) error {
	return r.fail(ctx, "", fmt.Errorf("codingholds: read account details: %w", err))
}

// readDetail reads one fetched account page: the summary's label/value
// rows, the hold reason table, the physician query section and the
// deficiency list. Error and redirect answers are classified, not read.
func (r *run) readDetail(f bots.Fetched) (detailPage, error) {
	d := detailPage{URL: f.URL, Status: f.Status, Redirected: f.Location != "", Matched: map[string]int{}}
	p, maintenance, err := f.Page(r.file, elMaintenance)
	if p == nil || err != nil {
		d.Maintenance = maintenance
		return d, err
	}
	d.HTML = f.Body
	d.Fields = p.Pairs(p.Require(elDetailFieldRows), elFieldLabel, elFieldValue)
	d.ReasonHeaders = bots.Texts(p.Require(elHoldReasonHeaders))
	for _, row := range p.Find(nil, elHoldReasonRows) {
		d.Reasons = append(d.Reasons, bots.Texts(p.Find(row, elTableCell)))
	}
	if rows := p.Require(elQueryFieldRows); rows != nil {
		d.Query = p.Pairs(rows, elFieldLabel, elFieldValue)
	}
	d.Deficiencies = bots.Texts(p.Require(elDeficiencyItems))
	d.Matched, d.Misses = p.Matched, p.Misses
	return d, nil
}

// account turns one fetched detail page into an observation. Values that
// do not parse become the observation's Problems; only a selector that no
// longer fits the page ends the run.
func (r *run) account(ctx context.Context, row listRow, d detailPage) error {
	r.usedMap(d.Matched)
	if len(d.Misses) > 0 {
		return r.failOnDetail(ctx, row, d.URL, fmt.Errorf("codingholds: the account page of %s: %w", row.Where, r.miss(d.Misses[0])))
	}
	acct := row.Text
	if r.seen[acct] {
		// Accounts shift between pages while the worklist changes under
		// the run; one observation per run is enough.
		return nil
	}
	hold, problems := r.l.holdFrom(acct, d)
	r.seen[acct] = true
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: d.HTML, URL: d.URL,
		Bot: Kind, ItemRef: acct, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("codingholds: the account of %s: capture: %w", row.Where, err)
	}
	err = r.rec.Observe(ctx, orchestrator.Observation{
		Portal: r.s.Target.Portal, ExternalID: acct, Kind: orchestrator.KindCodingHold,
		Queue: r.bot.cfg.Queue, Data: hold, EvidenceID: ev.ID, Problems: problems,
	})
	if err != nil {
		return fmt.Errorf("codingholds: the account of %s: observe: %w", row.Where, err)
	}
	return nil
}

// badRows reports the rows whose account number cannot identify a record
// (orchestrator.CheckExternalID: a 1 MB number, a carriage return, U+202E)
// as they are, for intake to keep as exception items, and returns the
// others. Their account pages are neither fetched nor opened: their
// addresses carry the same bad value, and the run goes on without them.
func (r *run) badRows(ctx context.Context, rows []listRow) ([]listRow, error) {
	good := rows[:0:0]
	for _, row := range rows {
		if orchestrator.CheckExternalID(row.Text) == nil {
			good = append(good, row)
			continue
		}
		if r.seen[row.Text] {
			continue
		}
		r.seen[row.Text] = true
		err := r.rec.Observe(ctx, orchestrator.Observation{
			Portal: r.s.Target.Portal, ExternalID: row.Text, Kind: orchestrator.KindCodingHold, Queue: r.bot.cfg.Queue,
		})
		if err != nil {
			return nil, fmt.Errorf("codingholds: worklist row with an unusable account number: observe: %w", err)
		}
	}
	return good, nil
}
