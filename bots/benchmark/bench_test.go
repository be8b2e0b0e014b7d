package benchmark

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// records is the job size every throughput figure reads.
const records = 2000

// scenario is one way of running the throughput job.
type scenario struct {
	name     string
	policy   string        // evidence policy of the runs
	latency  time.Duration // added by the portal to every request
	contexts []int
}

// scenarios: the bots' own cost on a portal that answers at once, with
// evidence screenshots of exceptions only (every record still gets a
// hashed DOM snapshot) and of every page read; and the same job against a
// portal with a realistic 20 ms per request, where waiting on the portal,
// not the browser, sets the pace.
var scenarios = []scenario{
	{"evidence=exceptions", orchestrator.EvidenceExceptions, 0, []int{1, 2, 4}},
	{"evidence=all", orchestrator.EvidenceAll, 0, []int{1}},
	{"evidence=exceptions/latency=20ms", orchestrator.EvidenceExceptions, 20 * time.Millisecond, []int{1, 4}},
}

// BenchmarkThroughput reads 2,000 records per scenario and number of
// contexts, split over that many portals, three ways in the same
// iteration: sessions from one warm browser (Docket), a browser launched
// for each run (baseline a) and plain HTTP (the floor, baseline b). It
// reports records per second of each and the ratios.
func BenchmarkThroughput(b *testing.B) {
	for _, mk := range []func(*testing.B) workload{codingWorkload, scrubberWorkload} {
		w := mk(b)
		for _, sc := range scenarios {
			for _, n := range sc.contexts {
				b.Run(fmt.Sprintf("%s/%s/contexts=%d", w.name, sc.name, n), func(b *testing.B) {
					throughput(b, w, sc, n)
				})
			}
		}
	}
}

func throughput(b *testing.B, w workload, sc scenario, n int) {
	portals := startPortals(b, w, records, n, sc.latency)
	pool := newPool(b, n)
	runAll(b, w.bot, pool, portals, sc.policy) // warm: first-use costs belong to the per-run figure
	var pooled, fresh, floor time.Duration
	got := 0
	for b.Loop() {
		start := time.Now()
		got = runAll(b, w.bot, pool, portals, sc.policy)
		pooled += time.Since(start)
		start = time.Now()
		runAll(b, w.bot, nil, portals, sc.policy)
		fresh += time.Since(start)
		start = time.Now()
		runFloor(b, w, portals)
		floor += time.Since(start)
	}
	rate := func(d time.Duration) float64 { return float64(got*b.N) / d.Seconds() }
	b.ReportMetric(rate(pooled), "records/s")
	b.ReportMetric(rate(fresh), "fresh-records/s")
	b.ReportMetric(rate(floor), "http-records/s")
	b.ReportMetric(fresh.Seconds()/pooled.Seconds(), "x-vs-fresh")
	b.ReportMetric(pooled.Seconds()/floor.Seconds(), "x-of-floor")
}

// runFloor fetches every portal's data over plain HTTP, concurrently.
func runFloor(b *testing.B, w workload, portals []portal) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(portals))
	for _, p := range portals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := w.floor(context.Background(), p.target, p.handler)
			if err == nil && n != p.want {
				err = fmt.Errorf("%s: floor fetched %d records, want %d", p.target, n, p.want)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunOverhead is the fixed cost of one small run (a single
// worklist page): a session from a warm browser, still signed in from the
// run before (Session.Keep), against a browser launched for the run.
func BenchmarkRunOverhead(b *testing.B) {
	for _, mk := range []func(*testing.B) workload{codingWorkload, scrubberWorkload} {
		w := mk(b)
		b.Run(w.name, func(b *testing.B) {
			portals := startPortals(b, w, 20, 1, 0)
			pool := newPool(b, 1)
			runAll(b, w.bot, pool, portals, orchestrator.EvidenceAll)
			var pooled, fresh time.Duration
			for b.Loop() {
				start := time.Now()
				runAll(b, w.bot, pool, portals, orchestrator.EvidenceAll)
				pooled += time.Since(start)
				start = time.Now()
				runAll(b, w.bot, nil, portals, orchestrator.EvidenceAll)
				fresh += time.Since(start)
			}
			b.ReportMetric(pooled.Seconds()*1000/float64(b.N), "ms/run")
			b.ReportMetric(fresh.Seconds()*1000/float64(b.N), "fresh-ms/run")
			b.ReportMetric(fresh.Seconds()/pooled.Seconds(), "x-vs-fresh")
		})
	}
}

// BenchmarkContextMemory is the marginal memory of one more concurrent
// context, each after a run of 100 records with its last page still
// loaded: chromium's process group with four sessions against one. The
// figure is proportional (PSS: what the machine really gives each
// context); the resident sum (RSS, counting chromium's shared code once
// per process) is reported beside it as an upper bound.
func BenchmarkContextMemory(b *testing.B) {
	w := codingWorkload(b)
	portals := startPortals(b, w, 100, 1, 0)
	var marginal, marginalRSS float64
	for b.Loop() {
		pool := newPool(b, 4)
		open := func(n int) []*bots.Session {
			var ss []*bots.Session
			for range n {
				s, err := pool.Session(context.Background(), portals[0].target)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.bot.Run(context.Background(), s, &countingRecorder{}); err != nil {
					b.Fatal(err)
				}
				ss = append(ss, s)
			}
			return ss
		}
		one := open(1)
		rss1, pss1 := groupMemory(pool.Stats().BrowserPID)
		more := open(3)
		rss4, pss4 := groupMemory(pool.Stats().BrowserPID)
		for _, s := range append(one, more...) {
			_ = s.Close()
		}
		pool.Stop()
		marginal = float64(pss4-pss1) / 3 / (1 << 20)
		marginalRSS = float64(rss4-rss1) / 3 / (1 << 20)
	}
	b.ReportMetric(marginal, "MB/context")
	b.ReportMetric(marginalRSS, "rss-MB/context")
}
