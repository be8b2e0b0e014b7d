package orchestrator

import (
	"errors"
	"testing"
	"time"
)

func TestBusinessDays(t *testing.T) {
	cal, err := NewCalendar(CalendarConfig{Timezone: "America/Chicago", Holidays: map[string]string{"2026-11-26": "Thanksgiving"}})
	if err != nil {
		t.Fatal(err)
	}
	chi := cal.Location()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, chi) }
	cases := []struct {
		from, to time.Time
		want     int
	}{
		{day(23), day(26), 2}, // Mon → Thu (holiday): Tue, Wed
		{day(23), day(27), 3}, // … Fri
		{day(27), day(30), 1}, // Fri → Mon
		{day(28), day(30), 1}, // Sat → Mon
		{day(30), day(30), 0},
		{day(30), day(23), 0}, // backwards
	}
	for _, c := range cases {
		if got := cal.BusinessDaysBetween(c.from, c.to); got != c.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", c.from.Format("Mon 01-02"), c.to.Format("Mon 01-02"), got, c.want)
		}
	}
	if got := cal.AddBusinessDays(day(25), 1); !got.Equal(day(27)) {
		t.Errorf("Wed + 1 over Thanksgiving = %s, want Fri 27", got)
	}
	if got := cal.AddBusinessDays(day(27), 1); !got.Equal(day(30)) {
		t.Errorf("Fri + 1 = %s, want Mon 30", got)
	}
	if got := cal.AddBusinessDays(day(30), -2); !got.Equal(day(25)) {
		t.Errorf("Mon - 2 = %s, want Wed 25", got)
	}
	for n := 0; n < 15; n++ {
		if got := cal.BusinessDaysBetween(day(20), cal.AddBusinessDays(day(20), n)); got != n {
			t.Errorf("BusinessDaysBetween(d, d+%d) = %d", n, got)
		}
	}
	for _, bad := range []CalendarConfig{
		{Timezone: "Mars/Olympus"},
		{Holidays: map[string]string{"2026-02-30": "nope"}},
		{Weekend: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
	} {
		if _, err := NewCalendar(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewCalendar(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	seven, err := NewCalendar(CalendarConfig{Weekend: []time.Weekday{}})
	if err != nil || seven.BusinessDaysBetween(day(27), day(30)) != 3 {
		t.Errorf("seven-day calendar: %v", err)
	}
}

func TestSLAClock(t *testing.T) {
	cal, _ := NewCalendar(CalendarConfig{})
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) // Thursday
	atRisk, due := SLAPolicy{TargetDays: 3}.Clock(cal, start)
	if want := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Errorf("due %s, want Tue 12-08", due)
	}
	if want := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC); !atRisk.Equal(want) {
		t.Errorf("at risk %s, want Mon 12-07", atRisk)
	}
	atRisk, due = SLAPolicy{TargetHours: 4, AtRiskFraction: 0.5}.Clock(cal, start)
	if !due.Equal(start.Add(4*time.Hour)) || !atRisk.Equal(start.Add(2*time.Hour)) {
		t.Errorf("hours clock %s %s", atRisk, due)
	}
	for now, want := range map[time.Time]SLAState{start: SLAOnTrack, start.Add(2 * time.Hour): SLAAtRisk, start.Add(5 * time.Hour): SLABreached} {
		if got := SLAStateAt(now, atRisk, due); got != want {
			t.Errorf("state at %s = %s, want %s", now, got, want)
		}
	}
}

func TestTransitions(t *testing.T) {
	allowed := map[[2]ItemStatus]bool{
		{ItemNew, ItemInProgress}: true, {ItemNew, ItemFailed}: true, {ItemNew, ItemAbandoned}: true,
		{ItemInProgress, ItemNew}: true, {ItemInProgress, ItemSuccessful}: true, {ItemInProgress, ItemFailed}: true,
		{ItemInProgress, ItemAbandoned}: true,
	}
	all := []ItemStatus{ItemNew, ItemInProgress, ItemSuccessful, ItemFailed, ItemAbandoned}
	for _, from := range all {
		for _, to := range all {
			if got := from.CanTransition(to); got != allowed[[2]ItemStatus{from, to}] {
				t.Errorf("%s → %s allowed = %v", from, to, got)
			}
		}
	}
	if !ItemFailed.CanRetry() || !ItemAbandoned.CanRetry() || ItemSuccessful.CanRetry() || ItemNew.CanRetry() {
		t.Error("retry rules")
	}
	if !ReviewNone.CanReview(ReviewInReview) || ReviewNone.CanReview(ReviewVerified) || !ReviewInReview.CanReview(ReviewVerified) {
		t.Error("review rules")
	}
}
