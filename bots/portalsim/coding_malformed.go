package portalsim

import (
	"strings"
)

// Kinds of malformed data Config.Malformed spreads over the worklist, as
// real portals show after a bad interface feed or a careless upgrade.
const (
	MalformedMissingFields = "missing_fields" // Discharge Date row gone, Primary Payer empty
	MalformedBadDates      = "bad_dates"      // impossible admit date and hold reason date
	MalformedBadCodes      = "bad_codes"      // MS-DRG not three digits, unknown patient class
	MalformedHugeNote      = "huge_note"      // a 1 MB hold reason note
	MalformedMarkup        = "markup"         // HTML and script in text fields
	MalformedExtraColumns  = "extra_columns"  // an unexpected hold reason column and field
)

// MalformedKinds lists the kinds in the order accounts receive them.
func MalformedKinds() []string {
	return []string{MalformedMissingFields, MalformedBadDates, MalformedBadCodes, MalformedHugeNote, MalformedMarkup, MalformedExtraColumns}
}

// HugeNoteSize is the length of the MalformedHugeNote note.
const HugeNoteSize = 1 << 20

// markMalformed assigns kinds to n accounts spread evenly over accts.
func markMalformed(accts []account, n int) {
	kinds := MalformedKinds()
	for i := range n {
		accts[i*len(accts)/n].malformed = kinds[i%len(kinds)]
	}
}

// markBadNumbers gives accounts spread evenly over accts the numbers bad,
// placed between the malformed ones (when as many) so both can be told
// apart.
func markBadNumbers(accts []account, bad []string) {
	for i, n := range bad {
		accts[(2*i+1)*len(accts)/(2*len(bad))].Number = n
	}
}

// BadNumberAccounts returns the positions in the worklist (as Accounts
// returns it) of the accounts Config.BadNumbers renumbered.
func (w *CodingWorklist) BadNumberAccounts() []int {
	var out []int
	for i := range w.cfg.BadNumbers {
		out = append(out, (2*i+1)*len(w.accounts)/(2*len(w.cfg.BadNumbers)))
	}
	return out
}

// MalformedAccounts returns which accounts carry malformed data, by
// account number, with their kind.
func (w *CodingWorklist) MalformedAccounts() map[string]string {
	out := map[string]string{}
	for i := range w.accounts {
		if k := w.accounts[i].malformed; k != "" {
			out[w.accounts[i].Number] = k
		}
	}
	return out
}

// corrupt damages a detail view the way kind says. The ground truth
// (Accounts) keeps the clean values.
func corrupt(v *detailView, kind string, a Account, v2 bool) {
	set := func(label, value string) {
		for p := range v.Panels {
			for r := range v.Panels[p].Rows {
				if v.Panels[p].Rows[r].Label == label {
					v.Panels[p].Rows[r].Value = value
					return
				}
			}
		}
		// Absent (an optional row): add it to the last panel.
		last := &v.Panels[len(v.Panels)-1]
		last.Rows = append(last.Rows, kv{label, value})
	}
	remove := func(label string) {
		for p := range v.Panels {
			rows := v.Panels[p].Rows[:0]
			for _, r := range v.Panels[p].Rows {
				if r.Label != label {
					rows = append(rows, r)
				}
			}
			v.Panels[p].Rows = rows
		}
	}
	pick := func(v1, v2label string) string {
		if v2 {
			return v2label
		}
		return v1
	}
	// Hold reason columns: v1 Code, Description, Owner, Physician, Note,
	// Added; v2 Added, Hold, Reason, Owner Team, Provider, Comment.
	noteCol, addedCol, descCol := 4, 5, 1
	if v2 {
		noteCol, addedCol, descCol = 5, 0, 2
	}
	switch kind {
	case MalformedMissingFields:
		remove(pick("Discharge Date", "Discharged"))
		set(pick("Primary Payer", "Payer"), "")
	case MalformedBadDates:
		set(pick("Admit Date", "Admitted"), pick("02/30/2026", "2026-02-30"))
		v.Reasons[0][addedCol] = pick("13/45/2026", "45-Foo-2026")
	case MalformedBadCodes:
		set(pick("MS-DRG", "DRG"), "DRG-12X")
		set(pick("Patient Class", "Pt Class"), "Inpatient-ish")
		set(pick("Principal Dx", "Principal Diagnosis"), "123.4X")
		set(pick("Attending NPI", "Attending Provider NPI"), "1234567890")
	case MalformedHugeNote:
		v.Reasons[0][noteCol] = strings.Repeat("Late charge review pending. ", HugeNoteSize/28+1)[:HugeNoteSize]
	case MalformedMarkup:
		set(pick("Assigned Coder", "Coder"), `<script>alert("coder")</script>`)
		v.Reasons[0][descCol] = `<img src=x onerror="alert(1)">` + v.Reasons[0][descCol]
	case MalformedExtraColumns:
		v.MalformedExtra = true
		v.ReasonHeaders = insertAt(v.ReasonHeaders, 2, "Legacy Ref")
		for i := range v.Reasons {
			v.Reasons[i] = insertAt(v.Reasons[i], 2, "LR-"+a.Number[len(a.Number)-4:])
		}
		set("Legacy Flag", "Z9")
	}
}

func insertAt(s []string, i int, x string) []string {
	out := make([]string, 0, len(s)+1)
	out = append(out, s[:i]...)
	out = append(out, x)
	return append(out, s[i:]...)
}
