package flow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

func init() { RegisterStep("read_list", func() Step { return &readListStep{} }) }

// readListStep reads a paged list and each of its rows' detail pages into
// records of the flow's kind: the list at the largest page size the layout
// declares, one evaluation per list page (rows, their links, the next
// link), then the rows' detail pages fetched over the browser session in
// batches and read in Go by label (details), while the browser goes on to
// the next list page. Each row's link text is its record's key.
//
// It fails closed: a next link back to a page already read, more pages
// than max_pages, a count element saying the list holds more records than
// were read, or a page showing neither rows nor a known notice ends the
// run with a reason and a screenshot.
type readListStep struct {
	Rows     string `yaml:"rows"`
	Link     string `yaml:"link"`
	Next     string `yaml:"next"`
	Empty    string `yaml:"empty"`
	Error    string `yaml:"error"`
	Count    string `yaml:"count"`
	MaxPages int    `yaml:"max_pages"`
	// PageURL and Pages page a list that has no next control: the address
	// of page N (a template seeing vars.page) and the element that says
	// how many pages there are ("Page 2 of 4"). See step_read_list_pages.go.
	PageURL string `yaml:"page_url"`
	Pages   string `yaml:"pages"`
	// NextButton pages a list whose next control is a button without an
	// address that swaps the rows in place. See step_read_list_click.go.
	NextButton string `yaml:"next_button"`
	// Noun names the list in messages ("worklist page 2 row 7"); default
	// "list". Messages never show a row's text (it may be PHI).
	Noun    string       `yaml:"noun"`
	Details *detailsSpec `yaml:"details"`
	// Columns reads each row's cells by column header name into the
	// record; without Details the record is the row alone.
	Columns *columnsSpec `yaml:"columns"`
}

func (s *readListStep) Check(c *Check) {
	c.Required("rows", s.Rows)
	c.Required("link", s.Link)
	c.Element(s.Rows, s.Link, s.Next, s.Empty, s.Error, s.Count)
	s.checkPageURL(c)
	s.checkNextButton(c)
	if s.MaxPages < 0 {
		c.Errorf("max_pages is negative")
	}
	if c.Kind() == "" {
		c.Errorf("read_list emits records, but the flow declares no kind")
	}
	if s.Details == nil && s.Columns == nil {
		c.Errorf("read_list needs details (each row's page) or columns (the row by header), or both")
		return
	}
	read := map[string]bool{}
	if s.Columns != nil {
		s.Columns.check(c, read)
	}
	if s.Details != nil {
		s.Details.check(c, read)
	} else if kf := s.Columns.KeyField; kf != "" {
		if kind, _ := c.Pack().Kind(orchestrator.ItemKind(c.Kind())); !hasField(kind, kf) {
			c.Errorf("columns.key_field %s is not a field of kind %s", kf, kind.Kind)
		}
	}
}

func hasField(k orchestrator.RecordKind, name string) bool {
	_, ok := k.Field(name)
	return ok
}

// listRun is one read_list step's state in a run.
type listRun struct {
	*Run
	step *readListStep
	kind orchestrator.RecordKind
	cols map[string]*columnsRead // by row key, of the pages being read
}

func (s *readListStep) Run(ctx context.Context, r *Run) error {
	kind, _ := r.Pack.Kind(orchestrator.ItemKind(r.Flow.Kind))
	l := &listRun{Run: r, step: s, kind: kind, cols: map[string]*columnsRead{}}
	return l.do(ctx)
}

func (l *listRun) noun() string {
	if l.step.Noun != "" {
		return l.step.Noun
	}
	return "list"
}

func (l *listRun) maxPages() int {
	if l.step.MaxPages > 0 {
		return l.step.MaxPages
	}
	return MaxPagesDefault
}

// first is the first list page's address: the page the browser shows
// (the start page), at the layout's largest page size.
func (l *listRun) first(ctx context.Context) (string, error) {
	u, err := l.S.URL(ctx)
	if err != nil {
		return "", err
	}
	if start, err := l.Start(); err == nil && !strings.HasPrefix(u, "http") {
		u = start
	}
	return l.sized(u)
}

