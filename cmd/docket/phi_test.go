package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// TestDemoKeepsPatientDataFromViewersLogsAndMetrics runs a demo with
// debug logging and lets both bots read every account and claim. Then it
// scans, for every patient identifier the bots stored (the PHI fields the
// record kinds declare, and external ids that are identifiers): every page
// and API answer a viewer can reach (viewerAnswers), the unauthenticated
// /metrics, and every log line, which must also hold none of the demo's
// secrets and still say which run and which request they belong to.
func TestDemoKeepsPatientDataFromViewersLogsAndMetrics(t *testing.T) {
	bin := buildDocketBinary(t)
	dir := t.TempDir()
	demo := startProc(t, "demo", bin, "demo", "--data-dir", filepath.Join(dir, "demo"),
		"--http-addr", "127.0.0.1:0", "--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "40",
		"--demo-claims", "10", "--log-format", "json", "--log-level", "debug")
	m := demo.waitOutput(t, regexp.MustCompile(`web +http://(\S+)/[\s\S]*database +(\S+)`), 60*time.Second)
	webAddr, dbPath := m[1], m[2]

	// Wait for both bots' first runs to succeed, then make some requests.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		page := scrape(t, webAddr, "text/plain")
		if strings.Contains(page, `docket_bot_runs_total{bot="coding-holds",outcome="succeeded"} 1`) &&
			strings.Contains(page, `docket_bot_runs_total{bot="claim-scrubber",outcome="succeeded"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's runs did not succeed in 2 minutes; warnings and errors:\n%s", demo.problems())
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, path := range []string{"/", "/healthz", "/readyz", "/metrics", "/no-such-page?mrn=probe"} {
		resp, err := http.Get("http://" + webAddr + path)
		mustf(t, err, "GET %s", path)
		resp.Body.Close()
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: no X-Request-Id in the response", path)
		}
	}
	identifiers := patientIdentifiers(t, dbPath)
	if len(identifiers) < 100 {
		t.Fatalf("found only %d patient identifiers in the demo's data; the scan would prove nothing", len(identifiers))
	}
	answers := viewerAnswers(t, webAddr)
	answers["/metrics (text)"] = scrape(t, webAddr, "text/plain")
	answers["/metrics (OpenMetrics)"] = scrape(t, webAddr, "application/openmetrics-text")
	var paths []string
	for p := range answers {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// Overview, queues, bots, schedules, tokens, both runs' pages, the
	// viewer API (me, queues, bots, runs, both runs) and /metrics twice.
	if len(answers) < 15 {
		t.Fatalf("reached only %d answers as a viewer: %v", len(answers), paths)
	}
	for path, body := range answers {
		lower := strings.ToLower(body)
		for _, s := range identifiers {
			if i := strings.Index(lower, strings.ToLower(s)); i >= 0 {
				t.Errorf("%s shows a viewer %q: …%s…", path, s, body[max(0, i-80):min(len(body), i+len(s)+80)])
				break
			}
		}
	}
	t.Logf("scanned %d viewer answers and /metrics for %d patient identifiers: %s", len(answers), len(identifiers), strings.Join(paths, " "))
	demo.stop(t)
	logs := demo.stderr.String()
	secrets := []string{"demo-password", "demo-viewer", "demo-staff", "demo-supervisor", "demo-admin"}
	lines := strings.Split(logs, "\n")
	var runLines, requestLines int
	for i, line := range lines {
		lower := strings.ToLower(line)
		for _, s := range append(identifiers, secrets...) {
			if strings.Contains(lower, strings.ToLower(s)) {
				t.Fatalf("log line %d carries %q:\n%s", i+1, s, line)
			}
		}
		if strings.Contains(line, `"run_id"`) {
			runLines++
		}
		if strings.Contains(line, `"request_id"`) {
			requestLines++
		}
	}
	if runLines == 0 || requestLines == 0 {
		t.Fatalf("logs carry run ids on %d lines and request ids on %d; want both:\n%s", runLines, requestLines, tail(logs, 3000))
	}
	t.Logf("scanned %d log lines for %d patient identifiers and %d secrets", len(lines), len(identifiers), len(secrets))
}

// patientIdentifiers reads what the bots stored: the PHI fields the
// record kinds declare (orchestrator.BuiltinKinds) and any date of birth in
// the work items' data, and the external ids that are identifiers.
func patientIdentifiers(t *testing.T, dbPath string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: dbPath})
	mustf(t, err, "open %s", dbPath)
	defer st.Close()
	items, err := st.Items(ctx, orchestrator.ItemFilter{Limit: 100000})
	mustf(t, err, "list items")
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= 5 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	kinds := map[orchestrator.ItemKind]bool{}
	for _, it := range items {
		kinds[it.Kind] = true
		var data map[string]any
		if err := json.Unmarshal(it.Data, &data); err != nil {
			t.Fatalf("item %d data: %v", it.ID, err)
		}
		fields, ok := orchestrator.PHIFields(it.Kind)
		if !ok {
			t.Fatalf("item %d: kind %s declares no PHI fields", it.ID, it.Kind)
		}
		for _, k := range orchestrator.BuiltinKinds() {
			if k.Kind == it.Kind && k.ExternalIDIsPHI {
				add(it.ExternalID)
			}
		}
		for _, key := range append(fields, "dob", "birth_date") {
			if v, ok := data[key].(string); ok {
				add(v)
				if key == "patient_name" {
					// "LAST, FIRST M" also as "FIRST LAST".
					if last, first, ok := strings.Cut(v, ", "); ok {
						add(strings.Fields(first)[0] + " " + last)
					}
				}
			}
		}
	}
	if !kinds[orchestrator.KindCodingHold] || !kinds[orchestrator.KindClaimEdit] {
		t.Fatalf("the demo stored kinds %v; want coding holds and claim edits", kinds)
	}
	return out
}
