package monitoring

import (
	"context"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// itemsCollector reports work items by queue and status, read from the
// store at scrape time so every process agrees with the system of record.
type itemsCollector struct {
	count   func(ctx context.Context) ([]orchestrator.ItemCount, error)
	desc    *prometheus.Desc
	errDesc *prometheus.Desc
}

// NewItemsCollector returns a collector over count, usually Store.CountItems.
func NewItemsCollector(count func(ctx context.Context) ([]orchestrator.ItemCount, error)) prometheus.Collector {
	return &itemsCollector{
		count: count,
		desc: prometheus.NewDesc("docket_work_items",
			"Work items by queue and status.", []string{"queue", "status"}, nil),
		errDesc: prometheus.NewDesc("docket_work_items_scrape_error",
			"1 when the last count of work items failed.", nil, nil),
	}
}

func (c *itemsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.desc
	ch <- c.errDesc
}

func (c *itemsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	items, err := c.count(ctx)
	failed := 0.0
	if err != nil {
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(c.errDesc, prometheus.GaugeValue, failed)
	// Queues that fail validation fold into one "other" series.
	by := counts{}
	for _, n := range items {
		by[[3]string{CodeLabel(n.Queue), CodeLabel(string(n.Status))}] += float64(n.Count)
	}
	by.emit(ch, c.desc, prometheus.GaugeValue, 2)
}
