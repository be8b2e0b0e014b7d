package codingholds

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// detailPage is what details.js returns for one account.
type detailPage struct {
	URL           string         `json:"url"`
	Status        int            `json:"status"`
	FinalURL      string         `json:"finalUrl"`
	Redirected    bool           `json:"redirected"`
	Maintenance   bool           `json:"maintenance"`
	HTML          string         `json:"html"`
	Fields        [][2]string    `json:"fields"`
	ReasonHeaders []string       `json:"reasonHeaders"`
	Reasons       [][]string     `json:"reasons"`
	Query         [][2]string    `json:"query"` // nil when the page has no query section
	Deficiencies  []string       `json:"deficiencies"`
	Misses        []string       `json:"misses"`
	Matched       map[string]int `json:"matched"`
}

type detailSpec struct {
	FieldRows     jsElement `json:"fieldRows"`
	Label         jsElement `json:"label"`
	Value         jsElement `json:"value"`
	ReasonHeaders jsElement `json:"reasonHeaders"`
	ReasonRows    jsElement `json:"reasonRows"`
	Cell          jsElement `json:"cell"`
	QueryRows     jsElement `json:"queryRows"`
	Deficiencies  jsElement `json:"deficiencies"`
	Maintenance   jsElement `json:"maintenance"`
}

func (r *run) detailSpec() detailSpec {
	return detailSpec{
		FieldRows: r.jsElement(elDetailFieldRows), Label: r.jsElement(elFieldLabel), Value: r.jsElement(elFieldValue),
		ReasonHeaders: r.jsElement(elHoldReasonHeaders), ReasonRows: r.jsElement(elHoldReasonRows),
		Cell: r.jsElement(elTableCell), QueryRows: r.jsElement(elQueryFieldRows), Deficiencies: r.jsElement(elDeficiencyItems),
		Maintenance: r.jsElement(elMaintenance),
	}
}

// readAccounts fetches a batch of detail pages in one evaluation and
// reports each account. Pages that failed with a server error are fetched
// again with backoff; when the portal ended the session, the bot signs in
// again and fetches the rest. Each account is observed once.
func (r *run) readAccounts(ctx context.Context, rows []listRow) error {
	for i, row := range rows {
		if row.Account == "" || !sameOrigin(row.Href, r.s.Target.BaseURL) {
			return r.fail(ctx, "", fmt.Errorf("codingholds: worklist row %d has no account link on the portal", i+1))
		}
	}
	pending := rows
	for attempt := 0; len(pending) > 0; {
		pages, err := r.fetchDetails(ctx, pending)
		if err != nil {
			return err
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
				return r.failOnDetail(ctx, row.Account, d.URL,
					fmt.Errorf("%w: account %s detail page shows the maintenance page", bots.ErrMaintenance, row.Account))
			case d.Status >= 500 || d.Status == 0:
				failed = d.Status
				retry = append(retry, row)
			case d.Status >= 400:
				return r.failOnDetail(ctx, row.Account, d.URL, fmt.Errorf("codingholds: account %s detail page answered HTTP %d", row.Account, d.Status))
			default:
				if err := r.account(ctx, row.Account, d); err != nil {
					return err
				}
			}
		}
		pending = retry
		switch {
		case len(pending) == 0:
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

func (r *run) fetchDetails(ctx context.Context, rows []listRow) ([]detailPage, error) {
	urls := make([]string, len(rows))
	for i, row := range rows {
		urls[i] = row.Href
	}
	var pages []detailPage
	err := r.s.Step(ctx, fmt.Sprintf("fetch %d account details", len(urls)), func(p *rod.Page) error {
		res, err := p.Eval(detailsJS, urls, r.detailSpec())
		if err != nil {
			return err
		}
		return res.Value.Unmarshal(&pages)
	})
	if err != nil {
		return nil, r.fail(ctx, "", fmt.Errorf("codingholds: read account details: %w", err))
	}
	if len(pages) != len(rows) {
		return nil, fmt.Errorf("codingholds: asked for %d detail pages, got %d", len(rows), len(pages))
	}
	return pages, nil
}

// account turns one fetched detail page into an observation. Values that
// do not parse become the observation's Problems; only a selector that no
// longer fits the page ends the run.
func (r *run) account(ctx context.Context, acct string, d detailPage) error {
	r.usedMap(d.Matched)
	if len(d.Misses) > 0 {
		return r.failOnDetail(ctx, acct, d.URL, fmt.Errorf("codingholds: account %s: %w", acct, r.miss(d.Misses[0])))
	}
	if r.seen[acct] {
		// Accounts shift between pages while the worklist changes under
		// the run; one observation per run is enough.
		return nil
	}
	hold, problems := r.l.holdFrom(acct, d)
	r.seen[acct] = true
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Content: []byte(d.HTML), URL: d.URL,
		Bot: Kind, ItemRef: acct, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("codingholds: account %s: capture: %w", acct, err)
	}
	err = r.rec.Observe(ctx, orchestrator.Observation{
		Portal: r.s.Target.Portal, ExternalID: acct, Kind: orchestrator.KindCodingHold,
		Queue: r.bot.cfg.Queue, Data: hold, EvidenceID: ev.ID, Problems: problems,
	})
	if err != nil {
		return fmt.Errorf("codingholds: account %s: observe: %w", acct, err)
	}
	return nil
}