// sized sets the layout's page size parameter on a list address.
func (l *listRun) sized(u string) (string, error) {
	ps := l.Pack.Settings[l.File.Version].PageSize
	if ps == nil || l.bot.cfg.PageSize < 0 {
		return u, nil
	}
	size := ps.Largest
	if l.bot.cfg.PageSize > 0 {
		size = min(l.bot.cfg.PageSize, ps.Largest)
	}
	pu, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("flow: list address: %w", err)
	}
	q := pu.Query()
	q.Set(ps.Param, strconv.Itoa(size))
	pu.RawQuery = q.Encode()
	return pu.String(), nil
}

func (l *listRun) do(ctx context.Context) error {
	next, err := l.first(ctx)
	if err != nil {
		return l.Fail(ctx, "", err)
	}
	// While the browser opens list page n+1, the detail pages of page n
	// are fetched and read in the background (ahead); the records are
	// reported, and failures handled, back here, once page n+1 is read.
	var ahead *prefetch
	defer func() { ahead.stop() }()
	visited := map[string]bool{next: true}
	for pageNo := 1; ; pageNo++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("flow: %w", err)
		}
		list, err := l.readPage(ctx, pageNo, next)
		if err != nil {
			return err
		}
		if list.Next == "" && l.step.PageURL != "" {
			if list.Next, err = l.nextByNumber(ctx, pageNo); err != nil {
				return err
			}
		}
		if list.Next == "" && l.step.NextButton != "" {
			if list.Next, err = l.nextByClick(ctx, pageNo, list); err != nil {
				return err
			}
		}
		if err := l.finish(ctx, ahead); err != nil {
			return err
		}
		rows, err := l.badRows(ctx, list.Rows)
		if err != nil {
			return err
		}
		if l.step.Details == nil {
			if err := l.rowRecords(ctx, rows); err != nil {
				return err
			}
		} else if ahead, err = l.prefetch(ctx, rows); err != nil {
			return err
		}
		if list.Next == "" {
			// The count is read now: fetching the details may sign in
			// again, which takes the browser off this page.
			total, err := l.readCount(ctx, pageNo)
			if err != nil {
				return err
			}
			if err := l.finish(ctx, ahead); err != nil {
				return err
			}
			return l.checkCount(ctx, pageNo, total)
		}
		// A pager that links back to a page already read would loop
		// forever; the portal is broken, not the list endless.
		if visited[list.Next] {
			return l.Fail(ctx, "", fmt.Errorf("flow: %s page %d links back to a page already read", l.noun(), pageNo))
		}
		if pageNo >= l.maxPages() {
			return l.Fail(ctx, "", fmt.Errorf("flow: the %s has more than max_pages (%d) pages; the run read only those", l.noun(), l.maxPages()))
		}
		visited[list.Next] = true
		next = list.Next
	}
}

