package portalsim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// generate builds n accounts from seed, with discharge dates placed
// relative to today. The result is sorted as the worklist shows it: oldest
// discharge first, then by account number.
func generate(seed int64, n int, today time.Time) []account {
	// PCG with a fixed second word: the stream depends on the seed alone,
	// never on the Go version's default source.
	r := rand.New(rand.NewPCG(uint64(seed), 0x646f636b6574))
	today = dateOf(today)
	accts := make([]account, n)
	acctBase := 1_004_200_000 + r.IntN(100_000)
	encBase := 70_000_000 + r.IntN(1_000_000)
	for i := range accts {
		g := gen{r: r, today: today}
		// Strictly increasing numbers with random gaps: unique and
		// realistic without a lookup.
		acctBase += 1 + r.IntN(9)
		encBase += 1 + r.IntN(5)
		accts[i] = g.account(fmt.Sprintf("%010d", acctBase), fmt.Sprintf("E%09d", encBase))
	}
	// Sort positions, not the accounts: moving 50,000 large structs
	// dominated generation time.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := accts[i].DischargeDate.Compare(accts[j].DischargeDate); c != 0 {
			return c
		}
		return strings.Compare(accts[i].Number, accts[j].Number)
	})
	sorted := make([]account, n)
	for k, i := range order {
		sorted[k] = accts[i]
	}
	return sorted
}

type gen struct {
	r     *rand.Rand
	today time.Time
}

func (g gen) pick(n int) int { return g.r.IntN(n) }

func (g gen) chance(p float64) bool { return g.r.Float64() < p }

func (g gen) person() (first, last string) {
	return firstNames[g.pick(len(firstNames))], lastNames[g.pick(len(lastNames))]
}

func (g gen) physician() string {
	first, last := g.person()
	return "Dr. " + first + " " + last
}

// account draws one account. The bucket follows DOMAIN.md: inside the
// bill-hold window, past it and not coded, or coded but not billed.
func (g gen) account(number, encounter string) account {
	fac := facilities[g.pick(len(facilities))]
	pay := payers[g.pick(len(payers))]
	first, last := g.person()
	a := account{billHoldDays: fac.billHoldDays}
	a.Number = number
	a.EncounterID = encounter
	a.MRN = fmt.Sprintf("M%08d", 10_000_000+g.pick(89_999_999))
	a.PatientName = fmt.Sprintf("%s, %s %c", strings.ToUpper(last), strings.ToUpper(first), 'A'+rune(g.pick(26)))
	a.Facility = fac.name
	a.FinancialClass = pay.financialClass
	a.PrimaryPayer = pay.name
	a.PatientClass, a.TotalChargesCents = g.classAndCharges()

	var days int
	bucket := g.pick(100)
	switch {
	case bucket < 25: // inside the bill-hold window
		days = g.pick(fac.billHoldDays)
		a.CodingStatus = []string{StatusNotCoded, StatusNotCoded, StatusInProgress}[g.pick(3)]
	case bucket < 70: // past the window, not coded
		days = fac.billHoldDays + g.pick(40)
		a.CodingStatus = []string{StatusNotCoded, StatusInProgress}[g.pick(2)]
	default: // coded, not billed
		days = fac.billHoldDays + g.pick(55)
		a.CodingStatus = StatusCoded
	}
	a.DischargeDate = g.today.AddDate(0, 0, -days)
	a.AdmitDate = a.DischargeDate.AddDate(0, 0, -g.lengthOfStay(a.PatientClass))

	if a.CodingStatus != StatusNotCoded || g.chance(0.3) {
		a.AssignedCoder = coders[g.pick(len(coders))]
		a.Vendor = vendors[g.pick(len(vendors))]
	}
	if a.CodingStatus == StatusCoded && a.PatientClass == "IP" {
		d := drgs[g.pick(len(drgs))]
		a.DRG, a.DRGDescription = d.code, d.description
	}
	a.PrincipalDx = diagnoses[g.pick(len(diagnoses))]
	a.AttendingNPI = g.npi()
	a.Queue = queueFor(a.PatientClass, a.CodingStatus)
	g.reasons(&a, bucket < 25)
	return a
}

