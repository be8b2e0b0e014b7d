package bots

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/ysmood/leakless"
)

// A worker that is SIGKILLed (OOM killer, kubectl delete --force) runs no
// cleanup code, so the guarantee that its chromium dies too must come from
// outside the Go process. Two guards exist:
//
//   - leakless (rod's default): a tiny guard binary between us and chromium
//     kills chromium's process group when its TCP connection to us drops.
//     It is written to and executed from os.TempDir() (at package init), so
//     it needs a writable, executable TMPDIR. It also serialises the write
//     with a lock on 127.0.0.1:2978 and waits forever if an unrelated
//     program listens there.
//   - pdeathsig (our fallback): chromium is our direct child, started with
//     PR_SET_PDEATHSIG=SIGKILL, so the kernel kills it when we die. The
//     signal fires when the OS thread that forked it exits; the Go runtime
//     only ends threads whose goroutine exits while locked to them, which
//     nothing here does. Chromium's helpers notice the browser died and
//     exit by themselves.
const (
	guardLeakless  = "leakless"
	guardPdeathsig = "pdeathsig"
)

// leaklessUsable explains why leakless cannot run here, or returns nil.
func leaklessUsable() error {
	if !leakless.Support() {
		return errors.New("platform not supported")
	}
	dir := os.TempDir()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return fmt.Errorf("statfs %s: %w", dir, err)
	}
	const stNoexec = 0x8 // ST_NOEXEC from statvfs(3)
	if st.Flags&stNoexec != 0 {
		return fmt.Errorf("TMPDIR %s is mounted noexec", dir)
	}
	if err := syscall.Access(dir, 0x2|0x1); err != nil { // W_OK|X_OK
		return fmt.Errorf("TMPDIR %s is not writable: %w", dir, err)
	}
	return nil
}

// setPdeathsig makes the kernel SIGKILL cmd when we die, and puts it in its
// own process group so Stop can kill chromium and all its helpers at once.
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// becomeSubreaper makes chromium's helpers (zygotes, GPU process,
// crashpad), which outlive the browser process by milliseconds, our
// children instead of init's, so reapGroup can collect them. Without it,
// under an init that does not reap (a container without tini, or this
// sandbox's PID 1) every browser exit leaves zombies behind.
func becomeSubreaper() error {
	const prSetChildSubreaper = 36
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return fmt.Errorf("bots: prctl(PR_SET_CHILD_SUBREAPER): %w", e)
	}
	return nil
}
