package monitoring

import "time"

// BusinessDays counts the weekdays (Monday to Friday) after from up to and
// including to, by calendar date in from's location: an item first seen on
// a Friday is 1 business day old on Monday. It returns 0 when to is not
// after from. Holidays are not known here; a calendar can replace this
// function through the collectors' BusinessDays option.
func BusinessDays(from, to time.Time) int {
	to = to.In(from.Location())
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	days := int(b.Sub(a).Hours() / 24)
	if days <= 0 {
		return 0
	}
	weeks, rest := days/7, days%7
	n := weeks * 5
	wd := a.Weekday()
	for i := 1; i <= rest; i++ {
		switch (wd + time.Weekday(i)) % 7 {
		case time.Saturday, time.Sunday:
		default:
			n++
		}
	}
	return n
}
