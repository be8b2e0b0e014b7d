package claimscrubber

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// claimPage is what details.js returns for one claim.
type claimPage struct {
	URL         string         `json:"url"`
	Status      int            `json:"status"`
	Redirected  bool           `json:"redirected"`
	Maintenance bool           `json:"maintenance"`
	Error       string         `json:"error"`
	HTML        string         `json:"html"`
	Header      [][2]string    `json:"header"`
	EditHeaders []string       `json:"editHeaders"`
	Edits       [][]string     `json:"edits"`
	Misses      []string       `json:"misses"`
	Matched     map[string]int `json:"matched"`
}

type detailSpec struct {
	Maintenance *jsElement `json:"maintenance"`
	FieldRows   *jsElement `json:"fieldRows"`
	Label       *jsElement `json:"label"`
	Value       *jsElement `json:"value"`
	EditHeaders *jsElement `json:"editHeaders"`
	EditRows    *jsElement `json:"editRows"`
	Cell        *jsElement `json:"cell"`
}

func (r *run) detailSpec() detailSpec {
	return detailSpec{
		Maintenance: r.js(elMaintenance), FieldRows: r.js(elClaimFieldRows), Label: r.js(elFieldLabel),
		Value: r.js(elFieldValue), EditHeaders: r.js(elEditHeaders), EditRows: r.js(elEditRows), Cell: r.js(elTableCell),
	}
}

// readClaims fetches a batch of claim pages in one evaluation, repeats the
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
				return r.failAt(ctx, "", "claim "+row.Text+" page", row.Href,
					fmt.Errorf("claimscrubber: claim %s page: %w", row.Text, bots.ErrMaintenance))
			case d.Redirected:
				// The session ended: sign in again and fetch the rest.
				if err := r.relogin(ctx, "claim "+row.Text+" page"); err != nil {
					return r.fail(ctx, "", err)
				}
				again = append(again, pending[i:]...)
				break pages
			case d.Status >= 500 || d.Error != "":
				failed = true
				again = append(again, row)
			case d.Status == 404:
				// Released from the scrubber since the list was read: the
				// screens no longer show its edits (the export may).
			case d.Status != 200:
				return r.failAt(ctx, "", "claim "+row.Text+" page", row.Href,
					fmt.Errorf("claimscrubber: claim %s page answered HTTP %d", row.Text, d.Status))
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
			return r.fail(ctx, "", fmt.Errorf("claimscrubber: claim %s page failed %d times with a server error or no answer: %w",
				pending[0].Text, attempt+1, bots.ErrPortalUnavailable))
		}
		if err := r.backoff(ctx, attempt); err != nil {
			return err
		}
		attempt++
	}
	return nil
}

func (r *run) fetchClaims(ctx context.Context, rows []listRow) ([]claimPage, error) {
	urls := make([]string, len(rows))
	for i, row := range rows {
		urls[i] = row.Href
	}
	var pages []claimPage
	err := r.s.Step(ctx, fmt.Sprintf("fetch %d claim pages", len(urls)), func(p *rod.Page) error {
		res, err := p.Eval(detailsJS, urls, r.detailSpec())
		if err != nil {
			return err
		}
		return res.Value.Unmarshal(&pages)
	})
	if err != nil {
		return nil, r.fail(ctx, "", fmt.Errorf("claimscrubber: read claim pages: %w", err))
	}
	if len(pages) != len(rows) {
		return nil, fmt.Errorf("claimscrubber: asked for %d claim pages, got %d", len(rows), len(pages))
	}
	return pages, nil
}

// claim records one fetched claim page: its DOM snapshot as evidence,
// then each edit, cross-checked against the export.
func (r *run) claim(ctx context.Context, row listRow, d claimPage) error {
	claimID := row.Text
	r.reportMatches(d.Matched, d.Misses)
	if len(d.Misses) > 0 {
		return r.failAt(ctx, claimID, "claim "+claimID+" page", d.URL,
			fmt.Errorf("claimscrubber: claim %s: %w", claimID, r.miss(d.Misses[0])))
	}
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: []byte(d.HTML), URL: d.URL,
		Bot: Kind, ItemRef: claimID, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("claimscrubber: claim %s: capture: %w", claimID, err)
	}
	for _, e := range r.bot.screenEdits(claimID, d) {
		if r.seen[e.key] {
			// Claims can move between pages while the run reads; one
			// observation per edit and run is enough.
			continue
		}
		r.seen[e.key] = true
		if err := r.observe(ctx, r.crossCheck(e), ev.ID); err != nil {
			return err
		}
	}
	return nil
}
