package portalsim

import (
	"fmt"
	"strconv"
	"time"
)

// money formats cents the way US billing screens do: $12,345.67.
func money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%s.%02d", sign, grouped(cents/100), cents%100)
}

// grouped formats an integer with thousands separators: 12,345.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// The portal shows dates in more than one format, as real ones do.
func usDate(t time.Time) string   { return t.Format("01/02/2006") }
func longDate(t time.Time) string { return t.Format("Jan 2, 2006") }
func isoDate(t time.Time) string  { return t.Format("2006-01-02") }

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

var statusLabels = map[string]string{
	StatusNotCoded: "Not Coded", StatusInProgress: "In Progress", StatusCoded: "Coded",
	QueryOpen: "Open", QueryAnswered: "Answered", QueryClosed: "Closed",
}

func statusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}
