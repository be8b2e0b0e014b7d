package inbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedules in words. A bot's schedule is a five-field cron expression
// (minute, hour, day of month, month, day of week) or a descriptor
// (@hourly, @daily, @every 90m) read in the bot's time zone, as the
// scheduler parses it (cron.ParseStandard). No cron-description library is
// served here, so this formatter covers the forms those allow; anything
// it cannot put in words plainly is shown as the expression itself.

var (
	monthNames = []string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"}
	dayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// cronField is one field read: "*", a step over everything ("*/15"), or a
// list of single values and ranges.
type cronField struct {
	any   bool
	step  int // every step-th value of the whole range ("*/step")
	items []cronItem
}

type cronItem struct{ lo, hi, step int } // hi == lo for a single value

func (f cronField) single() (int, bool) {
	if len(f.items) == 1 && f.items[0].lo == f.items[0].hi {
		return f.items[0].lo, true
	}
	return 0, false
}

// singles lists the values when every item is one value.
func (f cronField) singles() ([]int, bool) {
	var out []int
	for _, it := range f.items {
		if it.lo != it.hi {
			return nil, false
		}
		out = append(out, it.lo)
	}
	return out, len(out) > 0
}

func parseCronField(s string, lo, hi int, names []string) (cronField, bool) {
	if s == "*" || s == "?" {
		return cronField{any: true}, true
	}
	if rest, ok := strings.CutPrefix(s, "*/"); ok {
		n, err := strconv.Atoi(rest)
		return cronField{step: n}, err == nil && n > 0
	}
	val := func(v string) (int, bool) {
		for i, name := range names {
			if name != "" && len(v) == 3 && strings.EqualFold(v, name[:3]) {
				return i, true
			}
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= lo && n <= hi
	}
	var f cronField
	for _, part := range strings.Split(s, ",") {
		step := 0
		if r, st, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(st)
			if err != nil || n <= 0 {
				return f, false
			}
			part, step = r, n
		}
		a, b, isRange := strings.Cut(part, "-")
		x, ok := val(a)
		if !ok {
			return f, false
		}
		y := x
		if isRange {
			if y, ok = val(b); !ok || y < x {
				return f, false
			}
		}
		if step > 0 && !isRange {
			return f, false // "5/10": a start with a step; left as the expression
		}
		f.items = append(f.items, cronItem{lo: x, hi: y, step: step})
	}
	return f, true
}

func hhmm(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }

// list joins words: "a", "a and b", "a, b and c".
func list(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func itemWords(f cronField, name func(int) string) string {
	var words []string
	for _, it := range f.items {
		switch {
		case it.lo == it.hi:
			words = append(words, name(it.lo))
		case it.step > 0:
			words = append(words, fmt.Sprintf("every %d from %s to %s", it.step, name(it.lo), name(it.hi)))
		default:
			words = append(words, name(it.lo)+" to "+name(it.hi))
		}
	}
	return list(words)
}

// CronWords puts a bot's schedule in words with its time zone: "every 15
// minutes, UTC", "at 06:00, Monday to Friday, America/New_York". An
// expression it cannot read plainly comes back as "cron <expr>, <zone>".
func CronWords(spec, zone string) string {
	if zone == "" {
		zone = "UTC"
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return "manual only"
	}
	if w, ok := cronWords(spec); ok {
		return w + ", " + zone
	}
	return "cron " + spec + ", " + zone
}

func cronWords(spec string) (string, bool) {
	switch spec {
	case "@hourly":
		return "every hour at :00", true
	case "@daily", "@midnight":
		return "every day at 00:00", true
	case "@weekly":
		return "every Sunday at 00:00", true
	case "@monthly":
		return "on day 1 of every month at 00:00", true
	case "@yearly", "@annually":
		return "every year on 1 January at 00:00", true
	}
	if d, ok := strings.CutPrefix(spec, "@every "); ok {
		if dur, err := time.ParseDuration(strings.TrimSpace(d)); err == nil && dur > 0 {
			return "every " + dur.String(), true
		}
		return "", false
	}
	fs := strings.Fields(spec)
	if len(fs) != 5 {
		return "", false
	}
	minute, ok1 := parseCronField(fs[0], 0, 59, nil)
	hour, ok2 := parseCronField(fs[1], 0, 23, nil)
	dom, ok3 := parseCronField(fs[2], 1, 31, nil)
	month, ok4 := parseCronField(fs[3], 1, 12, monthNames)
	dow, ok5 := parseCronField(fs[4], 0, 7, dayNames)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return "", false
	}
	t, ok := timeWords(minute, hour)
	if !ok {
		return "", false
	}
	var parts []string
	days := dayWords(dom, dow)
	if days == "" && strings.HasPrefix(t, "at ") {
		t = "every day " + t
	}
	parts = append(parts, t)
	if days != "" {
		parts = append(parts, days)
	}
	if !month.any {
		if month.step > 0 {
			parts = append(parts, fmt.Sprintf("every %d months", month.step))
		} else {
			parts = append(parts, "in "+itemWords(month, func(i int) string { return monthNames[i] }))
		}
	}
	return strings.Join(parts, ", "), true
}

// timeWords says when in the day: "every 15 minutes", "at 06:00 and
// 18:00", "every hour at :05", "every 15 minutes from 08:00 to 17:59".
func timeWords(minute, hour cronField) (string, bool) {
	m, mOne := minute.single()
	switch {
	case mOne && hour.any:
		return fmt.Sprintf("every hour at :%02d", m), true
	case mOne && hour.step > 0:
		return fmt.Sprintf("every %d hours at :%02d", hour.step, m), true
	case mOne:
		if hs, ok := hour.singles(); ok {
			var at []string
			for _, h := range hs {
				at = append(at, hhmm(h, m))
			}
			return "at " + list(at), true
		}
		return fmt.Sprintf("every hour at :%02d during hours %s", m, hourRange(hour)), true
	}
	var every string
	switch {
	case minute.any:
		every = "every minute"
	case minute.step == 1:
		every = "every minute"
	case minute.step > 0:
		every = fmt.Sprintf("every %d minutes", minute.step)
	default:
		ms, ok := minute.singles()
		if !ok {
			return "", false
		}
		var at []string
		for _, x := range ms {
			at = append(at, fmt.Sprintf(":%02d", x))
		}
		every = "every hour at " + list(at)
	}
	switch {
	case hour.any:
		return every, true
	case hour.step > 0:
		return fmt.Sprintf("%s, every %d hours", every, hour.step), true
	}
	return every + " during hours " + hourRange(hour), true
}

// hourRange says which hours: "08:00 to 17:59", "09:00 and 13:00".
func hourRange(hour cronField) string {
	var words []string
	for _, it := range hour.items {
		switch {
		case it.lo == it.hi:
			words = append(words, hhmm(it.lo, 0)+" to "+hhmm(it.lo, 59))
		case it.step > 0:
			words = append(words, fmt.Sprintf("every %d hours from %s to %s", it.step, hhmm(it.lo, 0), hhmm(it.hi, 59)))
		default:
			words = append(words, hhmm(it.lo, 0)+" to "+hhmm(it.hi, 59))
		}
	}
	return list(words)
}

// dayWords says on which days: "Monday to Friday", "on day 1 of the
// month"; cron runs on either when both are set.
func dayWords(dom, dow cronField) string {
	var d, w string
	if !dow.any {
		if dow.step > 0 {
			w = fmt.Sprintf("every %d days of the week", dow.step)
		} else {
			w = itemWords(dow, func(i int) string { return dayNames[i] })
		}
	}
	if !dom.any {
		if dom.step > 0 {
			d = fmt.Sprintf("every %d days of the month", dom.step)
		} else {
			d = "on day " + itemWords(dom, strconv.Itoa) + " of the month"
		}
	}
	switch {
	case d != "" && w != "":
		return d + " or on " + w
	case d != "":
		return d
	}
	return w
}

// nextFire is when a schedule next fires after now (zero when it does not
// parse, which the configuration's check prevents).
func nextFire(spec, zone string, now time.Time) time.Time {
	if spec == "" {
		return time.Time{}
	}
	if zone != "" {
		spec = "CRON_TZ=" + zone + " " + spec
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}
	}
	return s.Next(now)
}
