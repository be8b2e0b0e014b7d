package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// TestDemoLogsHoldNoPatientData runs a demo with debug logging, lets its
// bot read every account and the web pages serve requests, then scans
// every log line for the patient names, MRNs and dates of birth the bot
// read and for the demo's secrets. Logs must still say which run and which
// request they belong to.
func TestDemoLogsHoldNoPatientData(t *testing.T) {
	bin := buildDocketBinary(t)
	dir := t.TempDir()
	demo := startProc(t, "demo", bin, "demo", "--data-dir", filepath.Join(dir, "demo"),
		"--http-addr", "127.0.0.1:0", "--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "40",
		"--log-format", "json", "--log-level", "debug")
	m := demo.waitOutput(t, regexp.MustCompile(`web +http://(\S+)/[\s\S]*database +(\S+)`), 60*time.Second)
	webAddr, dbPath := m[1], m[2]

	// Wait for the first run to succeed, then make some requests.
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(scrape(t, webAddr, "text/plain"), `docket_bot_runs_total{bot="coding-holds",outcome="succeeded"} 1`) {
		if time.Now().After(deadline) {
			t.Fatalf("the demo's run did not succeed in 2 minutes; warnings and errors:\n%s", demo.problems())
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
	demo.stop(t)
	logs := demo.stderr.String()

	identifiers := patientIdentifiers(t, dbPath)
	if len(identifiers) < 40 {
		t.Fatalf("found only %d patient identifiers in the demo's data; the scan would prove nothing", len(identifiers))
	}
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

// patientIdentifiers reads what the bot stored: names, MRNs and any date
// of birth in the work items' data.
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
	for _, it := range items {
		var data map[string]any
		if err := json.Unmarshal(it.Data, &data); err != nil {
			t.Fatalf("item %d data: %v", it.ID, err)
		}
		for _, key := range []string{"patient_name", "mrn", "date_of_birth", "dob", "birth_date"} {
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
	return out
}
