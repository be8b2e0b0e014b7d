package flow

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// detailPage is what was read from one row's fetched detail page.
type detailPage struct {
	URL        string
	Status     int // 0: no answer
	Redirected bool
	Maintained bool
	HTML       []byte // the page as it came, kept as evidence
	Sections   []sectionRead
	Misses     []string
	Matched    map[string]int
	Shifted    string // a repeated group's row that does not line up (detailsSpec.shifted)
}

// prefetch is one list page's detail pages, fetched and read in the
// background while the run goes on in the browser. It touches no browser.
type prefetch struct {
	rows   []bots.ListRow
	pages  []detailPage
	err    error
	gen    int // Run.relogins when its cookies were taken
	cancel context.CancelFunc
	done   chan struct{}
}

func (l *listRun) prefetch(ctx context.Context, rows []bots.ListRow) (*prefetch, error) {
	if len(rows) == 0 {
		p := &prefetch{cancel: func() {}, done: make(chan struct{})}
		close(p.done)
		return p, nil
	}
	f, urls, err := l.detailFetcher(ctx, rows)
	if err != nil {
		return nil, l.failDetails(ctx, err)
	}
	fctx, cancel := context.WithCancel(ctx)
	p := &prefetch{rows: rows, gen: l.relogins, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.pages, p.err = bots.ReadPages(fctx, f, urls, l.readDetail)
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

// finish waits for p and reports its records, BatchSize at a time,
// fetching again what failed, then counts the list page read; p may be
// nil.
func (l *listRun) finish(ctx context.Context, p *prefetch) error {
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		p.stop()
		return fmt.Errorf("flow: %w", ctx.Err())
	}
	p.cancel()
	if p.err != nil {
		return l.failDetails(ctx, p.err)
	}
	n := l.bot.cfg.BatchSize
	for start := 0; start < len(p.rows); start += n {
		end := min(start+n, len(p.rows))
		if err := l.readRecords(ctx, p.rows[start:end], p.pages[start:end], p.gen); err != nil {
			return err
		}
	}
	if err := l.Rec.PageRead(ctx); err != nil {
		return fmt.Errorf("flow: %w", err)
	}
	return nil
}

// readRecords reports each row's record from its fetched page. Pages that
// failed with a server error are fetched again with backoff; when the
// portal ended the session, the run signs in again, unless it already did
// since, and fetches the rest. Each record is observed once.
func (l *listRun) readRecords(ctx context.Context, rows []bots.ListRow, pages []detailPage, gen int) error {
	pending := rows
	for attempt := 0; len(pending) > 0; {
		if pages == nil {
			var err error
			gen = l.relogins
			if pages, err = l.fetchDetails(ctx, pending); err != nil {
				return err
			}
		}
		var retry []bots.ListRow
		lost, failed := false, 0
		for i, d := range pages {
			row := pending[i]
			switch {
			case d.Redirected:
				lost = true
				retry = append(retry, row)
			case d.Maintained:
				return l.failOnDetail(ctx, row, d.URL,
					fmt.Errorf("%w: the detail page of %s shows the maintenance page", bots.ErrMaintenance, row.Where))
			case d.Status >= 500 || d.Status == 0:
				failed = d.Status
				retry = append(retry, row)
			case d.Status >= 400:
				return l.failOnDetail(ctx, row, d.URL, fmt.Errorf("flow: the detail page of %s answered HTTP %d", row.Where, d.Status))
			case d.Shifted != "":
				return l.failOnDetail(ctx, row, d.URL, fmt.Errorf("flow: the detail page of %s: %s", row.Where, d.Shifted))
			default:
				if err := l.record(ctx, row, d); err != nil {
					return err
				}
			}
		}
		pending, pages = retry, nil
		switch {
		case len(pending) == 0:
		case lost && gen != l.relogins:
			// Signed in again since these pages were fetched: fetch anew.
		case lost:
			if err := l.Relogin(ctx); err != nil {
				return l.Fail(ctx, "", err)
			}
		case attempt >= l.bot.cfg.Retries:
			return l.Fail(ctx, "", fmt.Errorf("%w: detail pages answered HTTP %d on %d attempts", bots.ErrPortalUnavailable, failed, attempt+1))
		default:
			if err := l.Backoff(ctx, attempt); err != nil {
				return err
			}
			attempt++
		}
	}
	return nil
}

// fetchDetails gets a batch of detail pages over the browser session and
// reads each.
func (l *listRun) fetchDetails(ctx context.Context, rows []bots.ListRow) ([]detailPage, error) {
	f, urls, err := l.detailFetcher(ctx, rows)
	var pages []detailPage
	if err == nil {
		pages, err = bots.ReadPages(ctx, f, urls, l.readDetail)
	}
	if err != nil {
		return nil, l.failDetails(ctx, err)
	}
	return pages, nil
}

func (l *listRun) detailFetcher(ctx context.Context, rows []bots.ListRow) (*bots.Fetcher, []string, error) {
	urls := make([]string, len(rows))
	for i, row := range rows {
		urls[i] = row.Href
	}
	f, err := l.S.Fetcher(ctx, urls)
	return f, urls, err
}

func (l *listRun) failDetails(ctx context.Context, err error) error {
	return l.Fail(ctx, "", fmt.Errorf("flow: read details: %w", err))
}

// readDetail reads one fetched detail page with the step's sections.
// Error and redirect answers are classified, not read.
func (l *listRun) readDetail(f bots.Fetched) (detailPage, error) {
	d := detailPage{URL: f.URL, Status: f.Status, Redirected: f.Location != "", Matched: map[string]int{}}
	p, maintenance, err := f.Page(l.File, l.Pack.Maintenance)
	if p == nil || err != nil {
		d.Maintained = maintenance
		return d, err
	}
	d.HTML = f.Body
	d.Sections = l.step.Details.read(p)
	d.Shifted = l.step.Details.shifted(d.Sections)
	d.Matched, d.Misses = p.Matched, p.Misses
	return d, nil
}

// record turns one fetched detail page into an observation. Values that
// do not parse become its Problems; only a selector that no longer fits
// the page ends the run.
func (l *listRun) record(ctx context.Context, row bots.ListRow, d detailPage) error {
	l.UsedMap(d.Matched)
	if len(d.Misses) > 0 {
		return l.failOnDetail(ctx, row, d.URL, fmt.Errorf("flow: the detail page of %s: %w", row.Where, l.Miss(d.Misses[0])))
	}
	key := row.Text
	if l.seen[key] {
		// Records shift between pages while the list changes under the
		// run; one observation per run is enough.
		return nil
	}
	data, problems := l.step.Details.build(l.File, l.kind, key, d.Sections, l.cols[key])
	l.seen[key] = true
	ev, err := l.Rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: d.HTML, URL: d.URL,
		Bot: l.bot.cfg.Name, ItemRef: key, SelectorVersion: l.VersionLabel(), CapturedAt: l.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("flow: the record of %s: capture: %w", row.Where, err)
	}
	err = l.Rec.Observe(ctx, orchestrator.Observation{
		Portal: l.S.Target.Portal, ExternalID: key, Kind: l.kind.Kind,
		Queue: l.queue(), Data: data, EvidenceID: ev.ID, Problems: problems,
	})
	if err != nil {
		return fmt.Errorf("flow: the record of %s: observe: %w", row.Where, err)
	}
	return nil
}

// failOnDetail opens the page the run could not read in the browser,
// screenshots it, then returns err.
func (l *listRun) failOnDetail(ctx context.Context, row bots.ListRow, u string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	nerr := l.S.Step(ctx, "open the detail page of "+row.Where+" for a screenshot", func(p *rod.Page) error {
		if err := p.Navigate(u); err != nil {
			return err
		}
		return p.WaitLoad()
	})
	if nerr != nil {
		return fmt.Errorf("%w (and opening the page for a screenshot failed: %w)", err, nerr)
	}
	return l.Fail(ctx, row.Text, err)
}
