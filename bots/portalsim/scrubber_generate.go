package portalsim

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// scrubGenerate builds n claims from seed and files them into batches. Both
// come back in list order: batches newest first, claims by batch then id.
func scrubGenerate(seed int64, n int, today time.Time) ([]Batch, []Claim) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x7363727562))
	today = dateOf(today)
	claims := make([]Claim, n)
	received := make([]time.Time, n)
	claimBase := 40_000_000 + r.IntN(1_000_000)
	acctBase := 1_004_200_000 + r.IntN(100_000)
	g := &scrubGen{r: r, today: today, days: min(max(n/10, 1), 7)}
	for i := range claims {
		claimBase += 1 + r.IntN(7)
		acctBase += 1 + r.IntN(9)
		claims[i], received[i] = g.claim(fmt.Sprintf("CLM%09d", claimBase), fmt.Sprintf("%010d", acctBase))
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := received[j].Compare(received[i]); c != 0 {
			return c
		}
		if c := cmp.Compare(claims[i].BillType, claims[j].BillType); c != 0 {
			return c
		}
		return cmp.Compare(claims[i].ID, claims[j].ID)
	})
	sorted := make([]Claim, 0, n)
	var batches []Batch
	seq := map[time.Time]int{}
	for k := 0; k < n; {
		i := order[k]
		day, bill := received[i], claims[i].BillType
		seq[day]++
		form := "837P"
		if bill == BillTypeUB04 {
			form = "837I"
		}
		b := Batch{
			ID:       fmt.Sprintf("B%s-%02d", day.Format("060102"), seq[day]),
			FileName: fmt.Sprintf("%s_%s_%02d.x12", form, day.Format("20060102"), seq[day]),
			Received: day,
		}
		limit := 4 + r.IntN(11)
		for ; k < n && b.Claims < limit; k++ {
			c := claims[order[k]]
			if !received[order[k]].Equal(day) || c.BillType != bill {
				break
			}
			c.BatchID = b.ID
			sorted = append(sorted, c)
			b.Claims++
		}
		batches = append(batches, b)
	}
	return batches, sorted
}

type scrubGen struct {
	r     *rand.Rand
	today time.Time
	c     *Claim
	used  []string // edit codes already on the claim
	days  int      // how many days of received claims the data set spans
}

func (g *scrubGen) pick(n int) int { return g.r.IntN(n) }

func (g *scrubGen) chance(p float64) bool { return g.r.Float64() < p }

// claim draws one claim and the day the scrubber received it.
func (g *scrubGen) claim(id, acct string) (Claim, time.Time) {
	var pay payer
	for pay.financialClass == "" || pay.financialClass == "Self Pay" {
		pay = payers[g.pick(len(payers))]
	}
	first, last := firstNames[g.pick(len(firstNames))], lastNames[g.pick(len(lastNames))]
	c := Claim{
		ID: id, AccountNumber: acct, ControlNumber: fmt.Sprintf("%s%02d", acct, 1+g.pick(3)),
		PatientName: fmt.Sprintf("%s, %s %c", strings.ToUpper(last), strings.ToUpper(first), 'A'+rune(g.pick(26))),
		Payer:       pay.name,
	}
	inpatient := false
	switch n := g.pick(100); {
	case n < 20:
		c.BillType, c.TypeOfBill, inpatient = BillTypeUB04, "0111", true
	case n < 55:
		c.BillType, c.TypeOfBill = BillTypeUB04, "0131"
	default:
		c.BillType = BillTypeCMS1500
	}
	// The scrubber holds up to a week of received claims (fewer days for a
	// small data set, so batches stay realistic); services were up to two
	// months before.
	received := g.today.AddDate(0, 0, -g.pick(g.days))
	c.ServiceTo = received.AddDate(0, 0, -(1 + g.pick(60)))
	switch {
	case inpatient:
		c.ServiceFrom = c.ServiceTo.AddDate(0, 0, -(1 + g.pick(8)))
	case c.BillType == BillTypeCMS1500 && g.chance(0.2):
		c.ServiceFrom = c.ServiceTo.AddDate(0, 0, -1)
	default:
		c.ServiceFrom = c.ServiceTo
	}
	c.FilingDeadline = c.ServiceTo.AddDate(0, 0, scrubPayerDays[pay.financialClass])
	c.BillingNPI = g.npi()
	for n := 1 + g.pick(3); len(c.Diagnoses) < n; {
		if dx := scrubDiagnoses[g.pick(len(scrubDiagnoses))]; !slices.Contains(c.Diagnoses, dx) {
			c.Diagnoses = append(c.Diagnoses, dx)
		}
	}
	g.c, g.used = &c, g.used[:0]
	for n := 1 + g.pick(3); len(c.Lines) < n; {
		g.line(scrubProcs[g.pick(len(scrubProcs))].code) // a code already there adds no line
	}
	families := g.families(inpatient)
	want := 1 + g.pick(4)
	for tries := 0; len(c.Edits) < want && tries < 20; tries++ {
		e, ok := families[g.pick(len(families))]()
		if !ok || slices.Contains(g.used, e.Code) {
			continue
		}
		g.used = append(g.used, e.Code)
		e.ID = fmt.Sprintf("E%02d", len(c.Edits)+1)
		e.Status = EditOpen
		e.FirstSeen = received
		if g.chance(0.2) { // raised again on a later re-scrub
			e.FirstSeen = received.AddDate(0, 0, g.pick(daysBetween(received, g.today)+1))
		}
		c.Edits = append(c.Edits, e)
	}
	g.finish()
	return c, received
}

