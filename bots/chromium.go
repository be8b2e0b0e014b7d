package bots

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/launcher/flags"
)

// Chromium binaries tried in order when PoolConfig.Bin is empty. These are
// the real Debian binaries: the /usr/bin wrappers add flags and a shell
// process between us and the browser, which breaks killing by pid.
// headless-shell first: it launches faster and uses less memory per page.
const (
	chromiumHeadlessShell = "/usr/lib/chromium/chromium-headless-shell"
	chromiumFull          = "/usr/lib/chromium/chromium"
)

// ErrNoChromium is returned by FindChromium when no browser is installed.
var ErrNoChromium = errors.New("bots: no chromium found (tried " +
	"/usr/lib/chromium/chromium-headless-shell, /usr/lib/chromium/chromium): " +
	"run `apt-get install chromium-headless-shell`")

// FindChromium returns the browser binary to launch: configured when set
// (it must be an executable file), otherwise the first installed candidate.
// It never falls back to rod's downloader: workers have no network.
func FindChromium(configured string) (string, error) {
	return findChromium(configured, chromiumHeadlessShell, chromiumFull)
}

func findChromium(configured string, candidates ...string) (string, error) {
	if configured != "" {
		if err := checkExecutable(configured); err != nil {
			return "", fmt.Errorf("bots: chromium %q: %w", configured, err)
		}
		return configured, nil
	}
	for _, c := range candidates {
		if checkExecutable(c) == nil {
			return c, nil
		}
	}
	return "", ErrNoChromium
}

func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not an executable file")
	}
	return nil
}

// viewport is the window every page gets, set explicitly so screenshots and
// responsive portal layouts do not depend on the binary's default.
const (
	viewportWidth  = 1366
	viewportHeight = 900
)

// chromiumLauncher builds rod's launcher with everything explicit. Bin is
// always set, so rod never tries to download a browser. rod's launcher.New
// also reads package-level defaults (the `rod` env var and the global -rod
// flag, which rod registers on the std flag set; cmd/docket parses flags
// with cobra/pflag, so that flag is never parsed there). We reset the ones
// that could change behaviour in production (proxy, devtools, visible
// window) instead of trusting them.
func chromiumLauncher(bin, userDataDir, userAgent string, leakless bool) *launcher.Launcher {
	l := launcher.New().
		Bin(bin).
		UserDataDir(userDataDir).
		Leakless(leakless).
		Headless(true).
		NoSandbox(os.Geteuid() == 0). // chromium refuses to start as root with the sandbox
		Devtools(false).
		Delete(flags.ProxyServer).
		RemoteDebuggingPort(0).
		Set("user-agent", userAgent).
		Set("window-size", strconv.Itoa(viewportWidth)+","+strconv.Itoa(viewportHeight))
	for _, f := range []flags.Flag{
		"disable-background-networking",
		"disable-component-update",
		"disable-sync",
		"no-first-run",
		"disable-gpu",
		"disable-quic",
		"disable-dev-shm-usage",
		"disable-breakpad",
		// Not --disable-crashpad-for-testing: full chromium 156 then
		// aborts every navigation (net::ERR_ABORTED). Its crashpad
		// handlers are dealt with in chromiumEnv and reapGroup instead.
	} {
		l.Set(f)
	}
	return l.Env(chromiumEnv(userDataDir)...)
}

// chromiumEnv points chromium's config and cache homes into the
// user-data-dir: full chromium's crashpad handlers keep their database
// there (not in ~/.config/chromium), it is removed with the browser, and
// their command lines name the user-data-dir, so they can be found by it
// although they leave chromium's process group.
func chromiumEnv(userDataDir string) []string {
	return append(os.Environ(),
		"XDG_CONFIG_HOME="+filepath.Join(userDataDir, "xdg-config"),
		"XDG_CACHE_HOME="+filepath.Join(userDataDir, "xdg-cache"))
}
