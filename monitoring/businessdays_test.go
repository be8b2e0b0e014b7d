package monitoring

import (
	"testing"
	"time"
)

func TestBusinessDays(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	cases := []struct {
		from, to string
		want     int
	}{
		{"2026-11-27", "2026-11-27", 0},  // same day
		{"2026-11-27", "2026-11-28", 0},  // Friday → Saturday
		{"2026-11-27", "2026-11-30", 1},  // Friday → Monday
		{"2026-11-23", "2026-11-27", 4},  // Monday → Friday
		{"2026-11-23", "2026-11-30", 5},  // one week
		{"2026-11-28", "2026-12-14", 11}, // Saturday → Monday two weeks on
		{"2026-11-30", "2026-11-23", 0},  // backwards
	}
	for _, c := range cases {
		if got := BusinessDays(day(c.from), day(c.to)); got != c.want {
			t.Errorf("BusinessDays(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}
