package monitoring

import (
	"regexp"
	"slices"
	"strings"
)

// LabelOther is what a label value that fails validation is exported as.
// Label values that come from portal or user data (a hold reason code, a
// queue, a kind, a routing rule's name, an outcome) pass a validator
// first: a patient name or an MRN typed into a portal's reason column must
// never reach the unauthenticated /metrics page.
const LabelOther = "other"

// codePattern is what a code read from data may look like to become a
// label when no list of known codes is given: a letter, then at most 23
// letters, digits, '_' or '-', with at most 3 digits in all (MRNs and
// account numbers are digit runs) and no lower case after upper case
// ("Lovelace" is a name; "PQRY" and "ncci_ptp" are codes).
var codePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,23}$`)

// CodeLabel returns v when it may be a label value and LabelOther when it
// may not: with known codes, v must be one of them; without, v must look
// like a code (codePattern, at most 3 digits, one letter case). A single
// upper-case word such as a surname still looks like a code: give known
// codes where a portal's vocabulary is known.
func CodeLabel(v string, known ...string) string {
	if len(known) > 0 {
		if slices.Contains(known, v) {
			return v
		}
		return LabelOther
	}
	if !codePattern.MatchString(v) {
		return LabelOther
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits > 3 || v != strings.ToUpper(v) && v != strings.ToLower(v) {
		return LabelOther
	}
	return v
}

// knownLabel returns v when it is one of known and LabelOther otherwise,
// even when known is empty (unlike CodeLabel, which then checks a pattern).
func knownLabel[S ~string](v S, known []S) string {
	if slices.Contains(known, v) {
		return string(v)
	}
	return LabelOther
}

// queueLabel is a queue as a label: one of the configured queues, or a
// code-shaped name (queues a rules file adds), else LabelOther.
func (c StoreCollectorConfig) queueLabel(q string) string {
	if slices.Contains(c.Queues, q) {
		return q
	}
	return CodeLabel(q)
}
