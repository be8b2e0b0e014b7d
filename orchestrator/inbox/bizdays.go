package inbox

import (
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// When is a moment as the inbox shows it: in words relative to now and in
// business days where days matter ("due in 2 business days", "overdue 6
// business days"), with the exact time in the calendar's zone for a
// tooltip and in UTC for <time datetime>.
type When struct {
	Words string
	Local string // "Fri 4 Dec 2026 15:04 EST"
	UTC   string // RFC 3339
	Late  bool   // the moment has passed (an overdue deadline)
}

// plural is "1 task", "2 tasks".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

func whenOf(cal *orchestrator.Calendar, t time.Time, words string, late bool) When {
	return When{Words: words, Local: t.In(cal.Location()).Format("Mon 2 Jan 2006 15:04 MST"),
		UTC: t.UTC().Format(time.RFC3339), Late: late}
}

// dueWhen says when a deadline falls: "due today", "due in 3 business
// days", "overdue 6 business days"; within the same business day, or
// across a weekend, in hours.
func dueWhen(cal *orchestrator.Calendar, now, due time.Time) When {
	if due.IsZero() {
		return When{Words: "no deadline"}
	}
	if due.After(now) {
		switch n := cal.BusinessDaysBetween(now, due); {
		case n == 0 && sameDay(cal, now, due):
			return whenOf(cal, due, "due today", false)
		case n == 0:
			return whenOf(cal, due, "due in "+humanDuration(due.Sub(now)), false)
		default:
			return whenOf(cal, due, "due in "+plural(n, "business day"), false)
		}
	}
	switch n := cal.BusinessDaysBetween(due, now); {
	case n == 0 && sameDay(cal, now, due):
		return whenOf(cal, due, "overdue since today", true)
	case n == 0:
		return whenOf(cal, due, "overdue "+humanDuration(now.Sub(due)), true)
	default:
		return whenOf(cal, due, "overdue "+plural(n, "business day"), true)
	}
}

// ageWhen says how long ago a clock started: "5h", "3 business days".
func ageWhen(cal *orchestrator.Calendar, now, start time.Time) When {
	if start.IsZero() {
		return When{Words: "—"}
	}
	if n := cal.BusinessDaysBetween(start, now); n > 0 {
		return whenOf(cal, start, plural(n, "business day"), false)
	}
	return whenOf(cal, start, humanDuration(max(now.Sub(start), 0)), false)
}

func sameDay(cal *orchestrator.Calendar, a, b time.Time) bool {
	a, b = a.In(cal.Location()), b.In(cal.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}
