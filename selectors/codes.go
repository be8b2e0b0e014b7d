package selectors

import (
	"errors"
	"strings"
)

// Code parsers for the formats in DOMAIN.md. They check the shape (and the
// NPI check digit), not membership in the current code sets: a portal
// showing a code that was deleted last October is a business question for
// a person, not a read failure.

// ParseICD10CM reads an ICD-10-CM code: a letter, a digit, a letter or
// digit, then optionally a dot and one to four letters or digits. It is
// returned upper case with the dot after the third character, so "e119"
// and "E11.9" both give "E11.9".
func ParseICD10CM(s string) (string, error) {
	s = strings.ToUpper(ParseText(s))
	errBad := errors.New("not a valid ICD-10-CM code")
	head, tail, dotted := strings.Cut(s, ".")
	if !dotted && len(s) > 3 {
		head, tail = s[:3], s[3:]
	}
	if len(head) != 3 || !isUpper(head[0]) || !isDigit(head[1]) || !isAlnum(head[2]) {
		return "", errBad
	}
	if dotted && tail == "" || len(tail) > 4 {
		return "", errBad
	}
	for i := 0; i < len(tail); i++ {
		if !isAlnum(tail[i]) {
			return "", errBad
		}
	}
	if tail == "" {
		return head, nil
	}
	return head + "." + tail, nil
}

// ParseProcedureCode reads a CPT code (five digits, or four digits and F
// or T) or a HCPCS Level II code (a letter and four digits), returned
// upper case.
func ParseProcedureCode(s string) (string, error) {
	s = strings.ToUpper(ParseText(s))
	if len(s) == 5 {
		switch {
		case allDigits(s[:4]) && (isDigit(s[4]) || s[4] == 'F' || s[4] == 'T'):
			return s, nil
		case isUpper(s[0]) && allDigits(s[1:]):
			return s, nil
		}
	}
	return "", errors.New("not a valid CPT or HCPCS code")
}

// ParseModifier reads one two-character procedure modifier ("25", "59",
// "XS", "LT"), returned upper case.
func ParseModifier(s string) (string, error) {
	s = strings.ToUpper(ParseText(s))
	if len(s) != 2 || !isAlnum(s[0]) || !isAlnum(s[1]) {
		return "", errors.New("not a valid modifier")
	}
	return s, nil
}

// ParseModifiers reads a list of modifiers separated by commas, spaces or
// hyphens ("25, 59", "25-59", "25 XS"); at most four, as a claim line
// carries.
func ParseModifiers(s string) ([]string, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '-' || r == ' ' || r == '\u00a0' || r == '\t' || r == '\n' })
	if len(parts) == 0 {
		return nil, errors.New("no modifier")
	}
	if len(parts) > 4 {
		return nil, errors.New("more than four modifiers")
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		m, err := ParseModifier(p)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// ParseNPI reads a National Provider Identifier: ten digits whose last is
// the Luhn check digit computed over the prefix 80840 and the first nine.
func ParseNPI(s string) (string, error) {
	s = ParseText(s)
	if len(s) != 10 || !allDigits(s) {
		return "", errors.New("not a valid NPI: want ten digits")
	}
	if !ValidNPI(s) {
		return "", errors.New("not a valid NPI: check digit does not match")
	}
	return s, nil
}

// ValidNPI reports whether npi is ten digits with a valid check digit.
func ValidNPI(npi string) bool {
	if len(npi) != 10 || !allDigits(npi) {
		return false
	}
	// Luhn over "80840" + npi: 24 is what the prefix 80840 contributes
	// after doubling every second digit from the right of the payload.
	sum := 24
	for i := 8; i >= 0; i-- {
		d := int(npi[i] - '0')
		if (8-i)%2 == 0 { // the payload's rightmost digit is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return int(npi[9]-'0') == (10-sum%10)%10
}

// ParseDRG reads an MS-DRG number: three digits.
func ParseDRG(s string) (string, error) {
	s = ParseText(s)
	if len(s) != 3 || !allDigits(s) {
		return "", errors.New("not a valid MS-DRG: want three digits")
	}
	return s, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