func (g *scrubGen) npi() string {
	d := make([]byte, 9)
	d[0] = '1' + byte(g.pick(2))
	for i := 1; i < 9; i++ {
		d[i] = '0' + byte(g.pick(10))
	}
	return string(d) + string('0'+npiCheckDigit(string(d)))
}

// line returns the number of the claim's line with code, adding it first
// when the claim has none.
func (g *scrubGen) line(code string) int {
	for _, l := range g.c.Lines {
		if l.Code == code {
			return l.Number
		}
	}
	l := ClaimLine{Number: len(g.c.Lines) + 1, Code: code, Units: 1, Pointers: []int{1}, ChargesCents: 10_000}
	for _, p := range scrubProcs {
		if p.code == code {
			l.ChargesCents = p.cents
			if p.sided {
				l.Modifiers = []string{[]string{"LT", "RT"}[g.pick(2)]}
			}
		}
	}
	if len(g.c.Diagnoses) > 1 && g.chance(0.4) {
		l.Pointers = append(l.Pointers, 2)
	}
	if g.c.BillType == BillTypeUB04 {
		l.RevenueCode = cmp.Or(scrubRevenueCodes[code], "0510")
	}
	g.c.Lines = append(g.c.Lines, l)
	return l.Number
}

// diagnosis returns the 1-based position of dx on the claim, adding it.
func (g *scrubGen) diagnosis(dx string) int {
	if i := slices.Index(g.c.Diagnoses, dx); i >= 0 {
		return i + 1
	}
	g.c.Diagnoses = append(g.c.Diagnoses, dx)
	return len(g.c.Diagnoses)
}

// families lists the edit families that fit the claim, weighted by
// repetition; each draws one edit or reports that it cannot.
func (g *scrubGen) families(inpatient bool) []func() (Edit, bool) {
	families := []func() (Edit, bool){g.payerEdit, g.eligibilityEdit, g.enrollmentEdit, g.formatEdit}
	switch {
	case inpatient:
		return append(families, g.mceEdit, g.mceEdit, g.mceEdit)
	case g.c.BillType == BillTypeUB04:
		return append(families, g.ptpEdit, g.mueEdit, g.coverageEdit, g.modifierEdit, g.oceEdit, g.oceEdit)
	}
	return append(families, g.ptpEdit, g.mueEdit, g.coverageEdit, g.modifierEdit, g.ptpEdit, g.modifierEdit)
}

func (g *scrubGen) ptpEdit() (Edit, bool) {
	p := scrubPTPs[g.pick(len(scrubPTPs))]
	g.line(p.col1)
	e := Edit{Source: SourceScrubber, Category: CategoryNCCIPTP, Code: "NCCI-PTP-" + p.indicator, Owner: OwnerCoding,
		Line: g.line(p.col2), Column1: p.col1, Column2: p.col2, ModifierIndicator: p.indicator}
	if p.indicator == "0" {
		e.Severity = SeverityHard
		e.Message = fmt.Sprintf("Column 2 code %s is not payable with column 1 code %s on the same date; no modifier bypasses this pair", p.col2, p.col1)
	} else {
		e.Severity = SeveritySoft
		e.Message = fmt.Sprintf("Column 2 code %s is not payable with column 1 code %s on the same date unless modifier %s is documented", p.col2, p.col1, scrubBypassModifiers)
	}
	return e, true
}

var scrubMAIText = map[string]string{
	"1": "line edit",
	"2": "absolute per date of service, not appealable",
	"3": "per date of service, appealable with documentation",
}

func (g *scrubGen) mueEdit() (Edit, bool) {
	m := scrubMUEs[g.pick(len(scrubMUEs))]
	n := g.line(m.code)
	g.c.Lines[n-1].Units = m.units + 1 + g.pick(3)
	sev := SeveritySoft
	if m.indicator == "2" {
		sev = SeverityHard
	}
	return Edit{Source: SourceScrubber, Category: CategoryMUE, Code: "MUE-" + m.indicator, Severity: sev, Owner: OwnerCoding,
		Line: n, MUEUnits: m.units, MUEIndicator: m.indicator,
		Message: fmt.Sprintf("Units of %s exceed the medically unlikely edit of %d (MAI %s: %s)", m.code, m.units, m.indicator, scrubMAIText[m.indicator]),
	}, true
}

