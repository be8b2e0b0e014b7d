package monitoring

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestAttemptEndedCountsReasonsAndStreaks(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.InitBot("coding-holds")
	at := time.Unix(1_800_000_000, 0)
	m.AttemptEnded(Attempt{Bot: "coding-holds", RunID: "coding-holds@1", Outcome: OutcomeRetrying, Reason: ReasonLoginRejected, Duration: time.Second, At: at})
	m.AttemptEnded(Attempt{Bot: "coding-holds", RunID: "coding-holds@1", Outcome: OutcomeFailed, Reason: "something new", Duration: time.Second, At: at})
	if got := testutil.ToFloat64(m.ConsecutiveFailures.WithLabelValues("coding-holds")); got != 2 {
		t.Fatalf("consecutive failures = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.LoginFailures.WithLabelValues("coding-holds")); got != 1 {
		t.Fatalf("login failures = %v", got)
	}
	// An unknown reason must not become a new label value.
	if got := testutil.ToFloat64(m.RunFailures.WithLabelValues("coding-holds", ReasonOther)); got != 1 {
		t.Fatalf("other failures = %v", got)
	}
	if n := testutil.CollectAndCount(m.RunFailures); n != len(FailureReasons()) {
		t.Fatalf("failure series = %d, want %d", n, len(FailureReasons()))
	}
	m.AttemptEnded(Attempt{Bot: "coding-holds", RunID: "coding-holds@2", Outcome: OutcomeSucceeded, Duration: time.Second, At: at})
	if got := testutil.ToFloat64(m.ConsecutiveFailures.WithLabelValues("coding-holds")); got != 0 {
		t.Fatalf("consecutive failures after success = %v", got)
	}
	if got := testutil.ToFloat64(m.LastSuccess.WithLabelValues("coding-holds")); got != 1_800_000_000 {
		t.Fatalf("last success = %v", got)
	}
	m.StepDone("coding-holds", StepPage, "coding-holds@2", 300*time.Millisecond)
	m.RunStarted("coding-holds", "coding-holds@2")
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("metric lint problems: %v %v", n, err)
	}
}

func TestExemplarsCarryRunIDsInOpenMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.AttemptEnded(Attempt{Bot: "coding-holds", RunID: "coding-holds@20261128T050000Z", Outcome: OutcomeSucceeded,
		Duration: 4 * time.Second, At: time.Now()})
	srv := httptest.NewServer(Handler(reg))
	defer srv.Close()
	get := func(accept string) string {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	om := get("application/openmetrics-text; version=1.0.0")
	if !strings.Contains(om, `# {run_id="coding-holds@20261128T050000Z"}`) {
		t.Fatalf("OpenMetrics output lacks the run id exemplar:\n%s", grepLines(om, "docket_bot_run"))
	}
	if text := get("text/plain"); strings.Contains(text, "run_id") {
		t.Fatal("run ids must never appear in the text format (they are not labels)")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
