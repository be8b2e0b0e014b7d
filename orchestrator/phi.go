package orchestrator

import (
	"regexp"
	"slices"
	"strings"
)

// RecordKind declares, for one kind of record a bot observes, which fields
// of its data identify a patient (PHI). Views, logs and exports consult
// this one table rather than guessing: a viewer sees none of these fields,
// a log never carries a field of these names, and an item's external id is
// PHI when ExternalIDIsPHI. It is plain data so that a portal pack can
// declare its own kinds the same way.
type RecordKind struct {
	Kind ItemKind
	// PHI are the JSON names of the data's fields that identify a patient
	// or an account: name, MRN, account and encounter numbers, dates of
	// birth, member ids, claim numbers.
	PHI []string
	// ExternalIDIsPHI marks kinds whose external id (the portal's key for
	// the record) is one of those identifiers: an account number, or a
	// claim id with an edit id.
	ExternalIDIsPHI bool
}

// BuiltinKinds is the table of the built-in record kinds.
func BuiltinKinds() []RecordKind {
	return []RecordKind{
		{Kind: KindCodingHold, ExternalIDIsPHI: true, PHI: []string{
			"account_number", "encounter_id", "mrn", "patient_name", "date_of_birth", "member_id"}},
		{Kind: KindClaimEdit, ExternalIDIsPHI: true, PHI: []string{
			"claim_id", "control_number", "account_number", "patient_name", "date_of_birth", "member_id"}},
	}
}

// PHIFields returns the PHI fields of kind's data. A kind the table does
// not know is treated as all PHI (ok is false): callers mask the whole
// record.
func PHIFields(kind ItemKind) (fields []string, ok bool) {
	for _, k := range BuiltinKinds() {
		if k.Kind == kind {
			return k.PHI, true
		}
	}
	return nil, false
}

// PHIFieldNames is every PHI field name of every kind, for places that do
// not know the kind of what they see (log fields).
func PHIFieldNames() []string {
	var out []string
	for _, k := range BuiltinKinds() {
		for _, f := range k.PHI {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// Masked is what a masked identifier becomes.
const Masked = "•••"

// RedactURL names a portal address without what may identify a patient:
// the query, the fragment and every path segment after the first go
// ("https://portal/accounts/1004321?mrn=…" becomes
// "https://portal/accounts/…"), since portals put account numbers and
// claim ids in paths.
func RedactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return Masked
	}
	host, path, _ := strings.Cut(rest, "/")
	first, more, _ := strings.Cut(path, "/")
	out := scheme + "://" + host + "/" + first
	if more != "" {
		out += "/" + Masked
	}
	return out
}

// urlInText finds web addresses in free text.
var urlInText = regexp.MustCompile(`https?://[^\s"'<>)]+`)

// RedactURLs replaces every web address in text with RedactURL of it.
func RedactURLs(text string) string {
	return urlInText.ReplaceAllStringFunc(text, RedactURL)
}
