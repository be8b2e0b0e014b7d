package monitoring

import (
	"errors"
	"sort"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// QueueInspector is the part of *asynq.Inspector the queue collector reads.
type QueueInspector interface {
	Queues() ([]string, error)
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
	ListPendingTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListActiveTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListScheduledTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListRetryTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListArchivedTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListCompletedTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	Servers() ([]*asynq.ServerInfo, error)
}

// Task states reported by docket_queue_tasks. Completed tasks are only
// retained (they keep a task id reserved); they are reported as their own
// state and never counted as depth.
const (
	StatePending   = "pending"
	StateActive    = "active"
	StateScheduled = "scheduled"
	StateRetry     = "retry"
	StateArchived  = "archived"
	StateCompleted = "completed"
)

// taskTypeOther is where tasks beyond the listing cap, or of types beyond
// the type cap, are counted.
const taskTypeOther = "other"

// QueueCollectorConfig configures the queue collector.
type QueueCollectorConfig struct {
	Inspector QueueInspector
	// Queues are always reported, with zeros when empty (e.g. "bots").
	Queues []string
	// TaskTypes are always reported per queue, with zeros (e.g. "bot:run").
	// Other types found in the queue are reported too, up to MaxTaskTypes.
	TaskTypes []string
	// MaxTaskTypes bounds the task_type label per queue. Default 20.
	MaxTaskTypes int
	// ListLimit bounds how many tasks of one queue and state are listed
	// for the type breakdown; the rest count as task_type "other".
	// Default 10000.
	ListLimit int
	// EnqueuedAt, if set, tells when a pending task was enqueued (for
	// example from the run it carries), giving the latency of task types
	// other than the one at the head of the queue.
	EnqueuedAt func(t *asynq.TaskInfo) (time.Time, bool)
	// TTL is how long one reading of Redis serves scrapes. Default 5 s.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// queueCollector reports asynq queues by queue, task type and state, from
// Redis at scrape time. Register it in one process only (serve, or demo):
// every process reading the same Redis would report the same numbers.
type queueCollector struct {
	cfg   QueueCollectorConfig
	snap  *snapshot[queueReading]
	tasks *prometheus.Desc
	lat   *prometheus.Desc
	qlat  *prometheus.Desc
	pause *prometheus.Desc
	proc  *prometheus.Desc
	fail  *prometheus.Desc
	work  *prometheus.Desc
	errD  *prometheus.Desc
}

type queueReading struct {
	queues  []queueState
	workers int
}

type queueState struct {
	info    asynq.QueueInfo
	counts  map[[2]string]int        // (task type, state) → tasks
	latency map[string]time.Duration // task type → oldest pending age
}

// NewQueueCollector returns the queue collector.
func NewQueueCollector(cfg QueueCollectorConfig) (prometheus.Collector, error) {
	if cfg.Inspector == nil {
		return nil, errors.New("monitoring: queue collector needs an inspector")
	}
	if cfg.MaxTaskTypes <= 0 {
		cfg.MaxTaskTypes = 20
	}
	if cfg.ListLimit <= 0 {
		cfg.ListLimit = 10000
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	qt := []string{"queue", "task_type"}
	return &queueCollector{
		cfg:  cfg,
		snap: newSnapshot[queueReading](cfg.TTL, cfg.Now),
		tasks: prometheus.NewDesc("docket_queue_tasks",
			"Tasks in asynq queues by queue, task type and state (pending, active, scheduled, retry, archived, completed). Completed tasks are retained, not waiting.",
			[]string{"queue", "task_type", "state"}, nil),
		lat: prometheus.NewDesc("docket_queue_task_latency_seconds",
			"Age of the oldest pending task by queue and task type; 0 when none is pending.", qt, nil),
		qlat: prometheus.NewDesc("docket_queue_latency_seconds",
			"Age of the oldest pending task in the queue; 0 when none is pending.", []string{"queue"}, nil),
		pause: prometheus.NewDesc("docket_queue_paused", "1 when the queue is paused.", []string{"queue"}, nil),
		proc: prometheus.NewDesc("docket_queue_processed_total",
			"Tasks processed by the queue's workers (succeeded or failed), as asynq counts them.", []string{"queue"}, nil),
		fail: prometheus.NewDesc("docket_queue_failed_total",
			"Task attempts that failed, as asynq counts them.", []string{"queue"}, nil),
		work: prometheus.NewDesc("docket_workers",
			"Worker processes with a live heartbeat in Redis.", nil, nil),
		errD: prometheus.NewDesc("docket_queue_scrape_error",
			"1 when the last reading of the queues failed.", nil, nil),
	}, nil
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.tasks, c.lat, c.qlat, c.pause, c.proc, c.fail, c.work, c.errD} {
		ch <- d
	}
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	r, err := c.snap.get(c.read)
	failed := 0.0
	if err != nil {
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(c.errD, prometheus.GaugeValue, failed)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.work, prometheus.GaugeValue, float64(r.workers))
	for _, q := range r.queues {
		name := q.info.Queue
		ch <- prometheus.MustNewConstMetric(c.qlat, prometheus.GaugeValue, q.info.Latency.Seconds(), name)
		ch <- prometheus.MustNewConstMetric(c.pause, prometheus.GaugeValue, boolFloat(q.info.Paused), name)
		ch <- prometheus.MustNewConstMetric(c.proc, prometheus.CounterValue, float64(q.info.ProcessedTotal), name)
		ch <- prometheus.MustNewConstMetric(c.fail, prometheus.CounterValue, float64(q.info.FailedTotal), name)
		for k, n := range q.counts {
			ch <- prometheus.MustNewConstMetric(c.tasks, prometheus.GaugeValue, float64(n), name, k[0], k[1])
		}
		for typ, d := range q.latency {
			ch <- prometheus.MustNewConstMetric(c.lat, prometheus.GaugeValue, d.Seconds(), name, typ)
		}
	}
}

func (c *queueCollector) read() (queueReading, error) {
	var r queueReading
	names, err := c.cfg.Inspector.Queues()
	if err != nil {
		return r, err
	}
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	for _, name := range union(names, c.cfg.Queues) {
		q, err := c.readQueue(name, known[name])
		if err != nil {
			return r, err
		}
		r.queues = append(r.queues, q)
	}
	servers, err := c.cfg.Inspector.Servers()
	if err != nil {
		return r, err
	}
	r.workers = len(servers)
	return r, nil
}

// readQueue reads one queue; a queue Redis does not know yet (nothing
// was ever enqueued on it) reads as empty.
func (c *queueCollector) readQueue(name string, exists bool) (queueState, error) {
	q := queueState{counts: map[[2]string]int{}, latency: map[string]time.Duration{}}
	info := &asynq.QueueInfo{Queue: name}
	if exists {
		var err error
		if info, err = c.cfg.Inspector.GetQueueInfo(name); err != nil {
			return q, err
		}
	}
	q.info = *info
	types := map[string]bool{}
	for _, t := range c.cfg.TaskTypes {
		types[t] = true
	}
	lists := []struct {
		state string
		total int
		list  func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	}{
		{StatePending, info.Pending, c.cfg.Inspector.ListPendingTasks},
		{StateActive, info.Active, c.cfg.Inspector.ListActiveTasks},
		{StateScheduled, info.Scheduled, c.cfg.Inspector.ListScheduledTasks},
		{StateRetry, info.Retry, c.cfg.Inspector.ListRetryTasks},
		{StateArchived, info.Archived, c.cfg.Inspector.ListArchivedTasks},
		{StateCompleted, info.Completed, c.cfg.Inspector.ListCompletedTasks},
	}
	oldest := map[string]*asynq.TaskInfo{}
	for _, l := range lists {
		listed := 0
		const page = 500
		for p := 1; listed < l.total && listed < c.cfg.ListLimit; p++ {
			tasks, err := l.list(name, asynq.PageSize(page), asynq.Page(p))
			if err != nil {
				return q, err
			}
			for _, t := range tasks {
				typ := t.Type
				if !types[typ] {
					if len(types) >= c.cfg.MaxTaskTypes {
						typ = taskTypeOther
					}
					types[typ] = true
				}
				q.counts[[2]string{typ, l.state}]++
				if l.state == StatePending {
					if _, seen := oldest[typ]; !seen {
						oldest[typ] = t
					}
				}
			}
			listed += len(tasks)
			if len(tasks) < page {
				break
			}
		}
		if rest := l.total - listed; rest > 0 {
			types[taskTypeOther] = true
			q.counts[[2]string{taskTypeOther, l.state}] += rest
		}
	}
	// Every known type gets every state, so a drained queue reads 0.
	for typ := range types {
		for _, l := range lists {
			k := [2]string{typ, l.state}
			q.counts[k] += 0
		}
		q.latency[typ] = 0
	}
	pendingTypes := sortedKeys(oldest)
	for _, typ := range pendingTypes {
		switch {
		case len(pendingTypes) == 1:
			q.latency[typ] = info.Latency
		case c.cfg.EnqueuedAt != nil:
			if at, ok := c.cfg.EnqueuedAt(oldest[typ]); ok {
				q.latency[typ] = max(c.cfg.Now().Sub(at), 0)
			}
		}
	}
	return q, nil
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
