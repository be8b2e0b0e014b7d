package inbox

import (
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

func TestDueAndAgeInBusinessDays(t *testing.T) {
	cal, err := orchestrator.NewCalendar(orchestrator.CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// Friday 4 December 2026, 10:00 UTC.
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		due  time.Time
		want string
		late bool
	}{
		{time.Time{}, "no deadline", false},
		{now.Add(3 * time.Hour), "due today", false},
		{now.Add(24 * time.Hour), "due in 24h", false},             // Saturday: no business day between
		{now.AddDate(0, 0, 3), "due in 1 business day", false},     // Monday
		{now.AddDate(0, 0, 4), "due in 2 business days", false},    // Tuesday
		{now.Add(-time.Hour), "overdue since today", true},         // this morning
		{now.AddDate(0, 0, -1), "overdue 1 business day", true},    // Thursday
		{now.AddDate(0, 0, -8), "overdue 6 business days", true},   // Thursday a week ago
		{now.AddDate(0, 0, -60), "overdue 44 business days", true}, // October
	} {
		got := dueWhen(cal, now, c.due)
		if got.Words != c.want || got.Late != c.late {
			t.Errorf("due %s: %q (late %v), want %q (late %v)", c.due, got.Words, got.Late, c.want, c.late)
		}
		if !c.due.IsZero() && (got.Local == "" || got.UTC != c.due.UTC().Format(time.RFC3339)) {
			t.Errorf("due %s: local %q, utc %q", c.due, got.Local, got.UTC)
		}
	}
	if got := ageWhen(cal, now, now.Add(-5*time.Hour)).Words; got != "5h" {
		t.Errorf("age today = %q", got)
	}
	if got := ageWhen(cal, now, now.AddDate(0, 0, -7)).Words; got != "5 business days" {
		t.Errorf("age a week = %q", got)
	}
	if got := plural(1, "task"); got != "1 task" {
		t.Errorf("plural 1 = %q", got)
	}
	if got := plural(0, "task"); got != "0 tasks" {
		t.Errorf("plural 0 = %q", got)
	}
}
