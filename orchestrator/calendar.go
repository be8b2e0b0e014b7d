package orchestrator

import (
	"fmt"
	"time"
)

// Calendar counts business days: every day but the weekend days and the
// holidays, in one time zone. Aging is counted in business days because
// calendar days mislead when physicians work 7-on/7-off.
type Calendar struct {
	loc      *time.Location
	weekend  [7]bool
	holidays map[civilDate]string
}

type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

// CalendarConfig describes a business calendar.
type CalendarConfig struct {
	// Timezone is the IANA zone days are counted in. Default UTC.
	Timezone string
	// Weekend days are not business days. Default Saturday and Sunday;
	// set an empty non-nil slice for a seven-day operation.
	Weekend []time.Weekday
	// Holidays are dates (YYYY-MM-DD) that are not business days, with a
	// name each (the name may be empty).
	Holidays map[string]string
}

// NewCalendar checks cfg and builds the calendar; a bad date or zone is an
// error naming it.
func NewCalendar(cfg CalendarConfig) (*Calendar, error) {
	loc := time.UTC
	if cfg.Timezone != "" {
		l, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			return nil, fmt.Errorf("orchestrator: calendar: %w: timezone %q: %v", ErrInvalid, cfg.Timezone, err)
		}
		loc = l
	}
	c := &Calendar{loc: loc, holidays: make(map[civilDate]string, len(cfg.Holidays))}
	weekend := cfg.Weekend
	if weekend == nil {
		weekend = []time.Weekday{time.Saturday, time.Sunday}
	}
	for _, d := range weekend {
		if d < time.Sunday || d > time.Saturday {
			return nil, fmt.Errorf("orchestrator: calendar: %w: weekday %d", ErrInvalid, d)
		}
		c.weekend[d] = true
	}
	if len(weekend) == 7 {
		return nil, fmt.Errorf("orchestrator: calendar: %w: every day is a weekend day", ErrInvalid)
	}
	for s, name := range cfg.Holidays {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return nil, fmt.Errorf("orchestrator: calendar: %w: holiday %q (%s): want YYYY-MM-DD", ErrInvalid, s, name)
		}
		c.holidays[dateOf(t)] = name
	}
	return c, nil
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsBusinessDay reports whether t's date (in the calendar's zone) is a
// business day.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	t = t.In(c.loc)
	if c.weekend[t.Weekday()] {
		return false
	}
	_, holiday := c.holidays[dateOf(t)]
	return !holiday
}

// AddBusinessDays returns t moved by n business days (n may be negative),
// keeping the time of day: Friday 10:00 + 1 is Monday 10:00 with Saturday
// and Sunday off. Day 1 is the first business day after t's date, so
// BusinessDaysBetween(t, AddBusinessDays(t, n)) == n for n >= 0.
func (c *Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	t = t.In(c.loc)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if c.IsBusinessDay(t) {
			n--
		}
	}
	return t
}

// BusinessDaysBetween counts the business days after from's date up to and
// including to's date: a query sent Monday is 3 business days old on
// Thursday, and 1 on the next Monday when sent on a Friday. It is 0 when to
// is not after from's date.
func (c *Calendar) BusinessDaysBetween(from, to time.Time) int {
	from, to = from.In(c.loc), to.In(c.loc)
	start := time.Date(from.Year(), from.Month(), from.Day(), 12, 0, 0, 0, c.loc)
	end := time.Date(to.Year(), to.Month(), to.Day(), 12, 0, 0, 0, c.loc)
	n := 0
	for d := start.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if c.IsBusinessDay(d) {
			n++
		}
	}
	return n
}
