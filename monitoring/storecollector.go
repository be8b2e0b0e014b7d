package monitoring

import (
	"context"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// StoreCollectorConfig is what every collector that reads the system of
// record at scrape time shares.
type StoreCollectorConfig struct {
	// Queues are always reported, with zeros when empty.
	Queues []string
	// TTL is how long one reading of the store serves scrapes. Default 15 s.
	TTL time.Duration
	// Timeout bounds one reading. Default 10 s.
	Timeout time.Duration
	// PageSize is how many records one store call lists. Default 1000.
	PageSize int
	// ListLimit bounds how many records of one kind a reading lists.
	// Default 100000.
	ListLimit int
	// MaxReasons bounds the reason label per queue; rarer reasons are
	// reported as "other". Default 30.
	MaxReasons int
	// BusinessDays counts business days between two times; default
	// BusinessDays (Monday to Friday, no holidays).
	BusinessDays func(from, to time.Time) int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c StoreCollectorConfig) withDefaults() StoreCollectorConfig {
	if c.TTL <= 0 {
		c.TTL = 15 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.PageSize <= 0 {
		c.PageSize = 1000
	}
	if c.ListLimit <= 0 {
		c.ListLimit = 100000
	}
	if c.MaxReasons <= 0 {
		c.MaxReasons = 30
	}
	if c.BusinessDays == nil {
		c.BusinessDays = BusinessDays
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ageBuckets are the upper bounds, in business days, of age histograms.
var ageBuckets = []float64{0, 1, 2, 3, 5, 10, 15, 20, 30, 60}

// resolutionBuckets are the upper bounds, in seconds, of the time people
// take to resolve a task: 15 minutes to two weeks.
var resolutionBuckets = []float64{900, 3600, 4 * 3600, 8 * 3600, 86400, 2 * 86400, 5 * 86400, 14 * 86400}

// histo accumulates observations for a const histogram.
type histo struct {
	bounds []float64
	counts []uint64
	count  uint64
	sum    float64
}

func newHisto(bounds []float64) *histo {
	return &histo{bounds: bounds, counts: make([]uint64, len(bounds))}
}

func (h *histo) observe(v float64) {
	h.count++
	h.sum += v
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
}

func (h *histo) metric(d *prometheus.Desc, labels ...string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(h.bounds))
	for i, b := range h.bounds {
		buckets[b] = h.counts[i]
	}
	return prometheus.MustNewConstHistogram(d, h.count, h.sum, buckets, labels...)
}

// histos is a histogram per queue.
type histos struct {
	bounds []float64
	by     map[string]*histo
}

func newHistos(bounds []float64, queues []string) histos {
	h := histos{bounds: bounds, by: map[string]*histo{}}
	for _, q := range queues {
		h.get(q)
	}
	return h
}

func (h histos) get(queue string) *histo {
	x, ok := h.by[queue]
	if !ok {
		x = newHisto(h.bounds)
		h.by[queue] = x
	}
	return x
}

func (h histos) emit(ch chan<- prometheus.Metric, d *prometheus.Desc) {
	for _, q := range sortedKeys(h.by) {
		ch <- h.by[q].metric(d, q)
	}
}

// counts is a count per label tuple.
type counts map[[3]string]float64

func (c counts) emit(ch chan<- prometheus.Metric, d *prometheus.Desc, vt prometheus.ValueType, n int) {
	for k, v := range c {
		ch <- prometheus.MustNewConstMetric(d, vt, v, k[:n]...)
	}
}

// capReasons keeps the max most frequent reasons of each queue (ties by
// name) and folds the rest into "other", so a portal inventing reason codes
// cannot grow the series count without bound.
func capReasons(c counts, max int) counts {
	type qr struct {
		reason string
		n      float64
	}
	byQueue := map[string][]qr{}
	for k, v := range c {
		byQueue[k[0]] = append(byQueue[k[0]], qr{k[1], v})
	}
	out := counts{}
	for q, list := range byQueue {
		sort.Slice(list, func(i, j int) bool {
			if list[i].n != list[j].n {
				return list[i].n > list[j].n
			}
			return list[i].reason < list[j].reason
		})
		for i, r := range list {
			reason := r.reason
			if i >= max {
				reason = "other"
			}
			out[[3]string{q, reason}] += r.n
		}
	}
	return out
}

// scrapeErrorDesc is docket_store_scrape_error for one collector.
func scrapeErrorDesc(collector string) *prometheus.Desc {
	return prometheus.NewDesc("docket_store_scrape_error",
		"1 when the collector's last reading of the system of record failed.", nil,
		prometheus.Labels{"collector": collector})
}

// pageAll calls list with growing offsets until a short page or limit.
func pageAll[T any](ctx context.Context, pageSize, limit int, list func(ctx context.Context, limit, offset int) ([]T, error)) ([]T, error) {
	var all []T
	for off := 0; off < limit; off += pageSize {
		page, err := list(ctx, pageSize, off)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < pageSize {
			break
		}
	}
	return all, nil
}
