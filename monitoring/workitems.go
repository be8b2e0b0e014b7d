package monitoring

import (
	"context"
	"encoding/json"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// WorkCollectorConfig configures the work item collector.
type WorkCollectorConfig struct {
	StoreCollectorConfig
	// Items lists work items, usually Store.Items.
	Items func(ctx context.Context, f orchestrator.ItemFilter) ([]orchestrator.WorkItem, error)
	// Open are the statuses of items still to be worked. Default new and
	// in_progress.
	Open []orchestrator.ItemStatus
	// Done are the statuses whose items count towards turnaround. Default
	// successful.
	Done []orchestrator.ItemStatus
	// Kinds are always reported per queue, with zeros; an item of another
	// kind is reported as "other".
	Kinds []orchestrator.ItemKind
	// Registry, when set, supplies Kinds at each reading instead: the
	// built-in kinds and those the portal packs declare then, the first
	// KindsMax of them (names the registry checked, so the label stays
	// bounded).
	Registry *orchestrator.KindRegistry
	// KindsMax caps the kinds Registry supplies. Default KindsMaxDefault.
	KindsMax int
	// ReasonCodes, when set, are the only hold reason codes reported;
	// others are "other". Without them a reason must look like a code
	// (CodeLabel).
	ReasonCodes []string
}

// KindsMaxDefault is how many record kinds the work collector reports by
// name at most; items of the others count as "other".
const KindsMaxDefault = 50

// workCollector reports what supervisors ask of work queues: open items by
// queue, kind and reason, their age and the age of open physician queries
// in business days, and turnaround of finished items. It reads the store
// at scrape time (cached for TTL).
type workCollector struct {
	cfg        WorkCollectorConfig
	snap       *snapshot[workReading]
	open       *prometheus.Desc
	byReason   *prometheus.Desc
	age        *prometheus.Desc
	queries    *prometheus.Desc
	queryAge   *prometheus.Desc
	turnaround *prometheus.Desc
	errD       *prometheus.Desc
}

type workReading struct {
	open, byReason, queries counts
	age, queryAge, turn     histos
}

// itemFacts are the fields of an item's data the metrics need; decoding
// only these keeps patient data out of the collector.
type itemFacts struct {
	DischargeDate string `json:"discharge_date"`
	HoldReasons   []struct {
		Code string `json:"code"`
	} `json:"hold_reasons"`
	Query *struct {
		SentAt string `json:"sent_at"`
		Status string `json:"status"`
	} `json:"query"`
}

// NewWorkCollector returns the work item collector.
func NewWorkCollector(cfg WorkCollectorConfig) prometheus.Collector {
	cfg.StoreCollectorConfig = cfg.StoreCollectorConfig.withDefaults()
	if len(cfg.Open) == 0 {
		cfg.Open = []orchestrator.ItemStatus{orchestrator.ItemNew, orchestrator.ItemInProgress}
	}
	if len(cfg.Done) == 0 {
		cfg.Done = []orchestrator.ItemStatus{orchestrator.ItemSuccessful}
	}
	if cfg.KindsMax <= 0 {
		cfg.KindsMax = KindsMaxDefault
	}
	q := []string{"queue"}
	return &workCollector{
		cfg:  cfg,
		snap: newSnapshot[workReading](cfg.TTL, cfg.Now),
		open: prometheus.NewDesc("docket_open_work_items",
			"Work items still to be worked, by queue, kind and status.", []string{"queue", "kind", "status"}, nil),
		byReason: prometheus.NewDesc("docket_open_work_items_by_reason",
			"Open work items by queue and hold reason code; an item with two reasons counts under both.",
			[]string{"queue", "reason"}, nil),
		age: prometheus.NewDesc("docket_open_work_item_age_workdays",
			"Age of open work items in business days (since discharge for coding holds, else since first seen).", q, nil),
		queries: prometheus.NewDesc("docket_open_queries",
			"Open physician documentation queries on open work items, by queue.", q, nil),
		queryAge: prometheus.NewDesc("docket_open_query_age_workdays",
			"Age of open physician queries in business days since sent.", q, nil),
		turnaround: prometheus.NewDesc("docket_work_item_turnaround_workdays",
			"Business days from first seen to done, over finished work items.", q, nil),
		errD: scrapeErrorDesc("work_items"),
	}
}

func (c *workCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.byReason, c.age, c.queries, c.queryAge, c.turnaround, c.errD} {
		ch <- d
	}
}

