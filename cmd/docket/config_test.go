package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// runMain runs the binary's Main and returns exit code, stdout, stderr.
func runMain(t *testing.T, ctx context.Context, environ []string, args ...string) (int, string, string) {
	t.Helper()
	return runMainIn(t, ctx, "", environ, args...)
}

// runMainIn is runMain with stdin.
func runMainIn(t *testing.T, ctx context.Context, stdin string, environ []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(ctx, args, environ, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadConfigExitsTwoWithOneLine(t *testing.T) {
	cases := []struct {
		name    string
		cmd     string // default migrate
		file    string
		env     []string
		args    []string
		mention string
	}{
		{name: "unknown key", file: "log_levle: debug\n", mention: "log_levle"},
		{name: "unknown nested key", file: "worker:\n  concurency: 2\n", mention: "concurency"},
		{name: "bad duration", file: "worker:\n  step_timeout: soon\n", mention: "soon"},
		{name: "bad enum", file: "log_format: xml\n", mention: "log_format"},
		{name: "bad env value", env: []string{"DOCKET_WORKER_CONCURRENCY=lots"}, mention: "DOCKET_WORKER_CONCURRENCY"},
		{name: "unknown env", env: []string{"DOCKET_REDIS_URI=redis://x"}, mention: "DOCKET_REDIS_URI"},
		{name: "bad flag value", cmd: "worker", args: []string{"--worker-concurrency", "0"}, mention: "worker.concurrency"},
		{name: "flag of another command", args: []string{"--worker-concurrency", "2"}, mention: "worker-concurrency"},
		{name: "number as yaml duration", file: "worker:\n  step_timeout: 30\n", mention: "worker.step_timeout: want a duration such as 30s, got 30"},
		{name: "number as env duration", env: []string{"DOCKET_WORKER_STEP_TIMEOUT=30"}, mention: "worker.step_timeout: want a duration such as 30s, got 30"},
		{name: "number as flag duration", cmd: "worker", args: []string{"--worker-step-timeout", "30"}, mention: "want a duration such as 30s, got 30"},
		{name: "word as yaml integer", file: "worker:\n  concurrency: lots\n", mention: "worker.concurrency: want an integer, got lots"},
		{name: "word as env integer", env: []string{"DOCKET_WORKER_CONCURRENCY=lots"}, mention: "worker.concurrency: want an integer, got lots"},
		{name: "yaml bot timeout without unit", file: "bots:\n  - name: x\n    kind: coding-holds\n    portal: coding-worklist\n    timeout: 600\n", mention: "bots[0].timeout: want a duration such as 30s, got 600"},
		{name: "four-field cron", file: "bots:\n  - name: x\n    kind: coding-holds\n    portal: coding-worklist\n    schedule: \"*/15 * * *\"\n", mention: "want five cron fields"},
		{name: "bad bot name", file: "bots:\n  - name: Coding Holds!\n    kind: coding-holds\n    portal: coding-worklist\n", mention: "Coding Holds!"},
		{name: "bad portal name", file: "portals:\n  ../etc:\n    url: http://x\n", mention: "../etc"},
		{name: "negative keep session", env: []string{"DOCKET_WORKER_KEEP_SESSION=-1m"}, mention: "worker.keep_session"},
		{name: "zero portal sessions", env: []string{"DOCKET_POLITENESS_SESSIONS=0"}, mention: "politeness.sessions"},
		{name: "bad requests per second", file: "politeness:\n  requests_per_second: -5\n", mention: "politeness.requests_per_second"},
		{name: "negative portal cap", file: "portals:\n  coding-worklist:\n    url: http://x\n    max_sessions: -1\n", mention: "portals.coding-worklist.max_sessions"},
		{name: "unknown flag", args: []string{"--no-such-flag"}, mention: "no-such-flag"},
		{name: "bot without portal", file: "bots:\n  - name: x\n    kind: coding-holds\n    portal: nowhere\n", mention: "nowhere"},
		{name: "bad schedule zone", file: "bots:\n  - name: x\n    kind: coding-holds\n    portal: coding-worklist\n    timezone: Mars/Base\n", mention: "Mars/Base"},
		{name: "bad block kind", file: "portals:\n  coding-worklist:\n    url: http://x\n    block: [pixels]\n", mention: "pixels"},
		{name: "bad redis url", args: []string{"--redis-url", "http://x"}, mention: "redis_url"},
		{name: "sentinel url without master", args: []string{"--redis-url", "redis-sentinel://127.0.0.1:26379/0"}, mention: "master=NAME"},
		{name: "cluster url with a db", args: []string{"--redis-url", "redis-cluster://127.0.0.1:7000/2"}, mention: "redis_url"},
		{name: "missing file", args: []string{"--config", "/nonexistent/docket.yaml"}, mention: "/nonexistent/docket.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := tc.cmd
			if cmd == "" {
				cmd = "migrate"
			}
			args := append([]string{cmd, "--data-dir", t.TempDir()}, tc.args...)
			if tc.file != "" {
				args = append(args, "--config", writeFile(t, "docket.yaml", tc.file))
			}
			code, _, stderr := runMain(t, context.Background(), tc.env, args...)
			if code != exitUsage {
				t.Fatalf("exit = %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tc.mention) {
				t.Fatalf("stderr = %q, want one line naming %q", stderr, tc.mention)
			}
		})
	}
}

func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "docket.yaml", "log_level: warn\nworker:\n  concurrency: 2\n  step_timeout: 5s\n")
	env := []string{"DOCKET_WORKER_CONCURRENCY=3", "DOCKET_DEMO_ACCOUNTS=40", "HOME=/root"}
	var cfg Config
	root := newRoot(&cfg, env, nil, new(bytes.Buffer))
	worker, _, err := root.Find([]string{"worker"})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.ParseFlags([]string{"--config", file, "--worker-concurrency", "4"}); err != nil {
		t.Fatal(err)
	}
	if err := loadConfig(&cfg, file, env, worker.Flags()); err != nil {
		t.Fatal(err)
	}
	if cfg.LogLevel != "warn" || cfg.Worker.StepTimeout != 5*time.Second {
		t.Errorf("file values not applied: %+v", cfg)
	}
	if cfg.Demo.Accounts != 40 {
		t.Errorf("env value not applied: accounts = %d", cfg.Demo.Accounts)
	}
	if cfg.Worker.Concurrency != 4 {
		t.Errorf("concurrency = %d, want the flag's 4 over env 3 over file 2", cfg.Worker.Concurrency)
	}
}

