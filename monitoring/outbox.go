package monitoring

import (
	"context"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// outboxCollector reports the outbox at scrape time: how many jobs the
// database has committed that the queue has not taken yet, and how long the
// oldest has waited. A dispatcher that is down or a Redis that refuses
// enqueues shows as a growing age.
type outboxCollector struct {
	stats                  func(ctx context.Context) (orchestrator.OutboxStats, error)
	now                    func() time.Time
	unsent, oldest, errors *prometheus.Desc
}

// NewOutboxCollector returns a collector over stats, usually
// Store.OutboxStats; now nil means time.Now.
func NewOutboxCollector(stats func(ctx context.Context) (orchestrator.OutboxStats, error), now func() time.Time) prometheus.Collector {
	if now == nil {
		now = time.Now
	}
	return &outboxCollector{
		stats: stats, now: now,
		unsent: prometheus.NewDesc("docket_outbox_unsent",
			"Jobs committed to the outbox (write-backs, manual runs) that the queue has not taken yet.", nil, nil),
		oldest: prometheus.NewDesc("docket_outbox_oldest_unsent_age_seconds",
			"Age of the oldest job in the outbox the queue has not taken yet; 0 when there is none.", nil, nil),
		errors: prometheus.NewDesc("docket_outbox_scrape_error",
			"1 when the last reading of the outbox failed.", nil, nil),
	}
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.unsent
	ch <- c.oldest
	ch <- c.errors
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.stats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.errors, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.errors, prometheus.GaugeValue, 0)
	age := 0.0
	if !st.OldestUnsent.IsZero() {
		age = max(0, c.now().Sub(st.OldestUnsent).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.unsent, prometheus.GaugeValue, float64(st.Unsent))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