// readPage opens list page u, waits for its rows and reads them: evidence
// first, then the rows with their links and the next page's address.
func (l *listRun) readPage(ctx context.Context, pageNo int, u string) (bots.ListPage, error) {
	what := fmt.Sprintf("%s page %d", l.noun(), pageNo)
	if !l.shownByClick(pageNo) {
		if err := l.openList(ctx, what, u); err != nil {
			return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s: %w", what, err))
		}
	}
	if err := l.Screenshot(ctx, ""); err != nil {
		return bots.ListPage{}, fmt.Errorf("flow: %s: %w", what, err)
	}
	var list bots.ListPage
	var table bots.Table
	err := l.S.Step(ctx, "read "+what, func(p *rod.Page) error {
		var err error
		list, err = bots.ReadList(p, l.File, bots.ListElements{Rows: l.step.Rows, Link: l.step.Link, Next: l.step.Next, Empty: l.step.Empty})
		if err == nil && l.step.Columns != nil {
			table, err = bots.ReadTable(p, l.File, bots.TableElements{Headers: l.step.Columns.Headers, Rows: l.step.Rows, Cell: l.step.Columns.Cell})
		}
		return err
	})
	if err != nil {
		return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s: %w", what, err))
	}
	l.UsedMap(list.Matched)
	if len(list.Rows) == 0 && !list.Empty {
		// No rows and no "empty list" notice: the row selector broke.
		list.Misses = append(list.Misses, l.step.Rows)
	}
	if len(list.Misses) > 0 {
		return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s: %w", what, l.Miss(list.Misses[0])))
	}
	if l.step.Columns != nil {
		l.UsedMap(table.Matched)
		if len(table.Rows) != len(list.Rows) {
			return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s shows %d rows with links but %d rows of cells", what, len(list.Rows), len(table.Rows)))
		}
		if len(list.Rows) > 0 && len(table.Headers) == 0 {
			return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s: %w", what, l.Miss(l.step.Columns.Headers)))
		}
		for i, cells := range table.Rows {
			if len(cells) != len(table.Headers) {
				// Read by position, a value would sit under another
				// column's header: no record of the page can be trusted.
				return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s row %d has %d cells under %d headers: read by position, a value would shift into another's place",
					what, i+1, len(cells), len(table.Headers)))
			}
		}
	}
	for i, row := range list.Rows {
		if row.Text == "" || !sameOrigin(row.Href, l.S.Target.BaseURL) {
			return bots.ListPage{}, l.Fail(ctx, "", fmt.Errorf("flow: %s row %d has no link on the portal", what, i+1))
		}
		list.Rows[i].Where = fmt.Sprintf("%s row %d", what, i+1)
		if l.step.Columns != nil && !l.seen[row.Text] {
			l.cols[row.Text] = &columnsRead{spec: l.step.Columns, headers: table.Headers, cells: table.Rows[i]}
		}
	}
	return list, nil
}

// openList opens a list page and waits until its rows show (or a notice
// that there are none). A page whose script failed to load its rows is
// reloaded with backoff; a lapsed session is re-established; a page
// showing none of these is unexpected.
func (l *listRun) openList(ctx context.Context, what, u string) error {
	expect := []string{l.step.Rows}
	for _, e := range []string{l.step.Empty, l.step.Error} {
		if e != "" {
			expect = append(expect, e)
		}
	}
	login := l.loginElements()
	for attempt := 0; ; {
		if err := l.Open(ctx, what, u); err != nil {
			return err
		}
		var state string
		err := l.S.Step(ctx, "wait for "+what, func(p *rod.Page) error {
			var m bots.Match
			var err error
			// The page's script may navigate (to the login form) while
			// the bot looks: look again on the page it went to.
			for i := 0; i < 3; i++ {
				m, err = bots.FindElement(p, l.File, append(expect, login...)...)
				if err == nil || !bots.NavigatedAway(err) {
					break
				}
				if err := p.WaitLoad(); err != nil {
					return err
				}
			}
			state = m.Name
			l.Used(m)
			return err
		})
		if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
			// Neither rows nor a notice. On a server error page that is
			// the portal's fault; on another page than the list's, a
			// page the flow does not know; otherwise the row selector
			// broke.
			switch {
			case l.OnErrorPage(ctx):
				state, err = l.step.Error, nil
			case l.elsewhere(ctx, u):
				return l.Unexpected(ctx, what, append(expect, login...))
			default:
				return l.Miss(l.step.Rows)
			}
		}
		if err != nil {
			return err
		}
		switch {
		case state == l.step.Rows || (state == l.step.Empty && state != ""):
			return nil
		case contains(login, state):
			if err := l.Relogin(ctx); err != nil {
				return err
			}
			continue // the session is back: the same page again
		}
		// The page's script could not load the rows (a server error).
		if attempt >= l.bot.cfg.Retries {
			return fmt.Errorf("%w: %s did not load its rows on %d attempts", bots.ErrPortalUnavailable, what, attempt+1)
		}
		if err := l.Backoff(ctx, attempt); err != nil {
			return err
		}
		attempt++
	}
}

// elsewhere reports whether the browser shows another page than u (a
// redirect to a page the flow does not know).
func (l *listRun) elsewhere(ctx context.Context, u string) bool {
	now, err := l.S.URL(ctx)
	if err != nil {
		return false
	}
	a, err1 := url.Parse(now)
	b, err2 := url.Parse(u)
	return err1 == nil && err2 == nil && a.Path != b.Path
}

