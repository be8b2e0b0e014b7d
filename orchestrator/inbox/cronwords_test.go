package inbox

import (
	"testing"
	"time"
)

func TestCronWords(t *testing.T) {
	for _, c := range []struct{ spec, zone, want string }{
		{"*/15 * * * *", "", "every 15 minutes, UTC"},
		{"* * * * *", "UTC", "every minute, UTC"},
		{"5 * * * *", "UTC", "every hour at :05, UTC"},
		{"0 */2 * * *", "UTC", "every 2 hours at :00, UTC"},
		{"30 2 * * *", "UTC", "every day at 02:30, UTC"},
		{"0 6,18 * * *", "UTC", "every day at 06:00 and 18:00, UTC"},
		{"0 6 * * 1-5", "America/New_York", "at 06:00, Monday to Friday, America/New_York"},
		{"0 6 * * MON-FRI", "UTC", "at 06:00, Monday to Friday, UTC"},
		{"0 7 * * 1,3,5", "UTC", "at 07:00, Monday, Wednesday and Friday, UTC"},
		{"*/10 8-17 * * 1-5", "UTC", "every 10 minutes during hours 08:00 to 17:59, Monday to Friday, UTC"},
		{"0 1 1 * *", "UTC", "at 01:00, on day 1 of the month, UTC"},
		{"0 1 1,15 * *", "UTC", "at 01:00, on day 1 and 15 of the month, UTC"},
		{"0 0 1 1 *", "UTC", "at 00:00, on day 1 of the month, in January, UTC"},
		{"0,30 * * * *", "UTC", "every hour at :00 and :30, UTC"},
		{"*/5 9 * * *", "UTC", "every 5 minutes during hours 09:00 to 09:59, UTC"},
		{"@hourly", "UTC", "every hour at :00, UTC"},
		{"@every 90m", "UTC", "every 1h30m0s, UTC"},
		{"", "UTC", "manual only"},
		{"1-10/2 * * * *", "UTC", "cron 1-10/2 * * * *, UTC"},
		{"0 25 * * *", "UTC", "cron 0 25 * * *, UTC"},
		{"0 6 * *", "UTC", "cron 0 6 * *, UTC"},
	} {
		if got := CronWords(c.spec, c.zone); got != c.want {
			t.Errorf("CronWords(%q, %q) = %q, want %q", c.spec, c.zone, got, c.want)
		}
	}
	now := time.Date(2026, 12, 4, 10, 7, 0, 0, time.UTC) // a Friday
	for _, c := range []struct {
		spec, zone string
		want       time.Time
	}{
		{"*/15 * * * *", "", time.Date(2026, 12, 4, 10, 15, 0, 0, time.UTC)},
		{"0 6 * * 1-5", "UTC", time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)},
		{"0 6 * * *", "America/New_York", time.Date(2026, 12, 4, 11, 0, 0, 0, time.UTC)},
		{"", "UTC", time.Time{}},
		{"not cron", "UTC", time.Time{}},
	} {
		if got := nextFire(c.spec, c.zone, now); !got.Equal(c.want) {
			t.Errorf("nextFire(%q, %q) = %s, want %s", c.spec, c.zone, got, c.want)
		}
	}
}
