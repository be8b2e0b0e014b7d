//go:build !linux

package bots

import (
	"errors"
	"os/exec"
	"syscall"

	"github.com/ysmood/leakless"
)

// Docket's workers run on Linux; these keep the package building on a
// developer's macOS, where leakless is the only guard.
const (
	guardLeakless  = "leakless"
	guardPdeathsig = "pgid-only"
)

func leaklessUsable() error {
	if !leakless.Support() {
		return errors.New("platform not supported")
	}
	return nil
}

func setPdeathsig(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func becomeSubreaper() error { return nil }