// rowRecords reports each row's record from its columns alone (a flow
// without details), then counts the list page read.
func (l *listRun) rowRecords(ctx context.Context, rows []bots.ListRow) error {
	for _, row := range rows {
		key := row.Text
		if l.seen[key] {
			continue
		}
		l.seen[key] = true
		data, problems := (*detailsSpec)(nil).build(l.File, l.kind, key, nil, l.cols[key])
		if kf := l.step.Columns.KeyField; kf != "" {
			if m, ok := data.(map[string]any); ok {
				m[kf] = key
			}
		}
		delete(l.cols, key)
		err := l.Rec.Observe(ctx, orchestrator.Observation{
			Portal: l.S.Target.Portal, ExternalID: key, Kind: l.kind.Kind, Queue: l.queue(), Data: data, Problems: problems,
		})
		if err != nil {
			return fmt.Errorf("flow: the record of %s: observe: %w", row.Where, err)
		}
	}
	if err := l.Rec.PageRead(ctx); err != nil {
		return fmt.Errorf("flow: %w", err)
	}
	return nil
}

// badRows reports the rows whose key cannot identify a record
// (orchestrator.CheckExternalID) as they are, for intake to keep as
// exception items, and returns the others. Their pages are not fetched.
func (l *listRun) badRows(ctx context.Context, rows []bots.ListRow) ([]bots.ListRow, error) {
	good := rows[:0:0]
	for _, row := range rows {
		if orchestrator.CheckExternalID(row.Text) == nil {
			good = append(good, row)
			continue
		}
		if l.seen[row.Text] {
			continue
		}
		l.seen[row.Text] = true
		err := l.Rec.Observe(ctx, orchestrator.Observation{
			Portal: l.S.Target.Portal, ExternalID: row.Text, Kind: l.kind.Kind, Queue: l.queue(),
		})
		if err != nil {
			return nil, fmt.Errorf("flow: list row with an unusable key: observe: %w", err)
		}
	}
	return good, nil
}

func (l *listRun) queue() string {
	if l.bot.cfg.Queue != "" {
		return l.bot.cfg.Queue
	}
	return l.kind.Queue
}

// readCount reads the list's own count of its records on its last page;
// -1 when the step has no count element.
func (l *listRun) readCount(ctx context.Context, pageNo int) (int, error) {
	if l.step.Count == "" {
		return -1, nil
	}
	var text string
	err := l.S.Step(ctx, "read the list's count", func(p *rod.Page) error {
		m, err := bots.FindElementNow(p, l.File, l.step.Count)
		if err != nil {
			return err
		}
		l.Used(m)
		text, err = m.Element.Text()
		return err
	})
	if errors.Is(err, &bots.SelectorMissError{}) {
		return 0, l.Fail(ctx, "", fmt.Errorf("flow: %s page %d: %w", l.noun(), pageNo, l.Miss(l.step.Count)))
	}
	if err != nil {
		return 0, l.Fail(ctx, "", fmt.Errorf("flow: %s count: %w", l.noun(), err))
	}
	total, ok := lastNumber(text)
	if !ok {
		return 0, l.Fail(ctx, "", fmt.Errorf("flow: the %s's count element (%s) shows no number", l.noun(), l.step.Count))
	}
	return total, nil
}

// checkCount compares the list's count of its records with the records
// the run read; fewer read fails the run: it ended early.
func (l *listRun) checkCount(ctx context.Context, pageNo, total int) error {
	if read := len(l.seen); total >= 0 && read < total {
		return l.Fail(ctx, "", fmt.Errorf("flow: the %s says it holds %d records, but the run read %d on %d pages: it ended early", l.noun(), total, read, pageNo))
	}
	return nil
}

// lastNumber is the last run of digits (with thousands separators) in s:
// "Showing 1–25 of 1,234" is 1234.
func lastNumber(s string) (int, bool) {
	end := strings.LastIndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if end < 0 {
		return 0, false
	}
	start := end
	for start > 0 && (s[start-1] >= '0' && s[start-1] <= '9' || s[start-1] == ',') {
		start--
	}
	n, err := strconv.Atoi(strings.ReplaceAll(strings.Trim(s[start:end+1], ","), ",", ""))
	return n, err == nil
}

func sameOrigin(u, base string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && a.Scheme == b.Scheme && a.Host == b.Host
}