func (g *scrubGen) coverageEdit() (Edit, bool) {
	c := scrubCoverages[g.pick(len(scrubCoverages))]
	n := g.line(c.code)
	g.c.Lines[n-1].Pointers = []int{g.diagnosis(c.dx)}
	kind, id, _ := strings.Cut(c.rule, " ")
	return Edit{Source: SourceScrubber, Category: CategoryLCDNCD, Code: kind + "-" + id, Severity: SeveritySoft, Owner: OwnerCoding,
		Line:    n,
		Message: fmt.Sprintf("Diagnosis %s does not support medical necessity of %s under %s", c.dx, c.code, c.rule),
	}, true
}

func (g *scrubGen) modifierEdit() (Edit, bool) {
	e := Edit{Source: SourceScrubber, Category: CategoryModifier, Owner: OwnerCoding}
	switch g.pick(4) {
	case 0:
		e.Line = g.line("99213")
		g.line("11102")
		g.c.Lines[e.Line-1].Modifiers = nil
		e.Code, e.Severity = "MOD-25", SeveritySoft
		e.Message = "E/M service on the day of a minor procedure requires modifier 25"
	case 1:
		e.Line = g.line("20610")
		g.c.Lines[e.Line-1].Modifiers = []string{"RT", "LT"}
		e.Code, e.Severity = "MOD-50", SeverityHard
		e.Message = "Bilateral procedure reported with RT and LT on one line; report modifier 50"
	case 2:
		e.Line = g.line("29881")
		g.c.Lines[e.Line-1].Modifiers = []string{"54"}
		e.Code, e.Severity = "MOD-54", SeveritySoft
		e.Message = "Surgical care only (54) billed; postoperative care (55) must come from the receiving provider"
	default:
		addOn, primary := "11045", "11042"
		if g.chance(0.5) {
			addOn, primary = "64484", "64483"
		}
		for _, l := range g.c.Lines {
			if l.Code == primary {
				return Edit{}, false
			}
		}
		e.Line = g.line(addOn)
		e.Code, e.Severity = "MOD-ADDON", SeverityHard
		e.Message = fmt.Sprintf("Add-on code %s billed without its primary procedure %s", addOn, primary)
	}
	return e, true
}

func (g *scrubGen) oceEdit() (Edit, bool) { return g.fixed(CategoryOCE, scrubOCEEdits[:]) }
func (g *scrubGen) mceEdit() (Edit, bool) { return g.fixed(CategoryMCE, scrubMCEEdits[:]) }
func (g *scrubGen) payerEdit() (Edit, bool) {
	return g.fixed(CategoryPayer, scrubPayerEdits[:])
}
func (g *scrubGen) eligibilityEdit() (Edit, bool) {
	return g.fixed(CategoryEligibility, scrubEligibilityEdits[:])
}
func (g *scrubGen) enrollmentEdit() (Edit, bool) {
	return g.fixed(CategoryEnrollment, scrubEnrollmentEdits[:])
}
func (g *scrubGen) formatEdit() (Edit, bool) { return g.fixed(CategoryFormat, scrubFormatEdits[:]) }

func (g *scrubGen) fixed(category string, from []scrubFixed) (Edit, bool) {
	f := from[g.pick(len(from))]
	if f.forBill != "" && f.forBill != g.c.BillType {
		return Edit{}, false
	}
	e := Edit{Source: f.source, Category: category, Code: f.code, Message: f.message, Severity: f.severity, Owner: f.owner}
	if f.procedure != "" {
		e.Line = g.line(f.procedure)
		if f.code == "OCE-074" {
			g.c.Lines[e.Line-1].Units = 24 + g.pick(8)
		}
	}
	switch {
	case f.code == "MCE-03": // the external cause code became principal
		g.c.Diagnoses = append([]string{f.dx}, g.c.Diagnoses...)
		for i := range g.c.Lines {
			for j := range g.c.Lines[i].Pointers {
				g.c.Lines[i].Pointers[j]++
			}
		}
		e.Diagnoses = []string{f.dx}
	case f.code == "MCE-05":
		g.c.Diagnoses = append(g.c.Diagnoses, g.c.Diagnoses[0])
		e.Diagnoses = []string{g.c.Diagnoses[0]}
	case f.dx != "":
		g.diagnosis(f.dx)
		e.Diagnoses = []string{f.dx}
	}
	if category == CategoryEnrollment {
		e.Message += " (NPI " + g.c.BillingNPI + ")"
	}
	return e, true
}

// finish copies each line-level edit's line into it and totals charges,
// once every edit has shaped the lines.
func (g *scrubGen) finish() {
	c := g.c
	c.ChargesCents = 0
	for _, l := range c.Lines {
		c.ChargesCents += l.ChargesCents * int64(l.Units)
	}
	for i := range c.Edits {
		e := &c.Edits[i]
		if e.Line == 0 {
			continue
		}
		l := c.Lines[e.Line-1]
		e.ProcedureCode, e.Units = l.Code, l.Units
		e.Modifiers = slices.Clone(l.Modifiers)
		e.Diagnoses = nil
		for _, p := range l.Pointers {
			e.Diagnoses = append(e.Diagnoses, c.Diagnoses[p-1])
		}
	}
}
