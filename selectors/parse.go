package selectors

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dateLayouts are the formats portals show dates in. Two-digit years are
// left out on purpose: they are ambiguous across a century.
var dateLayouts = []string{
	"2006-01-02",
	"01/02/2006",
	"1/2/2006",
	"01-02-2006",
	"Jan 2, 2006",
	"January 2, 2006",
	"2-Jan-2006",
	"02-Jan-2006",
	"2 Jan 2006",
	"20060102",
	time.RFC3339,
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"01/02/2006 15:04",
	"01/02/2006 3:04 PM",
}

// ParseDate reads a date in any of the supported formats and returns it
// as YYYY-MM-DD. A timestamp keeps the date as written, in its own zone.
func ParseDate(s string) (string, error) {
	s = ParseText(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", errors.New("not a date in a known format")
}

// ParseMoney reads a US dollar amount such as "$12,345.67", "-$5.00",
// "($5.00)" or "1234" and returns cents.
func ParseMoney(s string) (int64, error) {
	s = ParseText(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, s[1:len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	}
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "$"))
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && len(frac) != 2 {
		return 0, errors.New("not a dollar amount: want two decimal places")
	}
	w, err := parseGrouped(whole)
	if err != nil {
		return 0, fmt.Errorf("not a dollar amount: %w", err)
	}
	var c int64
	if hasFrac {
		if frac[0] < '0' || frac[0] > '9' || frac[1] < '0' || frac[1] > '9' {
			return 0, errors.New("not a dollar amount: bad cents")
		}
		c = int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if w > (1<<63-1-c)/100 {
		return 0, errors.New("dollar amount out of range")
	}
	cents := w*100 + c
	if neg {
		cents = -cents
	}
	return cents, nil
}

// ParseInt reads a whole number, allowing thousands separators and a
// leading minus.
func ParseInt(s string) (int64, error) {
	s = ParseText(s)
	neg := strings.HasPrefix(s, "-")
	n, err := parseGrouped(strings.TrimPrefix(s, "-"))
	if err != nil {
		return 0, fmt.Errorf("not a whole number: %w", err)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// parseGrouped reads digits with optional, correctly placed commas.
func parseGrouped(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("no digits")
	}
	if strings.Contains(s, ",") {
		groups := strings.Split(s, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, errors.New("misplaced thousands separator")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errors.New("misplaced thousands separator")
			}
		}
		s = strings.Join(groups, "")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("unexpected character")
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// ParseBool reads Yes/No, Y/N or True/False in any case.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(ParseText(s)) {
	case "yes", "y", "true":
		return true, nil
	case "no", "n", "false":
		return false, nil
	}
	return false, errors.New("not yes or no")
}
