package codingholds

import (
	"context"
	"fmt"
	"net/url"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/orchestrator"
)

// detailPage is what details.js returns for one account.
type detailPage struct {
	URL           string         `json:"url"`
	Status        int            `json:"status"`
	FinalURL      string         `json:"finalUrl"`
	Redirected    bool           `json:"redirected"`
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
}

func (r *run) detailSpec() detailSpec {
	return detailSpec{
		FieldRows: r.jsElement(elDetailFieldRows), Label: r.jsElement(elFieldLabel), Value: r.jsElement(elFieldValue),
		ReasonHeaders: r.jsElement(elHoldReasonHeaders), ReasonRows: r.jsElement(elHoldReasonRows),
		Cell: r.jsElement(elTableCell), QueryRows: r.jsElement(elQueryFieldRows), Deficiencies: r.jsElement(elDeficiencyItems),
	}
}

// readAccounts fetches a batch of detail pages in one evaluation and
// reports each account.
func (r *run) readAccounts(ctx context.Context, rows []listRow) error {
	urls := make([]string, len(rows))
	for i, row := range rows {
		if row.Account == "" || !sameOrigin(row.Href, r.s.Target.BaseURL) {
			return r.fail(ctx, "", fmt.Errorf("codingholds: worklist row %d has no account link on the portal", i+1))
		}
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
		return r.fail(ctx, "", fmt.Errorf("codingholds: read account details: %w", err))
	}
	if len(pages) != len(rows) {
		return fmt.Errorf("codingholds: asked for %d detail pages, got %d", len(rows), len(pages))
	}
	for i, d := range pages {
		if err := r.account(ctx, rows[i].Account, d); err != nil {
			return err
		}
	}
	return nil
}

// account turns one fetched detail page into an observation.
func (r *run) account(ctx context.Context, acct string, d detailPage) error {
	what := "account " + acct + " detail page"
	switch {
	case d.Redirected:
		return r.fail(ctx, "", fmt.Errorf("%w: %s redirected (to the login form)", ErrSessionLost, what))
	case statusError(d.Status, what) != nil:
		return r.fail(ctx, "", statusError(d.Status, what))
	case len(d.Misses) > 0:
		return r.failOnDetail(ctx, acct, d.URL, fmt.Errorf("codingholds: account %s: %w", acct, r.miss(d.Misses[0])))
	}
	hold, err := r.bot.holdFrom(acct, d)
	if err != nil {
		return r.failOnDetail(ctx, acct, d.URL, err)
	}
	if r.seen[acct] {
		// Accounts shift between pages while the worklist changes under
		// the run; one observation per run is enough.
		return nil
	}
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
		Queue: r.bot.cfg.Queue, Data: hold, EvidenceID: ev.ID,
	})
	if err != nil {
		return fmt.Errorf("codingholds: account %s: observe: %w", acct, err)
	}
	return nil
}

// failOnDetail records the page the bot could not read, as HTML and as a
// screenshot of the page opened in the browser, then returns err.
func (r *run) failOnDetail(ctx context.Context, acct, u string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	if oerr := r.open(ctx, "account "+acct+" detail page", u); oerr != nil {
		return fmt.Errorf("%w (and opening the page for a screenshot failed: %w)", err, oerr)
	}
	return r.fail(ctx, acct, err)
}

func sameOrigin(u, base string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && a.Scheme == b.Scheme && a.Host == b.Host
}
