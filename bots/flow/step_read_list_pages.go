package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

// Lists without a next control, paged by a page-number URL template
// (read_list page_url: "/worklist?page=${vars.page}", pages: page_count):
// on each page the pages element says how many pages the list has ("Page
// 2 of 4"); while there are more, page N+1 is the template with vars.page
// N+1, at the layout's page size. The count check at the end still
// applies: pages that say fewer than the list holds fail the run.

func (s *readListStep) checkPageURL(c *Check) {
	if s.PageURL == "" && s.Pages == "" {
		return
	}
	if s.PageURL == "" || s.Pages == "" {
		c.Errorf("page_url and pages go together (the address of page N, and the element saying how many pages there are)")
	}
	if s.Next != "" {
		c.Errorf("next and page_url exclude each other")
	}
	c.Template(s.PageURL)
	c.Element(s.Pages)
}

// nextByNumber returns the address of the page after pageNo, "" on the
// last page.
func (l *listRun) nextByNumber(ctx context.Context, pageNo int) (string, error) {
	var text string
	err := l.S.Step(ctx, "read the list's page count", func(p *rod.Page) error {
		m, err := bots.FindElementNow(p, l.File, l.step.Pages)
		if err != nil {
			return err
		}
		l.Used(m)
		text, err = m.Element.Text()
		return err
	})
	if errors.Is(err, &bots.SelectorMissError{}) {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: %s page %d: %w", l.noun(), pageNo, l.Miss(l.step.Pages)))
	}
	if err != nil {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: %s page count: %w", l.noun(), err))
	}
	pages, ok := lastNumber(text)
	if !ok {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: the %s's page count (%s) shows no number", l.noun(), l.step.Pages))
	}
	if pageNo >= pages {
		return "", nil
	}
	l.Vars["page"] = pageNo + 1
	t, err := parseTemplate(l.step.PageURL)
	if err != nil {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: page_url: %w", err))
	}
	p, err := t.render(l.Env())
	if err == nil {
		p, err = l.Abs(p)
	}
	if err == nil {
		p, err = l.sized(p)
	}
	if err != nil {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: page_url: %w", err))
	}
	return p, nil
}