func (c *workCollector) Collect(ch chan<- prometheus.Metric) {
	r, err := c.snap.get(c.read)
	ch <- prometheus.MustNewConstMetric(c.errD, prometheus.GaugeValue, errFloat(err))
	if err != nil {
		return
	}
	r.open.emit(ch, c.open, prometheus.GaugeValue, 3)
	r.byReason.emit(ch, c.byReason, prometheus.GaugeValue, 2)
	r.queries.emit(ch, c.queries, prometheus.GaugeValue, 1)
	r.age.emit(ch, c.age)
	r.queryAge.emit(ch, c.queryAge)
	r.turn.emit(ch, c.turnaround)
}

func (c *workCollector) read() (workReading, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	now := c.cfg.Now()
	r := workReading{
		open: counts{}, byReason: counts{}, queries: counts{},
		age:      newHistos(ageBuckets, c.cfg.Queues),
		queryAge: newHistos(ageBuckets, c.cfg.Queues),
		turn:     newHistos(ageBuckets, c.cfg.Queues),
	}
	kinds := c.kinds()
	for _, q := range c.cfg.Queues {
		r.queries[[3]string{q}] = 0
		for _, k := range kinds {
			for _, s := range c.cfg.Open {
				r.open[[3]string{q, string(k), string(s)}] = 0
			}
		}
	}
	for _, status := range c.cfg.Open {
		items, err := c.list(ctx, status)
		if err != nil {
			return r, err
		}
		for _, it := range items {
			c.addOpen(&r, it, kinds, now)
		}
	}
	for _, status := range c.cfg.Done {
		items, err := c.list(ctx, status)
		if err != nil {
			return r, err
		}
		for _, it := range items {
			r.turn.get(c.cfg.queueLabel(it.Queue)).observe(float64(c.cfg.BusinessDays(it.CreatedAt, it.UpdatedAt)))
		}
	}
	r.byReason = capReasons(r.byReason, c.cfg.MaxReasons)
	return r, nil
}

func (c *workCollector) list(ctx context.Context, status orchestrator.ItemStatus) ([]orchestrator.WorkItem, error) {
	return pageAll(ctx, c.cfg.PageSize, c.cfg.ListLimit, func(ctx context.Context, limit, offset int) ([]orchestrator.WorkItem, error) {
		return c.cfg.Items(ctx, orchestrator.ItemFilter{Status: status, Limit: limit, Offset: offset})
	})
}

// kinds are the kinds reported by name at this reading.
func (c *workCollector) kinds() []orchestrator.ItemKind {
	if c.cfg.Registry == nil {
		return c.cfg.Kinds
	}
	var out []orchestrator.ItemKind
	for _, k := range c.cfg.Registry.All() {
		if len(out) == c.cfg.KindsMax {
			break
		}
		out = append(out, k.Kind)
	}
	return out
}

func (c *workCollector) addOpen(r *workReading, it orchestrator.WorkItem, kinds []orchestrator.ItemKind, now time.Time) {
	queue := c.cfg.queueLabel(it.Queue)
	kind := CodeLabel(string(it.Kind))
	if len(kinds) > 0 {
		kind = knownLabel(it.Kind, kinds)
	}
	r.open[[3]string{queue, kind, string(it.Status)}]++
	var f itemFacts
	_ = json.Unmarshal(it.Data, &f) // data of another shape has no facts
	since := it.CreatedAt
	if d, err := time.Parse(time.DateOnly, f.DischargeDate); err == nil {
		since = d
	}
	r.age.get(queue).observe(float64(c.cfg.BusinessDays(since, now)))
	if len(f.HoldReasons) == 0 {
		r.byReason[[3]string{queue, "none"}]++
	}
	seen := map[string]bool{}
	for _, h := range f.HoldReasons {
		code := CodeLabel(h.Code, c.cfg.ReasonCodes...)
		if h.Code == "" || seen[code] {
			continue
		}
		seen[code] = true
		r.byReason[[3]string{queue, code}]++
	}
	if f.Query != nil && f.Query.Status == "open" {
		r.queries[[3]string{queue}]++
		if sent, err := time.Parse(time.DateOnly, f.Query.SentAt); err == nil {
			r.queryAge.get(queue).observe(float64(c.cfg.BusinessDays(sent, now)))
		}
	}
}

func errFloat(err error) float64 {
	if err != nil {
		return 1
	}
	return 0
}
