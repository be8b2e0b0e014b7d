package endtoend

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// accountsDefault is each scenario's job, split over its contexts'
// portals: the 16 scenarios (7 runs each) took 3 min 44 s here.
// DOCKET_BENCH_ACCOUNTS sets another size.
const accountsDefault = 200

func accounts(b *testing.B) int {
	if v := os.Getenv("DOCKET_BENCH_ACCOUNTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 {
			b.Fatalf("DOCKET_BENCH_ACCOUNTS=%q: want a number of at least 4", v)
		}
		return n
	}
	return accountsDefault
}

type scenario struct {
	latency  time.Duration
	policy   string
	contexts int
}

func (s scenario) String() string {
	return fmt.Sprintf("latency=%s/evidence=%s/contexts=%d", s.latency, s.policy, s.contexts)
}

// row is one scenario on one database.
type row struct {
	scenario
	db                  string
	records             int
	alone, first, rerun float64            // records/s
	tasks               int                // open human tasks the first run's routing opened
	steps               map[string]float64 // ms per record, first run
}

// BenchmarkEndToEnd reads the coding worklist as users run it — the demo
// portal's defaults (25 rows a page and its render delay), the real
// runner, recorder, store, file evidence and example routing rules — at
// 0 and 20 ms portal latency, with evidence "exceptions" and "all", with
// 1 and 4 contexts, on SQLite and on PostgreSQL. Beside each, in the same
// iteration, the bot alone (a counting recorder) on the same portals and
// browser, and a second run over the unchanged portal. It prints a table
// of records/s, the ratios and where the first run's time went.
func BenchmarkEndToEnd(b *testing.B) {
	bot := newBot(b)
	pool := newPool(b, 4)
	var rows []row
	for _, lat := range []time.Duration{0, 20 * time.Millisecond} {
		for _, pol := range []string{orchestrator.EvidenceExceptions, orchestrator.EvidenceAll} {
			for _, n := range []int{1, 4} {
				sc := scenario{lat, pol, n}
				b.Run(sc.String(), func(b *testing.B) {
					var got []row
					for b.Loop() {
						got = measure(b, bot, pool, sc)
					}
					for _, r := range got {
						b.ReportMetric(r.first, r.db+"-records/s")
						b.ReportMetric(r.first/r.alone, r.db+"-x-alone")
						b.ReportMetric(r.rerun/r.alone, r.db+"-rerun-x-alone")
					}
					b.ReportMetric(got[0].alone, "alone-records/s")
					rows = append(rows, got...)
				})
			}
		}
	}
	printTable(rows)
}

// measure runs one scenario on both databases: the bot alone, then Docket
// end to end, then the rerun, the bot alone measured again before each
// database so each ratio compares runs made moments apart.
func measure(b *testing.B, impl bots.Bot, pool *bots.Pool, sc scenario) []row {
	b.Helper()
	portals := startPortals(b, accounts(b), sc.contexts, sc.latency)
	total := 0
	for _, p := range portals {
		total += p.want
	}
	alone(b, impl, pool, portals, sc.policy) // warm: sign-in and first-use costs
	var out []row
	for _, db := range []string{"sqlite", "postgres"} {
		r := row{scenario: sc, db: db, records: total}
		r.alone = float64(total) / alone(b, impl, pool, portals, sc.policy).Seconds()
		s := newSystem(b, db, impl, pool, portals, sc.policy)
		first := s.run(b, "1")
		steps := s.stepSeconds(b)
		second := s.run(b, "2")
		if first.created != total || second.unchange != total {
			b.Fatalf("%s: first run created %d, rerun left %d unchanged; want %d each", db, first.created, second.unchange, total)
		}
		r.first = float64(total) / first.took.Seconds()
		r.rerun = float64(total) / second.took.Seconds()
		r.tasks = first.tasks
		r.steps = map[string]float64{}
		for step, sec := range steps {
			r.steps[step] = sec * 1000 / float64(total)
		}
		out = append(out, r)
	}
	return out
}

func printTable(rows []row) {
	if len(rows) == 0 {
		return
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "latency\tevidence\tctx\tdb\trecords\talone r/s\tend-to-end r/s\t× alone\trerun r/s\t× alone\ttasks\tpage ms/rec\tstore ms/rec\troute ms/rec\tevidence ms/rec\t")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%d\t%.0f\t%.0f\t%.2f\t%.0f\t%.2f\t%d\t%.2f\t%.3f\t%.3f\t%.3f\t\n",
			r.latency, r.policy, r.contexts, r.db, r.records, r.alone, r.first, r.first/r.alone, r.rerun, r.rerun/r.alone, r.tasks,
			r.steps["page"], r.steps["upsert"], r.steps["route"], r.steps["evidence"])
	}
	_ = w.Flush()
	fmt.Println(strings.Repeat("-", 20))
	fmt.Println("ms/rec: the runs' step durations (docket_bot_step_duration_seconds) summed over all contexts, per record;")
	fmt.Println("page = a worklist page with its accounts' detail reads, store = batches of evidence records, upserts and history.")
}
