package orchestrator

import (
	"regexp"
	"strings"
)

// PHIFields returns the PHI fields of a built-in kind's data. A kind it
// does not know (a pack's kinds among them: KindRegistry.PHIFields knows
// those) is treated as all PHI (ok is false): callers mask the whole
// record.
func PHIFields(kind ItemKind) (fields []string, ok bool) {
	for _, k := range BuiltinKinds() {
		if k.Kind == kind {
			return k.PHIFields(), true
		}
	}
	return nil, false
}

// PHIFieldNames is every PHI field name of every built-in kind, for places
// that do not know the kind of what they see (log fields);
// KindRegistry.PHIFieldNames adds the packs' kinds.
func PHIFieldNames() []string {
	return phiFieldNames(BuiltinKinds())
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
