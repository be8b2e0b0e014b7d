package flow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/docket-rpa/docket/bots"
)

// Lists paged by a next button without an address (read_list
// next_button): the page's script swaps the rows in place. On each page
// the button is looked up: absent or disabled, the page is the last;
// otherwise it is clicked and the run waits until the rows are others
// than the ones just read. Rows that do not change by the step deadline
// mean the next control could not be followed, and the run fails closed.
// Page 2 and later are read where the click left the browser; a session
// that lapses in between is not resumed at the page it was on (the count
// check then fails the run).

func (s *readListStep) checkNextButton(c *Check) {
	if s.NextButton == "" {
		return
	}
	if s.Next != "" || s.PageURL != "" {
		c.Errorf("next_button excludes next and page_url")
	}
	c.Element(s.NextButton)
}

// shownByClick reports whether list page pageNo is already in the browser,
// brought by clicking the next button.
func (l *listRun) shownByClick(pageNo int) bool { return l.step.NextButton != "" && pageNo > 1 }

// nextByClick clicks the next button and returns a page address for the
// loop's bookkeeping ("click:N"), or "" on the last page.
func (l *listRun) nextByClick(ctx context.Context, pageNo int, shown bots.ListPage) (string, error) {
	what := fmt.Sprintf("%s page %d", l.noun(), pageNo+1)
	var last bool
	err := l.S.Step(ctx, "next button of "+l.noun()+" page "+strconv.Itoa(pageNo), func(p *rod.Page) error {
		m, err := bots.FindElementNow(p, l.File, l.step.NextButton)
		if errors.Is(err, &bots.SelectorMissError{}) {
			last = true
			return nil
		}
		if err != nil {
			return err
		}
		l.Used(m)
		disabled, err := m.Element.Property("disabled")
		if err != nil {
			return err
		}
		if disabled.Bool() {
			last = true
			return nil
		}
		if err := m.Element.Click(proto.InputMouseButtonLeft, 1); err != nil {
			return fmt.Errorf("click %s: %w", l.step.NextButton, err)
		}
		return l.waitRowsChange(p, shown)
	})
	if err != nil {
		return "", l.Fail(ctx, "", fmt.Errorf("flow: %s: the next control could not be followed: %w", what, err))
	}
	if last {
		return "", nil
	}
	return "click:" + strconv.Itoa(pageNo+1), nil
}

// waitRowsChange polls the list until its rows' keys differ from shown's,
// until the step's deadline.
func (l *listRun) waitRowsChange(p *rod.Page, shown bots.ListPage) error {
	before := rowKeys(shown.Rows)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		now, err := bots.ReadList(p, l.File, bots.ListElements{Rows: l.step.Rows, Link: l.step.Link})
		if err == nil && len(now.Rows) > 0 && rowKeys(now.Rows) != before {
			return nil
		}
		select {
		case <-p.GetContext().Done():
			return fmt.Errorf("the rows stayed the same after clicking %s", l.step.NextButton)
		case <-time.After(wait):
		}
	}
}

func rowKeys(rows []bots.ListRow) string {
	out := strconv.Itoa(len(rows))
	for _, r := range rows {
		out += "\x00" + r.Text
	}
	return out
}
