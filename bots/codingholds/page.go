package codingholds

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// jsElement is an element's candidates as the in-page scripts take them.
type jsElement struct {
	Name       string   `json:"name"`
	Candidates []string `json:"candidates"`
	Optional   bool     `json:"optional"`
}

func (r *run) jsElement(name string) jsElement {
	e, _ := r.file.Element(name) // New checked every element the bot uses
	out := jsElement{Name: name, Optional: e.Optional}
	for _, c := range e.Candidates {
		if c.Strategy == selectors.CSS {
			out.Candidates = append(out.Candidates, c.Value)
		}
	}
	return out
}

type listRow struct {
	Account string `json:"account"`
	Href    string `json:"href"`
}

type listPage struct {
	Rows    []listRow      `json:"rows"`
	Next    string         `json:"next"`
	Empty   bool           `json:"empty"` // the portal says the worklist is empty
	Misses  []string       `json:"misses"`
	Matched map[string]int `json:"matched"`
}

// readPage reads the worklist page the browser shows: evidence first,
// then the rows, then every row's account. It returns the next page's
// address, or "" on the last page.
func (r *run) readPage(ctx context.Context, pageNo int) (string, error) {
	what := fmt.Sprintf("worklist page %d", pageNo)
	if _, err := bots.Locate(ctx, r.s, r.file, elWorklistTable, nil); err != nil {
		return "", r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, err))
	}
	if err := r.screenshot(ctx, ""); err != nil {
		return "", fmt.Errorf("codingholds: %s: %w", what, err)
	}
	if err := r.rec.PageRead(ctx); err != nil {
		return "", fmt.Errorf("codingholds: %s: %w", what, err)
	}
	var list listPage
	err := r.s.Step(ctx, "read "+what, func(p *rod.Page) error {
		res, err := p.Eval(listJS, map[string]jsElement{
			"rows":  r.jsElement(elWorklistRows),
			"link":  r.jsElement(elRowLink),
			"next":  r.jsElement(elNextPage),
			"empty": r.jsElement(elWorklistEmpty),
		})
		if err != nil {
			return err
		}
		return res.Value.Unmarshal(&list)
	})
	if err != nil {
		return "", r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, err))
	}
	if len(list.Rows) == 0 && !list.Empty {
		// No rows and no "empty worklist" notice: the row selector broke.
		list.Misses = append(list.Misses, elWorklistRows)
	}
	if len(list.Misses) > 0 {
		return "", r.fail(ctx, "", fmt.Errorf("codingholds: %s: %w", what, r.miss(list.Misses[0])))
	}
	for start := 0; start < len(list.Rows); start += r.bot.cfg.BatchSize {
		batch := list.Rows[start:min(start+r.bot.cfg.BatchSize, len(list.Rows))]
		if err := r.readAccounts(ctx, batch); err != nil {
			return "", err
		}
	}
	return list.Next, nil
}

func (r *run) miss(element string) *bots.SelectorMissError {
	e, _ := r.file.Element(element)
	return &bots.SelectorMissError{Portal: r.file.Portal, Element: element, Tried: e.Tried()}
}

// screenshot captures the whole page as evidence for item ("" for a list
// page).
func (r *run) screenshot(ctx context.Context, item string) error {
	png, err := r.s.Screenshot(ctx)
	if err != nil {
		return err
	}
	u, err := r.s.URL(ctx)
	if err != nil {
		return err
	}
	_, err = r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png", Content: png, URL: u,
		Bot: Kind, ItemRef: item, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	return err
}

// fail captures a screenshot of where the run failed, then returns err.
// A run that was cancelled gets no screenshot: the browser is going away.
func (r *run) fail(ctx context.Context, item string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	if serr := r.screenshot(ctx, item); serr != nil {
		return fmt.Errorf("%w (and the failure screenshot failed: %w)", err, serr)
	}
	return err
}
