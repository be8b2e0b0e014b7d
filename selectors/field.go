package selectors

import (
	"fmt"
	"strings"
)

// Parser names a field parser.
type Parser string

// Field parsers.
const (
	ParseAsText  Parser = "text"  // whitespace-collapsed string
	ParseAsDate  Parser = "date"  // several formats -> "YYYY-MM-DD"
	ParseAsMoney Parser = "money" // "$12,345.67" -> int64 cents
	ParseAsInt   Parser = "int"   // "1,234" -> int64
	ParseAsBool  Parser = "bool"  // Yes/No -> bool
)

var parsers = map[Parser]bool{ParseAsText: true, ParseAsDate: true, ParseAsMoney: true, ParseAsInt: true, ParseAsBool: true}

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
}

// Parse converts raw page text to the field's type: string, int64 or bool.
// present is false when an optional field is empty. Errors never repeat
// the raw text, which may be patient data.
func (f Field) Parse(raw string) (v any, present bool, err error) {
	s := ParseText(raw)
	if s == "" {
		if f.Optional {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("selectors: field %s (%q) is empty", f.Name, f.Label)
	}
	switch f.Parser {
	case ParseAsText:
		if f.Values != nil {
			mapped, ok := f.Values[s]
			if !ok {
				return nil, false, fmt.Errorf("selectors: field %s: value is not one of the %d listed", f.Name, len(f.Values))
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
	default:
		err = fmt.Errorf("selectors: unknown parser %q", f.Parser)
	}
	if err != nil {
		return nil, false, fmt.Errorf("selectors: field %s: %w", f.Name, err)
	}
	return v, true, nil
}

// ParseText collapses runs of whitespace (including non-breaking spaces)
// to one space and trims the ends.
func ParseText(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
