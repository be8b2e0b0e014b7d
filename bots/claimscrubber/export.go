package claimscrubber

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// exportSet is the CSV export parsed, by edit key.
type exportSet struct {
	byKey      map[string]*parsedEdit
	order      []string
	matched    map[string]bool // keys also read from the screens
	broken     bool            // the file could not be read at all
	evidenceID int64
}

// download is the export as fetched over the browser session.
type download struct {
	Status      int // 0: no answer
	Redirected  bool
	Maintenance bool
	ContentType string
	Disposition string
	Text        string
}

// readExport finds the export link on the page the browser shows (the
// first batch list page), downloads the CSV over the browser session,
// keeps it as evidence and parses it.
func (r *run) readExport(ctx context.Context) error {
	var list bots.ListPage
	err := r.s.Step(ctx, "find export link", func(p *rod.Page) error {
		var err error
		list, err = bots.ReadList(p, r.file, bots.ListElements{Rows: elBatchRows, Link: elBatchLink, Next: elNextPage,
			Empty: elListEmpty, Export: elExportLink})
		return err
	})
	if err != nil {
		return r.fail(ctx, "", fmt.Errorf("claimscrubber: find export link: %w", err))
	}
	if list.ExportHref == "" || !sameOrigin(list.ExportHref, r.base) {
		r.rec.SelectorUsed(r.file.Portal, elExportLink, -1)
		return r.fail(ctx, "", fmt.Errorf("claimscrubber: batch list: %w", r.miss(elExportLink)))
	}
	r.rec.SelectorUsed(r.file.Portal, elExportLink, list.Matched[elExportLink])
	dl, err := r.download(ctx, list.ExportHref)
	if err != nil {
		return err
	}
	// What came back is evidence whatever it is; only a CSV download is
	// read. Anything else flags every edit instead of failing the run:
	// the screens are still worth reading.
	media, csvFile := "text/csv", isCSV(dl)
	if !csvFile {
		media = "application/octet-stream"
	}
	ev, err := r.rec.Capture(ctx, orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceExport, MediaType: media, Content: []byte(dl.Text), URL: list.ExportHref,
		Bot: Kind, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now(),
	})
	if err != nil {
		return fmt.Errorf("claimscrubber: export: capture: %w", err)
	}
	if csvFile {
		r.export = parseExport(r.bot.fields[groupExport], dl.Text)
	} else {
		r.export = &exportSet{byKey: map[string]*parsedEdit{}, matched: map[string]bool{}, broken: true}
	}
	r.export.evidenceID = ev.ID
	return nil
}

// isCSV reports whether a download is the CSV file the export link
// promises.
func isCSV(dl download) bool {
	return strings.Contains(strings.ToLower(dl.ContentType), "csv") ||
		strings.HasPrefix(strings.ToLower(strings.TrimSpace(dl.Disposition)), "attachment")
}

// download fetches the export, repeating it after a server error and
// signing in again if the session ended.
func (r *run) download(ctx context.Context, u string) (download, error) {
	for attempt := 0; ; attempt++ {
		dl, err := bots.ReadPage(ctx, r.s, u, r.readDownload)
		if err != nil {
			return dl, r.fail(ctx, "", fmt.Errorf("claimscrubber: download export: %w", err))
		}
		if dl.Redirected {
			if err := r.relogin(ctx, "export"); err != nil {
				return dl, r.fail(ctx, "", err)
			}
			continue
		}
		status := dl.Status
		if dl.Status == 0 {
			// The request failed in the browser: retry like a server
			// error (599 is the conventional "network error" status).
			status = 599
		}
		retry, err := r.judge(ctx, "export", status, dl.Maintenance, attempt)
		if err != nil {
			if errors.Is(err, bots.ErrMaintenance) {
				// Show the maintenance page, not the list behind it.
				return dl, r.failAt(ctx, "", "start page", r.start, err)
			}
			return dl, r.fail(ctx, "", err)
		}
		if !retry {
			return dl, nil
		}
	}
}

// readDownload classifies the fetched export; on a server error it looks
// for the maintenance notice.
func (r *run) readDownload(f bots.Fetched) (download, error) {
	dl := download{Status: f.Status, Redirected: f.Location != ""}
	if f.Err != nil || dl.Redirected || f.Status >= 500 {
		var err error
		_, dl.Maintenance, err = f.Page(r.file, elMaintenance)
		return dl, err
	}
	dl.ContentType, dl.Disposition = f.Header.Get("Content-Type"), f.Header.Get("Content-Disposition")
	dl.Text = string(f.Body)
	return dl, nil
}

// parseExport reads the CSV by the selector file's export headings. A row
// the CSV reader cannot split, or without its claim and edit id, is
// skipped (its edits then show as missing from the export); a file
// without the key columns in its heading row is broken.
func parseExport(fields []selectors.Field, text string) *exportSet {
	set := &exportSet{byKey: map[string]*parsedEdit{}, matched: map[string]bool{}}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	cr.FieldsPerRecord = -1
	headings, err := cr.Read()
	if err != nil || !hasKeyColumns(fields, headings) {
		set.broken = true
		return set
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			continue
		}
		e := &parsedEdit{values: map[string]any{}}
		parseFields(fields, byHeading(headings, rec), e)
		claimID, ok1 := e.values["claim_id"].(string)
		editID, ok2 := e.values["edit_id"].(string)
		if !ok1 || !ok2 {
			continue // no key to match or observe it by
		}
		e.key = claimID + ":" + editID
		if first, dup := set.byKey[e.key]; dup {
			first.problem("edit_id", problemRepeatedInCSV)
			continue
		}
		set.byKey[e.key] = e
		set.order = append(set.order, e.key)
	}
	return set
}

// hasKeyColumns reports whether the headings include the columns an edit
// is keyed by; without them no row can be matched to the screens.
func hasKeyColumns(fields []selectors.Field, headings []string) bool {
	have := map[string]bool{}
	for _, h := range headings {
		have[selectors.ParseText(h)] = true
	}
	for _, f := range fields {
		if (f.Name == "claim_id" || f.Name == "edit_id") && !have[f.Label] {
			return false
		}
	}
	return true
}
