package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildDocketBinary compiles the docket binary for tests that run it as
// separate processes, as an operator would.
func buildDocketBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "docket")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built docket in %s", time.Since(start).Round(100*time.Millisecond))
	return bin
}

// lockedBuffer is a bytes.Buffer safe for a process writing while the
// test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a process started by a test, stopped (SIGTERM, then SIGKILL)
// when the test ends.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	exited         chan struct{}
	err            error
}

func startProc(t *testing.T, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.Env = cleanEnv()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// cleanEnv is this process's environment without Docket settings, so a
// developer's DOCKET_* variables cannot change what the test runs.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKET_") {
			env = append(env, kv)
		}
	}
	return env
}

// stop ends the process gracefully and waits for it.
func (p *proc) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		t.Logf("%s ignored SIGTERM for 15s; killing it", p.name)
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitOutput waits until the process's stdout matches re and returns the
// submatches.
func (p *proc) waitOutput(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(p.stdout.String()); m != nil {
			return m
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited (%v) before printing %s\nstdout:\n%s\nstderr:\n%s", p.name, p.err, re, p.stdout, tail(p.stderr.String(), 4000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %s within %s\nstdout:\n%s\nstderr:\n%s", p.name, re, within, p.stdout, tail(p.stderr.String(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// freePort returns a loopback TCP port nobody listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// requireTool finds a binary the suite depends on, failing (never
// skipping) with how to get it when it is missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	for _, dir := range []string{"/usr/bin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: `make test` installs it (make test-deps runs DOCKET_TEST_DEPS=1 ./.ci/deps, which installs it from Debian)", name)
	}
	return p
}

func mustf(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}

// problems returns the warnings and errors a process logged (JSON logs),
// for failure messages.
func (p *proc) problems() string {
	var out []string
	for _, l := range strings.Split(p.stderr.String(), "\n") {
		if strings.Contains(l, `"level":"warn"`) || strings.Contains(l, `"level":"error"`) {
			out = append(out, l)
		}
	}
	return tail(strings.Join(out, "\n"), 4000)
}
