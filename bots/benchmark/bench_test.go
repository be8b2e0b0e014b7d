package benchmark

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
)

// records is the job size every throughput figure reads.
const records = 2000

// BenchmarkThroughput reads 2,000 records with 1, 2 and 4 contexts, split
// over that many portals, three ways in the same iteration: sessions from
// one warm browser (Docket), a browser launched for each run (baseline a)
// and plain HTTP (the floor, baseline b). It reports records per second of
// each and the ratios.
func BenchmarkThroughput(b *testing.B) {
	for _, mk := range []func(*testing.B) workload{codingWorkload, scrubberWorkload} {
		w := mk(b)
		for _, n := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%s/contexts=%d", w.name, n), func(b *testing.B) {
				portals := startPortals(b, w, records, n)
				pool := newPool(b, n)
				runAll(b, w.bot, pool, portals) // warm: first-use costs belong to the per-run figure
				var pooled, fresh, floor time.Duration
				got := 0
				for b.Loop() {
					start := time.Now()
					got = runAll(b, w.bot, pool, portals)
					pooled += time.Since(start)
					start = time.Now()
					runAll(b, w.bot, nil, portals)
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
			})
		}
	}
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
// worklist page): a session from a warm browser against a browser
// launched for the run.
func BenchmarkRunOverhead(b *testing.B) {
	for _, mk := range []func(*testing.B) workload{codingWorkload, scrubberWorkload} {
		w := mk(b)
		b.Run(w.name, func(b *testing.B) {
			portals := startPortals(b, w, 20, 1)
			pool := newPool(b, 1)
			runAll(b, w.bot, pool, portals)
			var pooled, fresh time.Duration
			for b.Loop() {
				start := time.Now()
				runAll(b, w.bot, pool, portals)
				pooled += time.Since(start)
				start = time.Now()
				runAll(b, w.bot, nil, portals)
				fresh += time.Since(start)
			}
			b.ReportMetric(pooled.Seconds()*1000/float64(b.N), "ms/run")
			b.ReportMetric(fresh.Seconds()*1000/float64(b.N), "fresh-ms/run")
			b.ReportMetric(fresh.Seconds()/pooled.Seconds(), "x-vs-fresh")
		})
	}
}

// BenchmarkContextMemory is the marginal resident memory of one more
// concurrent context, each logged in with its first page loaded: chromium's
// process group with four sessions against one.
func BenchmarkContextMemory(b *testing.B) {
	w := codingWorkload(b)
	portals := startPortals(b, w, 100, 1)
	var marginal float64
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
		rss1 := rssOfGroup(pool.Stats().BrowserPID)
		more := open(3)
		rss4 := rssOfGroup(pool.Stats().BrowserPID)
		for _, s := range append(one, more...) {
			_ = s.Close()
		}
		pool.Stop()
		marginal = float64(rss4-rss1) / 3 / (1 << 20)
	}
	b.ReportMetric(marginal, "MB/context")
}
