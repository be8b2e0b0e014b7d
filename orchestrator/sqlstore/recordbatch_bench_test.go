package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// BenchmarkRecordBatch measures RecordBatch as a run's recorder calls it:
// a worklist page of 25 new records, or 250, each with its DOM evidence
// record, into a fresh store; records/s is the figure that matters (the
// recording path's target is past 1,000).
func BenchmarkRecordBatch(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, size := range []int{25, 250} {
			b.Run(fmt.Sprintf("%s/batch=%d", backend, size), func(b *testing.B) {
				ctx := context.Background()
				var s *Store
				if backend == "postgres" {
					schema := fmt.Sprintf("docket_bench_batch_%d", time.Now().UnixNano())
					st, err := OpenAndMigrate(ctx, Config{URL: postgresURL(), Schema: schema, MaxOpenConns: 4})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() {
						_, _ = st.db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
						_ = st.Close()
					})
					s = st
				} else {
					st, err := OpenAndMigrate(ctx, Config{URL: filepath.Join(b.TempDir(), "batch.db")})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { _ = st.Close() })
					s = st
				}
				at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
				for n := range b.N {
					b.StopTimer()
					var batch orchestrator.RecordBatch
					run := fmt.Sprintf("batch@%d", n)
					for i := range size {
						id := fmt.Sprintf("R%05d%04d", n, i)
						batch.Evidence = append(batch.Evidence, orchestrator.Evidence{SHA256: fmt.Sprintf("%032x%032x", n, i),
							Kind: orchestrator.EvidenceDOM, MediaType: "text/html", Size: 4096, URL: "https://p/a/" + id,
							Bot: "coding-holds", RunID: run, ItemRef: id, SelectorVersion: "v1", CapturedAt: at})
						u, err := orchestrator.NewItemUpsert(run, at, orchestrator.Observation{
							Portal: "coding-worklist", ExternalID: id, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding,
							EvidenceID: orchestrator.PendingEvidenceID(i),
							Data:       orchestrator.CodingHold{AccountNumber: id, PatientClass: "IP", DaysSinceDischarge: i % 30, CodingStatus: "not_coded"},
						})
						if err != nil {
							b.Fatal(err)
						}
						batch.Items = append(batch.Items, u)
					}
					b.StartTimer()
					if _, err := s.RecordBatch(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
