package benchmark

import (
	"fmt"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/orchestrator"
)

// codingFlowWorkload is codingWorkload with the coding-holds flow of the
// built-in coding-worklist pack in place of the hand-written bot.
func codingFlowWorkload(b *testing.B) workload {
	b.Helper()
	w := codingWorkload(b)
	ps, err := flow.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	bot, err := flow.New(flow.Config{Pack: ps["coding-worklist"], Flow: "coding-holds", BatchSize: 50})
	if err != nil {
		b.Fatal(err)
	}
	w.name, w.bot = "coding-holds-flow", bot
	return w
}

// BenchmarkFlowVsHandWritten reads the same 2,000 accounts with the
// hand-written coding-holds bot and with its flow, alternately in each
// iteration on the same warm browser and portal, and reports both rates
// and flow/hand (1.0 is as fast; the target is at least 0.9).
func BenchmarkFlowVsHandWritten(b *testing.B) {
	hand, fl := codingWorkload(b), codingFlowWorkload(b)
	for _, sc := range []scenario{
		{"evidence=exceptions", orchestrator.EvidenceExceptions, 0, []int{1}},
		{"evidence=all", orchestrator.EvidenceAll, 0, []int{1}},
	} {
		b.Run(fmt.Sprintf("coding-holds/%s", sc.name), func(b *testing.B) {
			portals := startPortals(b, hand, records, 1, sc.latency)
			pool := newPool(b, 1)
			runAll(b, hand.bot, pool, portals, sc.policy)
			runAll(b, fl.bot, pool, portals, sc.policy)
			var handT, flowT time.Duration
			got := 0
			for b.Loop() {
				start := time.Now()
				got = runAll(b, hand.bot, pool, portals, sc.policy)
				handT += time.Since(start)
				start = time.Now()
				if n := runAll(b, fl.bot, pool, portals, sc.policy); n != got {
					b.Fatalf("the flow read %d records, the hand-written bot %d", n, got)
				}
				flowT += time.Since(start)
			}
			rate := func(d time.Duration) float64 { return float64(got*b.N) / d.Seconds() }
			b.ReportMetric(rate(handT), "hand-records/s")
			b.ReportMetric(rate(flowT), "flow-records/s")
			b.ReportMetric(handT.Seconds()/flowT.Seconds(), "flow/hand")
		})
	}
}
