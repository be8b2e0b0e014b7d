package dashboards

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const root = "../.."

// TestCheckedInMatchesGenerated fails when deploy/grafana/dashboards or
// the README tables differ from what the code generates.
func TestCheckedInMatchesGenerated(t *testing.T) {
	for _, b := range All() {
		want, err := JSON(b)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(root, "deploy", "grafana", "dashboards", b.File)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go generate ./monitoring/dashboards)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the code generates; run go generate ./monitoring/dashboards", path)
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	spliced, err := SpliceREADME(string(readme), All())
	if err != nil {
		t.Fatal(err)
	}
	if spliced != string(readme) {
		t.Error("README dashboard tables differ from what the code generates; run go generate ./monitoring/dashboards")
	}
	entries, err := os.ReadDir(filepath.Join(root, "deploy", "grafana", "dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(All()) {
		t.Errorf("deploy/grafana/dashboards holds %d files, the code generates %d", len(entries), len(All()))
	}
}

func TestBoardsAreWellFormed(t *testing.T) {
	uids := map[string]bool{}
	for _, b := range All() {
		if uids[b.UID] || len(b.UID) > 40 {
			t.Errorf("uid %q is duplicate or too long for Grafana", b.UID)
		}
		uids[b.UID] = true
		out, err := JSON(b)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels []struct {
				Type    string `json:"type"`
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range d.Panels {
			if p.Type == "row" {
				continue
			}
			n++
			if len(p.Targets) == 0 || p.Title == "" {
				t.Errorf("%s: panel %q has no title or no query", b.UID, p.Title)
			}
			for _, tg := range p.Targets {
				if !strings.Contains(tg.Expr, "docket_") {
					t.Errorf("%s: panel %q queries no Docket metric: %s", b.UID, p.Title, tg.Expr)
				}
			}
		}
		if n < 5 {
			t.Errorf("%s has %d panels", b.UID, n)
		}
	}
	for _, e := range Expressions(All()) {
		if r := Runnable(e); strings.Contains(r, "$") {
			t.Errorf("expression uses a template variable Runnable does not know: %s", r)
		}
	}
}

func TestSpliceREADMENeedsMarkers(t *testing.T) {
	if _, err := SpliceREADME("# no markers\n", All()); err == nil {
		t.Fatal("missing markers must fail")
	}
}

// sharedMetric matches the metrics every serve replica exports alike,
// read from the shared database and Redis: summed over replicas they
// would count each item once per replica.
var sharedMetric = regexp.MustCompile(`docket_(open_work_items(_by_reason)?|open_work_item_age_workdays|open_queries|open_query_age_workdays|work_item_turnaround_workdays|human_tasks_open(_by_reason)?|human_task_age_workdays|human_task_resolution_seconds|human_tasks_resolved_late_total|qa_samples_total|queue_tasks|queue_task_latency_seconds|queue_latency_seconds|queue_paused|queue_processed_total|queue_failed_total|workers|work_items|outbox_unsent|outbox_oldest_unsent_age_seconds)(_bucket|_count|_sum)?\b`)

// oneReplica is what must come right before a shared metric: max, by the
// metric's own labels or none, which is the value of any one replica.
// A window over it inside the max (increase or rate of each replica's
// series) is still one replica's value.
var oneReplica = regexp.MustCompile(`max(\s+by\s*\([a-z_, ]*\))?\s*\(\s*((increase|rate)\(\s*)?$`)

// TestSharedMetricsAreNotSummedOverReplicas checks that every dashboard
// expression takes one replica's value of a shared metric before it sums:
// the Kubernetes base runs two serve replicas.
func TestSharedMetricsAreNotSummedOverReplicas(t *testing.T) {
	n := 0
	for _, e := range Expressions(All()) {
		for _, m := range sharedMetric.FindAllStringIndex(e, -1) {
			n++
			if !oneReplica.MatchString(e[:m[0]]) {
				t.Errorf("%s is not read through max by its labels first (two serve replicas would double it): %s", e[m[0]:m[1]], e)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d uses of shared metrics found: the pattern no longer fits the dashboards", n)
	}
}
