package flow

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/selectors"
)

func init() { RegisterStep("cross_check", func() Step { return &crossCheckStep{} }) }

// crossCheckStep downloads the portal's export of the list (CSV) over the
// browser's session and checks it against the records the run read so
// far: every key the export lists must have been read, and every record
// read must be in the export. Either difference fails the run closed, with
// how many records differ (never which: keys may be PHI). It catches what
// the screens hide, such as a list that stops early without a count.
type crossCheckStep struct {
	// Export is the export's address, a path template.
	Export string `yaml:"export"`
	// Key is the export's column holding the records' keys.
	Key string `yaml:"key"`
}

func (s *crossCheckStep) Check(c *Check) {
	c.Required("export", s.Export)
	c.Required("key", s.Key)
	c.Template(s.Export)
}

func (s *crossCheckStep) Run(ctx context.Context, r *Run) error {
	keys, err := s.download(ctx, r)
	if err != nil {
		return r.Fail(ctx, "", fmt.Errorf("flow: cross-check: %w", err))
	}
	missing, extra := 0, 0
	for k := range keys {
		if !r.seen[k] {
			missing++
		}
	}
	for k := range r.seen {
		if !keys[k] {
			extra++
		}
	}
	switch {
	case missing > 0:
		return r.Fail(ctx, "", fmt.Errorf("flow: cross-check: the export lists %d records, %d of which the run did not read: the list ended early or skipped records", len(keys), missing))
	case extra > 0:
		return r.Fail(ctx, "", fmt.Errorf("flow: cross-check: the run read %d records the export (%d records) does not list", extra, len(keys)))
	}
	return nil
}

// download fetches the export and returns the keys of its rows.
func (s *crossCheckStep) download(ctx context.Context, r *Run) (map[string]bool, error) {
	t, err := parseTemplate(s.Export)
	if err != nil {
		return nil, err
	}
	p, err := t.render(r.Env())
	if err != nil {
		return nil, err
	}
	u, err := r.Abs(p)
	if err != nil {
		return nil, err
	}
	return bots.ReadPage(ctx, r.S, u, func(f bots.Fetched) (map[string]bool, error) {
		switch {
		case f.Err != nil:
			return nil, f.Err
		case f.Location != "":
			return nil, errors.New("the export redirected (the session lapsed or the export moved)")
		case f.Status != 200:
			return nil, fmt.Errorf("the export answered HTTP %d", f.Status)
		}
		return s.keys(f.Body)
	})
}

// keys reads the key column of a CSV export.
func (s *crossCheckStep) keys(body []byte) (map[string]bool, error) {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("the export is not CSV: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("the export is empty (no header row)")
	}
	col := -1
	for i, h := range rows[0] {
		if selectors.ParseText(strings.TrimPrefix(h, "\ufeff")) == s.Key {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("the export has no column %q", s.Key)
	}
	out := make(map[string]bool, len(rows)-1)
	for n, row := range rows[1:] {
		if col >= len(row) {
			return nil, fmt.Errorf("export row %d has no %q cell", n+1, s.Key)
		}
		out[selectors.ParseText(row[col])] = true
	}
	return out, nil
}