// The annotated example must load and describe exactly the defaults.
func TestExampleConfigIsTheDefaults(t *testing.T) {
	cfg := defaultConfig()
	if err := loadFile(&cfg, "../../deploy/docket.example.yaml"); err != nil {
		t.Fatal(err)
	}
	want := defaultConfig()
	yes := true
	want.Bots[0].MaxRetry, want.Bots[0].Timeout, want.Bots[0].RetryDelay, want.Bots[0].Enabled = 3, 10*time.Minute, 30*time.Second, &yes
	want.Bots[0].Evidence = "all"
	p := want.Portals[PortalCodingWorklist]
	p.Block = []string{}
	want.Portals[PortalCodingWorklist] = p
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("example config differs from defaults:\n got %+v\nwant %+v", cfg, want)
	}
}

func TestUnreachableServicesNameTheAddress(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	code, _, stderr := runMain(t, ctx, nil, "migrate", "--database-url", "postgres://docket:s3cret@127.0.0.1:1/docket?sslmode=disable")
	if code != exitFailed || !strings.Contains(stderr, "127.0.0.1:1") || strings.Contains(stderr, "s3cret") {
		t.Fatalf("postgres down: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runMain(t, ctx, nil, "serve", "--data-dir", t.TempDir(), "--http-addr", "127.0.0.1:0",
		"--redis-url", "redis://:hunter2@127.0.0.1:1/0")
	if code != exitFailed || !strings.Contains(stderr, "127.0.0.1:1") || strings.Contains(stderr, "hunter2") {
		t.Fatalf("redis down: exit %d, stderr %q", code, stderr)
	}
}

func TestHelpShowsExamples(t *testing.T) {
	for _, c := range newRoot(new(Config), nil, nil, new(bytes.Buffer)).Commands() {
		if c.Example == "" || c.Short == "" {
			t.Errorf("command %s has no example or summary", c.Name())
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := redactURL("postgres://docket:pw@db:5432/docket")
	if strings.Contains(got, "pw@") || !strings.Contains(got, "docket:xxxxx@db:5432") {
		t.Fatalf("redactURL = %q", got)
	}
}
