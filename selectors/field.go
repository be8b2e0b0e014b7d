package selectors

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Parser names a field parser.
type Parser string

// Field parsers. Each never panics, whatever the page shows (see the fuzz
// tests), and its errors never repeat the text it was given.
const (
	ParseAsText      Parser = "text"      // whitespace-collapsed string without markup
	ParseAsDate      Parser = "date"      // several formats -> "YYYY-MM-DD"
	ParseAsMoney     Parser = "money"     // "$12,345.67" -> int64 cents
	ParseAsInt       Parser = "int"       // "1,234" -> int64
	ParseAsBool      Parser = "bool"      // Yes/No -> bool
	ParseAsICD10CM   Parser = "icd10cm"   // "e119" -> "E11.9"
	ParseAsProcedure Parser = "procedure" // CPT or HCPCS Level II -> "99213", "J1885"
	ParseAsModifiers Parser = "modifiers" // "25, 59" -> []string{"25", "59"}
	ParseAsNPI       Parser = "npi"       // ten digits with a valid check digit
	ParseAsDRG       Parser = "drg"       // MS-DRG, three digits
)

var parsers = map[Parser]bool{
	ParseAsText: true, ParseAsDate: true, ParseAsMoney: true, ParseAsInt: true, ParseAsBool: true,
	ParseAsICD10CM: true, ParseAsProcedure: true, ParseAsModifiers: true, ParseAsNPI: true, ParseAsDRG: true,
}

// TextMaxDefault is the longest text a field takes when its MaxLen is 0,
// in characters. Portal text fields are short; a megabyte note is a fault.
const TextMaxDefault = 4000

// Field maps a label or column heading as the page shows it to a typed
// field.
type Field struct {
	Label  string // as shown on the page, matched after collapsing whitespace
	Name   string // the typed field, e.g. "total_charges_cents"
	Parser Parser
	// Optional fields may be missing from the page or empty.
	Optional bool
	// Values, for text fields, maps every allowed page value to the value
	// stored ("Not Coded" -> "not_coded"); anything else is an error.
	Values map[string]string
	// MaxLen bounds the text in characters; 0 means TextMaxDefault.
	MaxLen int
}

// FieldError is a field that failed to parse or validate. Rule says which
// rule it broke in words that never include the value (it may be patient
// data), e.g. "not a date in a known format"; bots report it as a field
// problem.
type FieldError struct {
	Field string
	Rule  string
}

func (e *FieldError) Error() string { return "selectors: field " + e.Field + ": " + e.Rule }

// Rules a FieldError may carry besides the parsers' own.
const (
	RuleMissing     = "missing from the page"
	RuleEmpty       = "empty"
	RuleNotListed   = "value is not one of those listed"
	RuleMarkup      = "contains markup or script"
	RuleTooLong     = "longer than allowed"
	RuleUnknownKind = "unknown parser"
)

// Parse converts raw page text to the field's type: string, int64, bool
// or []string. present is false when an optional field is empty. A
// failure is a *FieldError.
func (f Field) Parse(raw string) (v any, present bool, err error) {
	fail := func(rule string) (any, bool, error) { return nil, false, &FieldError{Field: f.Name, Rule: rule} }
	limit := f.MaxLen
	if limit == 0 {
		limit = TextMaxDefault
	}
	// Check the length first: collapsing a megabyte of text is wasted work.
	if len(raw) > 4*limit+1024 || utf8.RuneCountInString(raw) > 2*limit+1024 {
		return fail(RuleTooLong)
	}
	s := ParseText(raw)
	if s == "" {
		if f.Optional {
			return nil, false, nil
		}
		return fail(RuleEmpty)
	}
	if utf8.RuneCountInString(s) > limit {
		return fail(RuleTooLong)
	}
	if HasMarkup(s) {
		return fail(RuleMarkup)
	}
	switch f.Parser {
	case ParseAsText:
		if f.Values != nil {
			mapped, ok := f.Values[s]
			if !ok {
				return fail(RuleNotListed)
			}
			return mapped, true, nil
		}
		return s, true, nil
	case ParseAsDate:
		v, err = ParseDate(s)
	case ParseAsMoney:
		v, err = ParseMoney(s)
	case ParseAsInt:
		v, err = ParseInt(s)
	case ParseAsBool:
		v, err = ParseBool(s)
	case ParseAsICD10CM:
		v, err = ParseICD10CM(s)
	case ParseAsProcedure:
		v, err = ParseProcedureCode(s)
	case ParseAsModifiers:
		v, err = ParseModifiers(s)
	case ParseAsNPI:
		v, err = ParseNPI(s)
	case ParseAsDRG:
		v, err = ParseDRG(s)
	default:
		return fail(RuleUnknownKind)
	}
	if err != nil {
		return fail(err.Error())
	}
	return v, true, nil
}

// IsFieldError reports whether err is a *FieldError and returns it.
func IsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

// ParseText collapses runs of whitespace (including non-breaking spaces)
// to one space and trims the ends.
func ParseText(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// HasMarkup reports whether text read from a page looks like HTML or
// script rather than data: a tag opening ("<b", "</", "<!", "<?") or a
// javascript: URL. A lone "<" as in "age < 65" is data.
func HasMarkup(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		c := s[i+1]
		if c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			return true
		}
	}
	return strings.Contains(strings.ToLower(s), "javascript:")
}
