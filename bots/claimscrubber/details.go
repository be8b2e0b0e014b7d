package claimscrubber

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// claimPage is what the bot read from one claim page.
type claimPage struct {
	URL         string
	Status      int // 0: no answer
	Redirected  bool
	Maintenance bool
	HTML        []byte // the page as it came, kept as evidence
	Header      [][2]string
	EditHeaders []string
	Edits       [][]string
	Misses      []string
	Matched     map[string]int
}

// readClaims fetches a batch of claim pages, repeats the
// fetches that met a server error, and reports each claim's edits.
func (r *run) readClaims(ctx context.Context, rows []listRow) error {
	pending, attempt := rows, 0
	for len(pending) > 0 {
		pages, err := r.fetchClaims(ctx, pending)
		if err != nil {
			return err
		}
		var again []listRow
		failed := false // a server error or no answer this round
	pages:
		for i, d := range pages {
			row := pending[i]
			switch {
			case d.Maintenance:
				return r.failAt(ctx, "", "the claim page of "+row.Where, row.Href,
					fmt.Errorf("claimscrubber: the claim page of %s: %w", row.Where, bots.ErrMaintenance))
			case d.Redirected:
				// The session ended: sign in again and fetch the rest.
				if err := r.relogin(ctx, "the claim page of "+row.Where); err != nil {
					return r.fail(ctx, "", err)
				}
				again = append(again, pending[i:]...)
				break pages
			case d.Status >= 500 || d.Status == 0:
				failed = true
				again = append(again, row)
			case d.Status == 404:
				// Released from the scrubber since the list was read: the
				// screens no longer show its edits (the export may).
			case d.Status != 200:
				return r.failAt(ctx, "", "the claim page of "+row.Where, row.Href,
					fmt.Errorf("claimscrubber: the claim page of %s answered HTTP %d", row.Where, d.Status))
			default:
				if err := r.claim(ctx, row, d); err != nil {
					return err
				}
			}
		}
		pending = again
		if !failed {
			continue // nothing failed, or only the session: no backoff
		}
		if attempt >= r.bot.cfg.Retries {
			return r.fail(ctx, "", fmt.Errorf("claimscrubber: the claim page of %s failed %d times with a server error or no answer: %w",
				pending[0].Where, attempt+1, bots.ErrPortalUnavailable))
		}
		if err := r.backoff(ctx, attempt); err != nil {
			return err
		}
		attempt++
	}
	return nil
}

// fetchClaims gets a batch of claim pages over the browser session
// (bots.Fetcher) and reads each with the selector file.
func (r *run) fetchClaims(ctx context.Context, rows []listRow) ([]claimPage, error) {
	urls := make([]string, len(rows))
	for i, row := range rows {
		urls[i] = row.Href
	}
	f, err := r.s.Fetcher(ctx, urls)
	var pages []claimPage
	if err == nil {
		pages, err = bots.ReadPages(ctx, f, urls, r.readClaimPage)
	}
	if err != nil {
		return nil, r.fail(ctx, "", fmt.Errorf("claimscrubber: read claim pages: %w", err))
	}
	return pages, nil
}

// readClaimPage reads one fetched claim page: the header's label/value
// rows and the edit table. Error and redirect answers are classified, not
// read.
func (r *run) readClaimPage(f bots.Fetched) (claimPage, error) {
	d := claimPage{URL: f.URL, Status: f.Status, Redirected: f.Location != "", Matched: map[string]int{}}
	p, maintenance, err := f.Page(r.file, elMaintenance)
	if p == nil || err != nil {
		d.Maintenance = maintenance
		return d, err
	}
	d.HTML = f.Body
	rows := p.Require(elClaimFieldRows)
	d.Header = p.Pairs(rows, elFieldLabel, elFieldValue)
	if rows != nil && len(d.Header) == 0 {
		p.Miss(elFieldLabel)
	}
	d.EditHeaders = bots.Texts(p.Require(elEditHeaders))
	empty := 0
	for _, row := range p.Require(elEditRows) {
		cells := bots.Texts(p.Find(row, elTableCell))
		if len(cells) == 0 {
			empty++
		}
		d.Edits = append(d.Edits, cells)
	}
	if len(d.Edits) > 0 && empty == len(d.Edits) {
		p.Miss(elTableCell)
	}
	d.Matched, d.Misses = p.Matched, p.Misses
	return d, nil
}

// claim records one fetched claim page: its DOM snapshot as evidence,
// then each edit, cross-checked against the export.
func (r *run) claim(ctx context.Context, row listRow, d claimPage) error {
	claimID := row.Text
	r.reportMatches(d.Matched, d.Misses)
	if len(d.Misses) > 0 {
		return r.failAt(ctx, claimID, "the claim page of "+row.Where, d.URL,
			fmt.Errorf("claimscrubber: the claim page of %s: %w", row.Where, r.miss(d.Misses[0])))
	}
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: d.HTML, URL: d.URL,
		Bot: Kind, ItemRef: claimID, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("claimscrubber: the claim of %s: capture: %w", row.Where, err)
	}
	for i, e := range r.bot.screenEdits(claimID, d) {
		if r.seen[e.key] {
			// Claims can move between pages while the run reads; one
			// observation per edit and run is enough.
			continue
		}
		r.seen[e.key] = true
		if err := r.observe(ctx, r.crossCheck(e), ev.ID, fmt.Sprintf("edit %d of the claim of %s", i+1, row.Where)); err != nil {
			return err
		}
	}
	return nil
}

// badRows reports the claim list rows whose claim id cannot identify a
// record (orchestrator.CheckExternalID: a 1 MB id, a line feed, U+202E)
// for intake to keep as exception items (badClaim), and returns the
// others. Their claim pages are not fetched: their addresses carry the
// same bad value, and the run goes on without them.
func (r *run) badRows(ctx context.Context, rows []listRow) ([]listRow, error) {
	good := rows[:0:0]
	for _, row := range rows {
		if orchestrator.CheckExternalID(row.Text) == nil {
			good = append(good, row)
			continue
		}
		if err := r.badClaim(ctx, row.Text, row.Where); err != nil {
			return nil, err
		}
	}
	return good, nil
}

// badClaim hands a claim id that cannot identify a record to intake as it
// is, once per claim and run: the screens and the export (which reads
// whitespace collapsed) count as one. Its edits are not observed.
func (r *run) badClaim(ctx context.Context, id, where string) error {
	key := selectors.ParseText(id)
	if r.badClaims[key] {
		return nil
	}
	r.badClaims[key] = true
	err := r.rec.Observe(ctx, orchestrator.Observation{
		Portal: r.s.Target.Portal, ExternalID: id, Kind: orchestrator.KindClaimEdit, Queue: QueueFor(""),
	})
	if err != nil {
		return fmt.Errorf("claimscrubber: %s: a claim id that cannot identify a record: observe: %w", where, err)
	}
	return nil
}
