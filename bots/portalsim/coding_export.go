package portalsim

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
)

// codingExportColumns are the worklist export's headings, in order. Values
// are as layout v1 shows them; Hold Reasons lists the codes separated by
// ";".
var codingExportColumns = []string{
	"Account Number", "Patient Name", "Facility", "Patient Class", "Discharge Date", "Days Since Discharge",
	"In Bill Hold", "Coding Status", "Primary Payer", "Total Charges", "Hold Reasons", "Work Queue",
}

// CodingExportColumns lists the worklist export's headings in order.
func CodingExportColumns() []string { return append([]string(nil), codingExportColumns...) }

// export answers every account of the (filtered) worklist as CSV, in
// worklist order: the cross-check for what the screens showed. The silent
// faults do not apply: an export is the portal's full answer.
func (w *CodingWorklist) export(rw http.ResponseWriter, r *http.Request) {
	q, _ := w.parseListQuery(r)
	now := w.cfg.Now()
	f := formatFor(LayoutV1)
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="dnfb-worklist.csv"`)
	cw := csv.NewWriter(rw)
	_ = cw.Write(codingExportColumns)
	w.mu.RLock()
	defer w.mu.RUnlock()
	for i := range w.accounts {
		if !w.accounts[i].matches(q.status, q.reason) {
			continue
		}
		a := w.accounts[i].at(now)
		codes := make([]string, len(a.HoldReasons))
		for j, h := range a.HoldReasons {
			codes[j] = h.Code
		}
		_ = cw.Write([]string{
			a.Number, a.PatientName, a.Facility, a.PatientClass, f.date(a.DischargeDate), strconv.Itoa(a.DaysSinceDischarge),
			f.boolean(a.InBillHold), statusLabel(a.CodingStatus), a.PrimaryPayer, money(a.TotalChargesCents),
			strings.Join(codes, ";"), a.Queue,
		})
	}
	cw.Flush()
}
