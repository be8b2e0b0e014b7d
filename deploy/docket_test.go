package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// run runs the docket binary with exactly the environment env and returns
// its output and exit code.
func run(t *testing.T, args []string, env map[string]string) (stdout, stderr string, code int, err error) {
	t.Helper()
	bin := docketBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		return out.String(), errOut.String(), -1, fmt.Errorf("docket %s did not exit within 30 s", strings.Join(args, " "))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errOut.String(), ee.ExitCode(), nil
	}
	return out.String(), errOut.String(), 0, err
}

// commandError reports whether args (a container's command line without
// the binary) name a runnable docket command with flags it knows. It runs
// `docket ARGS --help`: cobra rejects an unknown command or flag even with
// --help, and the usage line names the command it found.
func commandError(t *testing.T, args []string) error {
	t.Helper()
	if len(args) == 0 {
		return errors.New("no docket command: the image's CMD would run, say which")
	}
	stdout, stderr, code, err := run(t, append(slices.Clone(args), "--help"), map[string]string{"HOME": t.TempDir()})
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("docket %s --help: exit code %d: %s", strings.Join(args, " "), code, strings.TrimSpace(stderr))
	}
	_, usage, ok := strings.Cut(stdout, "Usage:\n")
	if !ok {
		return fmt.Errorf("docket %s --help printed no usage", strings.Join(args, " "))
	}
	usage, _, _ = strings.Cut(usage, "\n")
	words := strings.Fields(usage) // docket serve [flags] | docket run BOT [flags] | docket evidence [command]
	var path, placeholders []string
	for _, w := range words[1:] {
		switch {
		case w == "[command]":
			return fmt.Errorf("docket %s is a group of commands, not a command", strings.Join(args, " "))
		case w == "[flags]":
		case strings.ToLower(w) == w && len(placeholders) == 0:
			path = append(path, w)
		default:
			placeholders = append(placeholders, w)
		}
	}
	var given []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		given = append(given, a)
	}
	if len(path) == 0 || !slices.Equal(given[:min(len(path), len(given))], path) {
		return fmt.Errorf("docket %s resolves to %q", strings.Join(args, " "), usage)
	}
	if len(given) > len(path) && len(placeholders) == 0 {
		return fmt.Errorf("docket %s: %s takes no arguments", strings.Join(args, " "), strings.TrimSpace(usage))
	}
	return nil
}

// Memory of one browser context (README, Benchmarks: 189 MB marginal
// resident memory per context) and what a worker needs besides: the Go
// process, the browser's own processes and headroom.
const (
	contextMemory    = 190e6
	workerBaseMemory = 256 << 20
)

// workerMemory is the least memory limit for a worker running n browser
// contexts.
func workerMemory(n int) int64 { return workerBaseMemory + int64(n)*contextMemory }

// concurrency is worker.concurrency as docket reads it: the environment,
// else the configuration file, else 1.
func concurrency(env map[string]string, config []byte) (int, error) {
	if v := env["DOCKET_WORKER_CONCURRENCY"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 1, fmt.Errorf("DOCKET_WORKER_CONCURRENCY %q is not a number", v)
		}
		return n, nil
	}
	var cfg struct {
		Worker struct {
			Concurrency int `json:"concurrency"`
		} `json:"worker"`
	}
	if err := yaml.Unmarshal(config, &cfg); err != nil {
		return 1, fmt.Errorf("configuration file: %w", err)
	}
	return max(cfg.Worker.Concurrency, 1), nil
}

// listenVars are the variables that set where each docket command serves
// /metrics, /healthz and /readyz (and the web, for serve); their defaults
// are loopback addresses, useless in a container.
var listenVars = map[string][]string{
	"serve":     {"DOCKET_HTTP_ADDR"},
	"demo":      {"DOCKET_HTTP_ADDR"},
	"worker":    {"DOCKET_METRICS_ADDR"},
	"scheduler": {"DOCKET_METRICS_ADDR"},
	"portal":    {"DOCKET_PORTAL_ADDR", "DOCKET_CLAIMS_PORTAL_ADDR"},
}

// needsServices are the commands that need the database and Redis.
var needsServices = []string{"serve", "worker", "scheduler", "run", "migrate"}

// Where a configuration check points docket instead of the real services:
// nothing listens on port 1, and port 99999 cannot be bound.
const (
	nowherePostgres = "postgres://docket:placeholder@127.0.0.1:1/docket?connect_timeout=2"
	nowhereRedis    = "redis://127.0.0.1:1/0"
	nowhereAddr     = "127.0.0.1:99999"
)

// configError starts `docket ARGS` with the environment env (which includes
// DOCKET_CONFIG naming a file on this machine), as a container would start
// it, but with the database, Redis, data directory and listen addresses
// pointing nowhere. docket checks every DOCKET_* variable and the file
// before it connects: a configuration it rejects exits with code 2 and a
// "config:" message, one it accepts gets as far as connecting or listening
// and fails there with code 1.
func configError(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	e := map[string]string{}
	for k, v := range env {
		e[k] = v
	}
	for k := range e {
		if strings.HasPrefix(k, "DOCKET_") && strings.HasSuffix(k, "_ADDR") {
			e[k] = nowhereAddr
		}
	}
	e["DOCKET_DATABASE_URL"] = nowherePostgres
	e["DOCKET_REDIS_URL"] = nowhereRedis
	e["DOCKET_DATA_DIR"] = t.TempDir()
	e["HOME"] = t.TempDir()
	_, stderr, code, err := run(t, args, e)
	if err != nil {
		return err
	}
	if code == 1 && !strings.Contains(stderr, "config:") {
		return nil
	}
	var names []string
	for k := range env {
		if strings.HasPrefix(k, "DOCKET_") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return fmt.Errorf("docket %s with %s: exit code %d: %s", strings.Join(args, " "), strings.Join(names, ", "), code, strings.TrimSpace(stderr))
}

// The checks above are what most tests rely on: they must be able to fail.
func TestDocketChecksCanFail(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"serve", "--no-such-flag"}, {"no-such-command"}, {"evidence"}, {"serve", "extra"}, {}} {
		if err := commandError(t, args); err == nil {
			t.Errorf("commandError(%q) accepted it", args)
		}
	}
	if err := commandError(t, []string{"worker"}); err != nil {
		t.Errorf("commandError(worker): %v", err)
	}
	cfg := t.TempDir() + "/docket.yaml"
	if err := os.WriteFile(cfg, []byte("no_such_key: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, env := range []map[string]string{
		{"DOCKET_NO_SUCH_SETTING": "1"},
		{"DOCKET_WORKER_CONCURRENCY": "many"},
		{"DOCKET_CONFIG": cfg},
	} {
		if err := configError(t, []string{"worker"}, env); err == nil {
			t.Errorf("configError(worker, %v) accepted it", env)
		}
	}
	if err := configError(t, []string{"worker"}, map[string]string{"DOCKET_WORKER_CONCURRENCY": "2"}); err != nil {
		t.Errorf("configError(worker): %v", err)
	}
}
