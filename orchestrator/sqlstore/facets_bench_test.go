package sqlstore

import (
	"context"
	"testing"
)

// BenchmarkTaskFacets measures the inbox's reason and payer options over
// the benchmark's 100,000 open tasks.
func BenchmarkTaskFacets(b *testing.B) {
	var cache benchStores
	b.Cleanup(func() {
		for _, s := range cache.stores {
			_ = s.Close()
		}
	})
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend+"/facets", func(b *testing.B) {
			s := cache.get(b, backend)
			ctx := context.Background()
			measure(b, func() (int, error) {
				f, err := s.TaskFacets(ctx, 500)
				return len(f.Reasons) + len(f.Payers), err
			})
		})
	}
}
