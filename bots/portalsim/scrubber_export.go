package portalsim

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type scrubExportCol struct {
	heading string
	value   func(c *Claim, e *Edit) string
}

// scrubExportColumns are the CSV export's headings and how each edit
// fills them. Dates are ISO, lists are separated by commas, labels are the
// export's own (scrubExportLabel).
var scrubExportColumns = []scrubExportCol{
	{"Claim ID", func(c *Claim, _ *Edit) string { return c.ID }},
	{"Patient Control Number", func(c *Claim, _ *Edit) string { return c.ControlNumber }},
	{"Account Number", func(c *Claim, _ *Edit) string { return c.AccountNumber }},
	{"Patient Name", func(c *Claim, _ *Edit) string { return c.PatientName }},
	{"Payer", func(c *Claim, _ *Edit) string { return c.Payer }},
	{"Bill Type", func(c *Claim, _ *Edit) string { return c.BillType }},
	{"From Date", func(c *Claim, _ *Edit) string { return isoDate(c.ServiceFrom) }},
	{"Through Date", func(c *Claim, _ *Edit) string { return isoDate(c.ServiceTo) }},
	{"Batch ID", func(c *Claim, _ *Edit) string { return c.BatchID }},
	{"Edit ID", func(_ *Claim, e *Edit) string { return e.ID }},
	{"Edit Source", func(_ *Claim, e *Edit) string { return scrubExportLabel(e.Source) }},
	{"Edit Category", func(_ *Claim, e *Edit) string { return scrubExportLabel(e.Category) }},
	{"Edit Code", func(_ *Claim, e *Edit) string { return e.Code }},
	{"Edit Message", func(_ *Claim, e *Edit) string { return e.Message }},
	{"Severity", func(_ *Claim, e *Edit) string { return scrubExportLabel(e.Severity) }},
	{"Line", func(_ *Claim, e *Edit) string { return scrubInt(e.Line) }},
	{"Procedure Code", func(_ *Claim, e *Edit) string { return e.ProcedureCode }},
	{"Modifiers", func(_ *Claim, e *Edit) string { return strings.Join(e.Modifiers, ",") }},
	{"Units", func(_ *Claim, e *Edit) string { return scrubInt(e.Units) }},
	{"Diagnosis Codes", func(_ *Claim, e *Edit) string { return strings.Join(e.Diagnoses, ",") }},
	{"Column 1 Code", func(_ *Claim, e *Edit) string { return e.Column1 }},
	{"Column 2 Code", func(_ *Claim, e *Edit) string { return e.Column2 }},
	{"Modifier Indicator", func(_ *Claim, e *Edit) string { return e.ModifierIndicator }},
	{"MUE Units", func(_ *Claim, e *Edit) string { return scrubInt(e.MUEUnits) }},
	{"MUE Adjudication Indicator", func(_ *Claim, e *Edit) string { return e.MUEIndicator }},
	{"Owner", func(_ *Claim, e *Edit) string { return scrubExportLabel(e.Owner) }},
	{"First Seen", func(_ *Claim, e *Edit) string { return isoDate(e.FirstSeen) }},
	{"Age Days", func(_ *Claim, e *Edit) string { return strconv.Itoa(e.AgeDays) }},
	{"Filing Deadline", func(c *Claim, _ *Edit) string { return isoDate(c.FilingDeadline) }},
	{"Status", func(_ *Claim, e *Edit) string { return scrubExportLabel(e.Status) }},
}

// ScrubberExportColumns lists the CSV export's headings in order.
func ScrubberExportColumns() []string {
	out := make([]string, len(scrubExportColumns))
	for i, c := range scrubExportColumns {
		out[i] = c.heading
	}
	return out
}

func scrubExportColumn(heading string) int {
	return slices.IndexFunc(scrubExportColumns, func(c scrubExportCol) bool { return c.heading == heading })
}

// export streams every edit as CSV, in list order, as a download.
func (s *ClaimScrubber) export(rw http.ResponseWriter, _ *http.Request) {
	now := s.cfg.Now()
	s.mu.RLock()
	faults := map[string]ExportFault{}
	for _, f := range s.exportFaults {
		faults[f.ClaimID+":"+f.EditID] = f
	}
	s.mu.RUnlock()
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="scrubber-edits-`+now.UTC().Format("20060102")+`.csv"`)
	w := csv.NewWriter(rw)
	_ = w.Write(ScrubberExportColumns())
	row := make([]string, len(scrubExportColumns))
	// Claims are copied a page at a time so a large export does not hold
	// the lock that corrections wait for.
	for from := 0; from < len(s.claims); from += 500 {
		claims := s.snapshot(from, min(from+500, len(s.claims)))
		for ci := range claims {
			c := &claims[ci]
			for ei := range c.Edits {
				e := &c.Edits[ei]
				f, faulty := faults[e.ExternalID(c.ID)]
				if faulty && f.Omit {
					continue
				}
				for i, col := range scrubExportColumns {
					row[i] = col.value(c, e)
					if faulty && col.heading == f.Column {
						row[i] = f.Value
					}
				}
				if err := w.Write(row); err != nil {
					return // the client went away
				}
			}
		}
	}
	w.Flush()
}
