package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/monitoring/dashboards"
)

// TestPrometheusAgainstDemo checks Docket's monitoring against the real
// thing: a Prometheus from Debian scrapes a running demo, a scheduler and a
// serve process; promtool accepts every /metrics, the alert rules and
// their unit tests; every dashboard expression returns data; exemplars
// carry run ids; and 1,000 scrapes during a run leave the series count
// where it was.
func TestPrometheusAgainstDemo(t *testing.T) {
	promtool := requireTool(t, "promtool")
	prom := requireTool(t, "prometheus")
	started := time.Now()
	rulesDir, err := filepath.Abs(filepath.Join("..", "..", "deploy", "prometheus"))
	mustf(t, err, "rules dir")

	// The rules first: they need no running process.
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = rulesDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	bin := buildDocketBinary(t)
	dir := t.TempDir()
	demo := startProc(t, "demo", bin, "demo", "--data-dir", filepath.Join(dir, "demo"),
		"--http-addr", "127.0.0.1:0", "--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "40", "--demo-claims", "10",
		"--log-format", "json", "--log-level", "info")
	m := demo.waitOutput(t, regexp.MustCompile(`metrics +http://(\S+)/metrics[\s\S]*redis +(redis://\S+)[\s\S]*database +(\S+)`), 60*time.Second)
	demoAddr, redisURL, dbPath := m[1], m[2], m[3]
	if !filepath.IsAbs(dbPath) {
		t.Fatalf("database path %q is not absolute; the other processes would not find it", dbPath)
	}
	sched := startProc(t, "scheduler", bin, "scheduler", "--data-dir", filepath.Join(dir, "scheduler"),
		"--redis-url", redisURL, "--database-url", dbPath, "--metrics-addr", "127.0.0.1:0", "--log-format", "json")
	schedAddr := sched.waitOutput(t, regexp.MustCompile(`metrics at http://(\S+)/metrics`), 60*time.Second)[1]
	serve := startProc(t, "serve", bin, "serve", "--data-dir", filepath.Join(dir, "serve"),
		"--redis-url", redisURL, "--database-url", dbPath, "--http-addr", "127.0.0.1:0", "--log-format", "json")
	serveAddr := serve.waitOutput(t, regexp.MustCompile(`/metrics at http://(\S+)`), 60*time.Second)[1]
	targets := map[string]string{"docket-demo": demoAddr, "docket-scheduler": schedAddr, "docket-serve": serveAddr}

	promURL := startPrometheus(t, prom, rulesDir, targets)
	api := promAPI{t: t, base: promURL}

	// Every process's /metrics passes promtool's linter.
	for job, addr := range targets {
		body := scrape(t, addr, "text/plain")
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics rejects %s's /metrics: %v\n%s", job, err, out)
		}
	}

	// The demo's first run succeeds and Prometheus sees it.
	if !api.hasData(`docket_bot_last_run_end_timestamp_seconds{status="succeeded"}`, 120*time.Second) {
		t.Fatalf("the demo's first run did not succeed in 2 minutes; its warnings and errors:\n%s", demo.problems())
	}
	api.waitData(`docket_bot_runs_total{outcome="succeeded"} > 0`, 30*time.Second)

	// What the demo did shows up with the right values, through each
	// process that exports it.
	for _, q := range []string{
		`sum(docket_bot_runs_started_total{job="docket-demo"}) >= 1`,
		`sum(docket_bot_records_read_total{job="docket-demo"}) >= 40`,
		`sum(docket_bot_pages_read_total{job="docket-demo"}) >= 1`,
		`count(max by (step) (docket_bot_step_duration_seconds_count{job="docket-demo",step=~"session|page|upsert"}) > 0) == 3`,
		`count(docket_selector_misses_total{job="docket-demo",portal="coding-worklist"}) > 5`,
		`docket_worker_up{job="docket-demo"} == 1`,
		`time() - docket_worker_heartbeat_timestamp_seconds{job="docket-demo"} < 30`,
		`docket_browser_contexts_capacity{job="docket-demo"} == 1`,
		`sum(docket_work_items{job="docket-serve",queue="coding"}) >= 40`,
		`sum(docket_open_work_items_by_reason{job="docket-serve"}) > 0`,
		`max(docket_workers{job="docket-serve"}) >= 1`,
		`sum(docket_queue_tasks{job="docket-serve",task_type="bot:run",state="completed"}) >= 1`,
		`docket_bot_schedule_interval_seconds{job="docket-serve",bot="coding-holds"} == 900`,
		`docket_bot_consecutive_failures{job="docket-serve",bot="coding-holds"} == 0`,
		`sum(docket_store_scrape_error) + sum(docket_queue_scrape_error) == 0`,
		`count(docket_scheduler_slots_total{job="docket-scheduler",bot="coding-holds"}) == 4`,
	} {
		api.waitData(q, 30*time.Second)
	}

	// Every dashboard expression parses and returns data.
	exprs := dashboards.Expressions(dashboards.All())
	deadline := time.Now().Add(60 * time.Second)
	var missing []string
	for {
		missing = missing[:0]
		for _, e := range exprs {
			q := dashboards.Runnable(e) // every filter at All, the windows at 1m and 1h
			n, err := api.query(q)
			if err != nil {
				t.Fatalf("dashboard expression does not run: %s: %v", e, err)
			}
			if n == 0 {
				missing = append(missing, e)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d dashboard expressions return no data:\n%s", len(missing), len(exprs), strings.Join(missing, "\n"))
	}
	t.Logf("all %d dashboard expressions return data", len(exprs))

	// The alert rules loaded into the real Prometheus evaluate cleanly.
	api.checkRules(14)

	// Run ids travel as exemplars (OpenMetrics), never as labels.
	api.waitExemplar("docket_bot_run_duration_seconds_bucket", "run_id", 30*time.Second)
	if n, _ := api.query(`count({run_id!=""})`); n != 0 {
		t.Fatal("a series carries a run_id label")
	}

	// 1,000 scrapes while a run is in progress leave the series count
	// where it was: no label explosion.
	run := startProc(t, "run", bin, "run", "coding-holds", "--redis-url", redisURL, "--database-url", dbPath,
		"--data-dir", filepath.Join(dir, "run"), "--log-format", "json")
	seriesBounded(t, demoAddr, 1000)
	select {
	case <-run.exited:
		if run.err != nil {
			t.Fatalf("docket run failed: %v\n%s\n%s", run.err, run.stdout, tail(run.stderr.String(), 3000))
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("docket run did not finish:\n%s", run.stdout)
	}
	after := countSeries(scrape(t, demoAddr, "text/plain"))

	// A worker on its own passes the linter too and reports itself up.
	worker := startProc(t, "worker", bin, "worker", "--data-dir", filepath.Join(dir, "worker"),
		"--redis-url", redisURL, "--database-url", dbPath, "--metrics-addr", "127.0.0.1:0", "--log-format", "json")
	workerAddr := worker.waitOutput(t, regexp.MustCompile(`metrics at http://(\S+)/metrics`), 60*time.Second)[1]
	body := scrape(t, workerAddr, "text/plain")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics rejects the worker's /metrics: %v\n%s", err, out)
	}
	if !strings.Contains(body, "\ndocket_worker_up 1\n") || !strings.Contains(body, "docket_browser_contexts_capacity 1") {
		t.Errorf("worker does not report itself up with its capacity:\n%s", grepMetrics(body, "docket_worker_up", "docket_browser_contexts"))
	}
	t.Logf("series after the second run: %d; whole check took %s", len(after), time.Since(started).Round(time.Second))
}

func grepMetrics(body string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}

// seriesBounded scrapes addr n times and fails when the set of series
// keeps growing: after the first scrape, at most a handful of label values
// may appear for the first time (first use of a code path), never one per
// scrape.
func seriesBounded(t *testing.T, addr string, n int) {
	t.Helper()
	start := time.Now()
	first := countSeries(scrape(t, addr, "text/plain"))
	all := map[string]bool{}
	for k := range first {
		all[k] = true
	}
	for range n {
		for k := range countSeries(scrape(t, addr, "text/plain")) {
			all[k] = true
		}
	}
	var added []string
	for k := range all {
		if !first[k] {
			added = append(added, k)
		}
	}
	sort.Strings(added)
	t.Logf("%d scrapes in %s: %d series at first, %d distinct in all", n, time.Since(start).Round(time.Millisecond), len(first), len(all))
	if len(added) > 20 || len(all) > 3000 {
		t.Fatalf("series grew from %d to %d over %d scrapes; new:\n%s", len(first), len(all), n, strings.Join(added, "\n"))
	}
	for _, s := range added {
		if strings.Contains(s, "run_id") || strings.Contains(s, "@") {
			t.Fatalf("a series carries an id: %s", s)
		}
	}
}

// countSeries returns the series (name and labels) of a text exposition.
func countSeries(body string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			out[line[:i]] = true
		}
	}
	return out
}

