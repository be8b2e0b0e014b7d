package bots

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestOrphanedWorkerLeavesNoChromium SIGKILLs a worker process (this test
// binary re-executed as orphanHelper) while its session is open and
// checks that its chromium dies with it, for both guards. This test
// process plays the worker's init (like tini): as a subreaper it inherits
// the worker's orphans and must reap them.
func TestOrphanedWorkerLeavesNoChromium(t *testing.T) {
	t.Parallel()
	if err := becomeSubreaper(); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{guardLeakless, guardPdeathsig} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+mode)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			var dir string
			var pgid int
			if err == nil {
				_, err = fmt.Sscan(line, &dir, &pgid)
			}
			if err != nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("helper printed %q: %v", line, err)
			}
			t.Cleanup(func() { _ = os.RemoveAll(dir) }) // nobody ran Stop
			if len(processesMentioning(dir)) == 0 {
				t.Fatalf("helper's chromium (%s) not running", dir)
			}

			// With leakless, chromium's parent is the guard process, which
			// outlives the worker briefly and becomes our child.
			browser, err := readProcStat(pgid)
			if err != nil {
				t.Fatalf("helper's chromium pid %d: %v", pgid, err)
			}
			guard := browser.ppid
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			_ = cmd.Wait()
			// Chromium's helpers do not carry the user-data-dir on their
			// command line, so also check its whole process group.
			// Everything is reaped too: nothing of the group, not even a
			// zombie, and no guard process.
			var left []string
			gone := waitUntil(5*time.Second, func() bool {
				reapGroup(pgid, 0)
				if guard != cmd.Process.Pid {
					var ws syscall.WaitStatus
					_, _ = syscall.Wait4(guard, &ws, syscall.WNOHANG, nil)
				}
				left = processesMentioning(dir)
				for _, st := range processGroup(pgid) {
					left = append(left, fmt.Sprintf("%d(%c)", st.pid, st.state))
				}
				if _, err := readProcStat(guard); err == nil && guard != cmd.Process.Pid {
					left = append(left, fmt.Sprintf("guard %d", guard))
				}
				return len(left) == 0
			})
			t.Logf("chromium gone %s after the kill", time.Since(killed))
			if !gone {
				t.Fatalf("chromium outlived its SIGKILLed worker: %v", left)
			}
		})
	}
}