func (g gen) classAndCharges() (string, int64) {
	switch n := g.pick(100); {
	case n < 40:
		return "IP", int64(800_000 + g.pick(24_000_000))
	case n < 70:
		return "OP", int64(30_000 + g.pick(1_500_000))
	case n < 88:
		return "ED", int64(50_000 + g.pick(800_000))
	default:
		return "OBS", int64(300_000 + g.pick(1_700_000))
	}
}

func (g gen) lengthOfStay(class string) int {
	switch class {
	case "IP":
		return 1 + g.pick(12)
	case "OBS":
		return 1 + g.pick(2)
	}
	return 0
}

// reasons adds one to four distinct hold reasons, the query a query
// reason implies and the deficiencies missing documents imply.
func (g gen) reasons(a *account, inWindow bool) {
	var pool []reasonKind
	switch a.CodingStatus {
	case StatusCoded:
		pool = codedReasons[:]
	default:
		pool = uncodedReasons[:]
	}
	var kinds []reasonKind
	if inWindow {
		kinds = append(kinds, reasonBillHold)
	}
	want := 1 + g.pick(3)
	if inWindow {
		want = g.pick(2)
	}
	for _, i := range g.r.Perm(len(pool))[:want] {
		kinds = append(kinds, pool[i])
	}
	if len(kinds) == 0 {
		kinds = append(kinds, pool[g.pick(len(pool))])
	}
	sinceDischarge := daysBetween(a.DischargeDate, g.today)
	for _, k := range kinds {
		added := a.DischargeDate.AddDate(0, 0, g.pick(sinceDischarge+1))
		hr := HoldReason{
			Code: k.code, Description: k.description, OwnerRole: k.owner,
			Note: k.notes[g.pick(len(k.notes))], Added: added,
		}
		if k.physician {
			hr.Physician = g.physician()
		}
		if k.code == reasonQuery.code {
			a.Query = &Query{ID: fmt.Sprintf("Q-%07d", g.pick(10_000_000)), Sent: added, Status: QueryOpen}
		}
		if k.deficiency != "" {
			a.Deficiencies = append(a.Deficiencies, k.deficiency)
		}
		a.HoldReasons = append(a.HoldReasons, hr)
	}
	// A coded account may carry an earlier query that was answered or
	// closed; it is shown but no longer holds the bill.
	if a.Query == nil && a.CodingStatus == StatusCoded && g.chance(0.25) {
		status := []string{QueryAnswered, QueryClosed}[g.pick(2)]
		sent := a.DischargeDate.AddDate(0, 0, g.pick(3))
		a.Query = &Query{ID: fmt.Sprintf("Q-%07d", g.pick(10_000_000)), Sent: sent, Status: status}
	}
}

// npi draws a 10-digit NPI whose last digit is the Luhn check digit over
// the prefix 80840 and the first nine digits, as CMS assigns them.
func (g gen) npi() string {
	d := make([]byte, 9)
	d[0] = '1' + byte(g.pick(2))
	for i := 1; i < 9; i++ {
		d[i] = '0' + byte(g.pick(10))
	}
	return string(d) + string('0'+npiCheckDigit(string(d)))
}

// npiCheckDigit is the Luhn check digit of "80840" + nine digits.
func npiCheckDigit(nine string) byte {
	s := "80840" + nine
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		n := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 { // rightmost payload digit is doubled
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return byte((10 - sum%10) % 10)
}

// queueFor is the work queue a new account lands in.
func queueFor(class, status string) string {
	switch {
	case status == StatusCoded:
		return QueueBilling
	case class == "IP":
		return QueueCodingIP
	}
	return QueueCodingOP
}