func scrape(t *testing.T, addr, accept string) string {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
	mustf(t, err, "request")
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	mustf(t, err, "scrape %s", addr)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mustf(t, err, "read /metrics of %s", addr)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics of %s: %s\n%s", addr, resp.Status, b)
	}
	return string(b)
}

// startPrometheus runs Prometheus on a loopback port, scraping targets
// every second with Docket's alert rules loaded, and returns its URL.
func startPrometheus(t *testing.T, bin, rulesDir string, targets map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	var cfg bytes.Buffer
	fmt.Fprintf(&cfg, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - %q\nscrape_configs:\n",
		filepath.Join(rulesDir, "alerts.yml"))
	jobs := make([]string, 0, len(targets))
	for job := range targets {
		jobs = append(jobs, job)
	}
	sort.Strings(jobs)
	for _, job := range jobs {
		fmt.Fprintf(&cfg, "  - job_name: %s\n    static_configs:\n      - targets: [%q]\n", job, targets[job])
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	mustf(t, os.WriteFile(cfgPath, cfg.Bytes(), 0o600), "write prometheus.yml")
	addr := freeLoopbackAddr(t)
	p := startProc(t, "prometheus", bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--enable-feature=exemplar-storage", "--log.level=warn")
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("prometheus exited: %v\n%s", p.err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready in 30s:\n%s", p.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustf(t, err, "free port")
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// promAPI is a small client of Prometheus's HTTP API.
type promAPI struct {
	t    *testing.T
	base string
}

func (p promAPI) get(path string, params url.Values, into any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", p.base+path+"?"+params.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%s: %s: %w", path, b, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("%s", env.Error)
	}
	return json.Unmarshal(env.Data, into)
}

// query runs an instant query and returns how many samples it returned.
func (p promAPI) query(q string) (int, error) {
	var data struct {
		ResultType string            `json:"resultType"`
		Result     []json.RawMessage `json:"result"`
	}
	if err := p.get("/api/v1/query", url.Values{"query": {q}}, &data); err != nil {
		return 0, err
	}
	if data.ResultType != "vector" && data.ResultType != "matrix" {
		return 1, nil // a scalar or string always has a value
	}
	return len(data.Result), nil
}

func (p promAPI) waitData(q string, within time.Duration) {
	p.t.Helper()
	if !p.hasData(q, within) {
		p.t.Fatalf("no data for %s within %s", q, within)
	}
}

// hasData polls q until it returns data or within passes.
func (p promAPI) hasData(q string, within time.Duration) bool {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		n, err := p.query(q)
		if err != nil {
			p.t.Fatalf("query %s: %v", q, err)
		}
		if n > 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkRules waits for every loaded rule to have been evaluated without
// error.
func (p promAPI) checkRules(want int) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := p.get("/api/v1/rules", url.Values{}, &data); err != nil {
			p.t.Fatal(err)
		}
		n, ok := 0, true
		var bad []string
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				n++
				if r.Health != "ok" {
					ok = false
					bad = append(bad, r.Name+": "+r.Health+" "+r.LastError)
				}
			}
		}
		if n == want && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("prometheus loaded %d rules (want %d); unhealthy: %v", n, want, bad)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (p promAPI) waitExemplar(metric, label string, within time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var data []struct {
			Exemplars []struct {
				Labels map[string]string `json:"labels"`
			} `json:"exemplars"`
		}
		now := time.Now()
		err := p.get("/api/v1/query_exemplars", url.Values{"query": {metric},
			"start": {fmt.Sprint(now.Add(-time.Hour).Unix())}, "end": {fmt.Sprint(now.Unix())}}, &data)
		if err != nil {
			p.t.Fatal(err)
		}
		for _, s := range data {
			for _, e := range s.Exemplars {
				if e.Labels[label] != "" {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s exemplar with a %s label within %s", metric, label, within)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
