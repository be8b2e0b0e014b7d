package monitoring

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestHeartbeat(t *testing.T) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	state := PoolState{InUse: 1, Capacity: 2, Alive: true}
	h := NewHeartbeat(HeartbeatConfig{Metrics: m, Now: func() time.Time { return now },
		Probe: func(context.Context) PoolState { return state }})
	h.Beat(context.Background())
	if got := testutil.ToFloat64(m.WorkerHeartbeat); got != 1_800_000_000 {
		t.Fatalf("heartbeat = %v", got)
	}
	if testutil.ToFloat64(m.WorkerUp) != 1 || testutil.ToFloat64(m.BrowserInUse) != 1 || testutil.ToFloat64(m.BrowserCapacity) != 2 {
		t.Fatal("up, in use or capacity not set")
	}
	// A dead browser stops the heartbeat: the timestamp stays, up drops.
	state.Alive = false
	now = now.Add(time.Minute)
	h.Beat(context.Background())
	if testutil.ToFloat64(m.WorkerHeartbeat) != 1_800_000_000 || testutil.ToFloat64(m.WorkerUp) != 0 {
		t.Fatal("a dead worker must not beat")
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.Stop()
	h.Stop()
	if testutil.ToFloat64(m.WorkerUp) != 0 {
		t.Fatal("stopped worker is up")
	}
}
