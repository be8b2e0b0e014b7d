package inbox

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// TestQueuesAtRiskAgreesWithMetrics: at moments when the fixture's tasks
// are on track, at risk a business day before their deadline, and past it,
// the queues page's at-risk and breached counts equal /metrics'
// docket_human_tasks_open{sla="due_soon"} and {sla="breached"}, queue by
// queue: both read one SLA definition (each task's own at-risk and due
// times). With the collector's old fixed 4-hour window the at-risk moment
// disagreed (coding: 5 at risk, 0 due soon).
func TestQueuesAtRiskAgreesWithMetrics(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *Config) { c.Now = clock.Now })
	first := e.tasks[0]
	if first.AtRiskAt.IsZero() || first.DueAt.Sub(first.AtRiskAt) < 20*time.Hour {
		t.Fatalf("fixture task clock: at risk %s, due %s", first.AtRiskAt, first.DueAt)
	}
	last := e.tasks[len(e.tasks)-1]
	for _, at := range []struct {
		name string
		now  time.Time
	}{
		{"on track", first.CreatedAt.Add(time.Minute)},
		{"at risk", last.AtRiskAt.Add(time.Minute)},
		{"breached", last.DueAt.Add(time.Minute)},
	} {
		clock.mu.Lock()
		clock.t = at.now
		clock.mu.Unlock()
		_, body := e.getAs(t, "viewer", "token", "/api/v1/queues")
		var qs QueuesJSON
		if err := json.Unmarshal([]byte(body), &qs); err != nil {
			t.Fatalf("%s: queues: %v %s", at.name, err, body)
		}
		gauge := metricsSLA(t, e, at.now)
		total := 0
		for _, q := range qs.Queues {
			if got := gauge[q.Queue]; got[monitoring.SLADueSoon] != q.AtRisk || got[monitoring.SLABreached] != q.Breached {
				t.Errorf("%s, queue %s: the queues page says %d at risk and %d breached, /metrics %d due_soon and %d breached",
					at.name, q.Queue, q.AtRisk, q.Breached, got[monitoring.SLADueSoon], got[monitoring.SLABreached])
			}
			total += q.AtRisk + q.Breached
		}
		if (at.name == "on track") != (total == 0) {
			t.Errorf("%s: %d tasks at risk or breached", at.name, total)
		}
	}
}

// metricsSLA reads docket_human_tasks_open by queue and SLA state from a
// task collector over the env's store at now.
func metricsSLA(t *testing.T, e *env, now time.Time) map[string]map[string]int {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(monitoring.NewTaskCollector(monitoring.TaskCollectorConfig{
		StoreCollectorConfig: monitoring.StoreCollectorConfig{Queues: e.svc.Queues().Names(), Now: func() time.Time { return now }},
		Tasks: func(ctx context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
			return e.store.Tasks(ctx, f)
		},
	}))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int{}
	for _, mf := range mfs {
		if mf.GetName() != "docket_human_tasks_open" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var queue, sla string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "queue":
					queue = l.GetValue()
				case "sla":
					sla = l.GetValue()
				}
			}
			if out[queue] == nil {
				out[queue] = map[string]int{}
			}
			out[queue][sla] = int(m.GetGauge().GetValue())
		}
	}
	if len(out) == 0 {
		t.Fatal("no docket_human_tasks_open series")
	}
	return out
}
