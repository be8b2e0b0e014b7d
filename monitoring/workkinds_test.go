package monitoring

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestWorkCollectorPackKinds: open items of a kind a pack declares are
// counted under its name from the scrape after the pack loads; kinds past
// KindsMax, and kinds no registry holds, are "other".
func TestWorkCollectorPackKinds(t *testing.T) {
	kinds := orchestrator.NewKindRegistry()
	items := []orchestrator.WorkItem{
		{Queue: "billing", Kind: "payer_denial", Status: orchestrator.ItemNew, Data: []byte(`{"claim":"CLM1"}`)},
		{Queue: "billing", Kind: "payer_denial", Status: orchestrator.ItemNew, Data: []byte(`{"claim":"CLM2"}`)},
		{Queue: "billing", Kind: "zz_kind_9", Status: orchestrator.ItemNew},
		{Queue: "billing", Kind: "LOVELACE ADA", Status: orchestrator.ItemNew},
		{Queue: "coding", Kind: orchestrator.KindCodingHold, Status: orchestrator.ItemNew},
	}
	now := monday10
	c := NewWorkCollector(WorkCollectorConfig{
		StoreCollectorConfig: StoreCollectorConfig{Queues: []string{"coding", "billing"}, Now: func() time.Time { return now }},
		Registry:             kinds, KindsMax: 4,
		Items: func(_ context.Context, f orchestrator.ItemFilter) ([]orchestrator.WorkItem, error) {
			var out []orchestrator.WorkItem
			for _, it := range items {
				if it.Status == f.Status && f.Offset == 0 {
					out = append(out, it)
				}
			}
			return out, nil
		},
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	scrape := func() string {
		t.Helper()
		now = now.Add(time.Hour) // past the reading's TTL
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, mf := range mfs {
			if mf.GetName() != "docket_open_work_items" {
				continue
			}
			for _, m := range mf.GetMetric() {
				if m.GetGauge().GetValue() == 0 {
					continue
				}
				var l []string
				for _, p := range m.GetLabel() {
					l = append(l, p.GetName()+"="+p.GetValue())
				}
				fmt.Fprintf(&b, "%s %v\n", strings.Join(l, ","), m.GetGauge().GetValue())
			}
		}
		return b.String()
	}
	before := "kind=other,queue=billing,status=new 4\nkind=coding_hold,queue=coding,status=new 1\n"
	if got := scrape(); !sameLines(got, before) {
		t.Fatalf("before the pack loads:\n%s\nwant:\n%s", got, before)
	}
	denial := orchestrator.RecordKind{Kind: "payer_denial", Queue: "billing", Key: []string{"claim"},
		Fields: []orchestrator.KindField{{Name: "claim", Type: orchestrator.FieldText}}}
	nine := denial
	nine.Kind = "zz_kind_9"
	extra := denial
	extra.Kind = "aa_kind_3"
	if err := kinds.Replace("denials", []orchestrator.RecordKind{denial, extra, nine}); err != nil {
		t.Fatal(err)
	}
	// Built-ins, payer_denial, aa_kind_3 fill KindsMax 4: zz_kind_9 is other.
	after := "kind=payer_denial,queue=billing,status=new 2\nkind=other,queue=billing,status=new 2\nkind=coding_hold,queue=coding,status=new 1\n"
	if got := scrape(); !sameLines(got, after) {
		t.Fatalf("after the pack loads:\n%s\nwant:\n%s", got, after)
	}
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
}

func sameLines(a, b string) bool {
	as, bs := strings.Split(strings.TrimSpace(a), "\n"), strings.Split(strings.TrimSpace(b), "\n")
	if len(as) != len(bs) {
		return false
	}
	seen := map[string]int{}
	for _, l := range as {
		seen[l]++
	}
	for _, l := range bs {
		seen[l]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
