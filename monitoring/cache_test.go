package monitoring

import (
	"testing"
	"time"
)

func TestSnapshotReloadsAfterTTL(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := newSnapshot[int](10*time.Second, func() time.Time { return now })
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	for range 5 {
		if v, _ := s.get(load); v != 1 {
			t.Fatalf("cached value = %d, want 1", v)
		}
	}
	now = now.Add(11 * time.Second)
	if v, _ := s.get(load); v != 2 || loads != 2 {
		t.Fatalf("after TTL value = %d, loads = %d; want 2 and 2", v, loads)
	}
}
