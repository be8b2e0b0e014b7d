package bots

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Bounds for talking to and shutting down one browser. A healthy local
// browser answers a CDP call in about a millisecond.
const (
	healthTimeout       = 2 * time.Second
	gracefulCloseWait   = 3 * time.Second
	killWait            = 5 * time.Second
	processPollEvery    = 20 * time.Millisecond
	contextCloseTimeout = 5 * time.Second
)

// browserProc is one running chromium, how it is guarded, and our CDP
// connection to it.
type browserProc struct {
	browser     *rod.Browser
	cancel      context.CancelFunc // ends the CDP connection and rod's goroutines
	pid         int                // chromium's browser process; also its process group
	waitedPid   int                // our os/exec child that a goroutine waits for (pdeathsig), else 0
	exited      chan struct{}      // closed once our direct child (guard or chromium) is reaped
	userDataDir string
	guard       string
	closed      atomic.Bool
}

type launchSpec struct {
	bin, userDataDir, userAgent string
	leakless                    bool
}

// launchBrowser starts chromium and connects to it. ctx bounds the launch
// only; the browser lives until close.
func launchBrowser(ctx context.Context, spec launchSpec) (_ *browserProc, err error) {
	if err := os.MkdirAll(spec.userDataDir, 0o700); err != nil {
		return nil, fmt.Errorf("bots: create user-data-dir: %w", err)
	}
	var (
		b     *browserProc
		wsURL string
	)
	if spec.leakless {
		b, wsURL, err = startLeakless(ctx, spec)
	} else {
		b, wsURL, err = startPdeathsig(ctx, spec)
	}
	if err != nil {
		_ = os.RemoveAll(spec.userDataDir)
		return nil, err
	}
	// rod.New takes trace, slow motion and a debugging monitor server from
	// the `rod` env var (package-level defaults); all three are reset here.
	// NoDefaultDevice: rod would otherwise emulate a macOS Chrome 114.
	// The connection lives until close, so ctx only bounds the handshake.
	connCtx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	stopBound := context.AfterFunc(ctx, cancel)
	br := rod.New().Context(connCtx).ControlURL(wsURL).NoDefaultDevice().Trace(false).SlowMotion(0).Monitor("")
	err = br.Connect()
	if !stopBound() && err == nil {
		err = ctx.Err() // the bound fired just as Connect returned
	}
	if err != nil {
		_ = b.close()
		return nil, fmt.Errorf("bots: connect to chromium: %w", err)
	}
	b.browser = br
	return b, nil
}

// startLeakless launches through rod's launcher with the leakless guard.
func startLeakless(ctx context.Context, spec launchSpec) (b *browserProc, wsURL string, err error) {
	l := chromiumLauncher(spec.bin, spec.userDataDir, spec.userAgent, true).Context(ctx)
	// rod and leakless panic (utils.E) on a few I/O failures; a worker
	// must report those as launch errors, not crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bots: launch chromium: %v", r)
		}
	}()
	u, err := l.Launch()
	if err != nil {
		return nil, "", fmt.Errorf("bots: launch chromium: %w", err)
	}
	b = &browserProc{pid: l.PID(), exited: make(chan struct{}), userDataDir: spec.userDataDir, guard: guardLeakless}
	// Cleanup returns once rod's goroutine has reaped the guard process.
	go func() {
		l.Cleanup()
		close(b.exited)
	}()
	return b, u, nil
}

// startPdeathsig launches chromium as our direct child (see guard_linux.go)
// and reads the DevTools address it prints on stderr.
func startPdeathsig(ctx context.Context, spec launchSpec) (*browserProc, string, error) {
	args := chromiumLauncher(spec.bin, spec.userDataDir, spec.userAgent, false).FormatArgs()
	cmd := exec.Command(spec.bin, args...)
	cmd.Env = chromiumEnv(spec.userDataDir)
	setPdeathsig(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", fmt.Errorf("bots: launch chromium: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("bots: launch chromium: %w", err)
	}
	b := &browserProc{pid: cmd.Process.Pid, waitedPid: cmd.Process.Pid, exited: make(chan struct{}),
		userDataDir: spec.userDataDir, guard: guardPdeathsig}
	// found receives the DevTools address, or "" and chromium's last
	// stderr line when it stops writing without one.
	type result struct{ url, last string }
	found := make(chan result, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var last string
		for sc.Scan() {
			last = sc.Text()
			if i := strings.Index(last, "ws://"); i >= 0 && strings.Contains(last, "DevTools listening on") {
				found <- result{url: last[i:]}
				// Keep draining so chromium never blocks on a full pipe.
				_, _ = io.Copy(io.Discard, stderr)
				return
			}
		}
		found <- result{last: last}
	}()
	go func() {
		_ = cmd.Wait()
		close(b.exited)
	}()
	select {
	case r := <-found:
		if r.url != "" {
			return b, r.url, nil
		}
		_ = b.close()
		return nil, "", fmt.Errorf("bots: launch chromium: no DevTools address (last output %q)", r.last)
	case <-ctx.Done():
		_ = b.close()
		return nil, "", fmt.Errorf("bots: launch chromium: %w", ctx.Err())
	}
}

// alive reports why the browser cannot serve sessions, or nil. The
// process check catches a kill at once; the CDP call catches a hung or
// disconnected browser.
func (b *browserProc) alive(ctx context.Context) error {
	if !processRunning(b.pid) {
		return fmt.Errorf("bots: chromium pid %d exited", b.pid)
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if _, err := (proto.BrowserGetVersion{}).Call(b.browser.Context(ctx)); err != nil {
		return fmt.Errorf("bots: chromium not responding: %w", err)
	}
	return nil
}

// newContextPage opens a fresh incognito context with one page. The
// returned func disposes of the context, which closes its page and drops
// its cookies and storage.
func (b *browserProc) newContextPage(ctx context.Context) (*rod.Page, func() error, error) {
	// The context's browser handle outlives ctx (the page may be parked
	// and serve a later run): it must not keep ctx's cancellation.
	inc, err := b.browser.Context(context.WithoutCancel(ctx)).Incognito()
	if err != nil {
		return nil, nil, fmt.Errorf("bots: new browser context: %w", err)
	}
	dispose := func() error {
		if b.closed.Load() {
			return nil // the browser and all its contexts are gone already
		}
		cctx, cancel := context.WithTimeout(context.Background(), contextCloseTimeout)
		defer cancel()
		if err := inc.Context(cctx).Close(); err != nil {
			return fmt.Errorf("bots: close browser context: %w", err)
		}
		return nil
	}
	page, err := inc.Page(proto.TargetCreateTarget{})
	if err == nil {
		// Full chromium subtracts its (invisible) window frame from
		// --window-size; the override gives every binary the same viewport.
		err = proto.EmulationSetDeviceMetricsOverride{
			Width: viewportWidth, Height: viewportHeight, DeviceScaleFactor: 1,
		}.Call(page)
	}
	if err != nil {
		_ = dispose()
		return nil, nil, fmt.Errorf("bots: new page: %w", err)
	}
	// Steps bind their own deadline; the page must not keep the caller's
	// acquisition context.
	return page.Context(context.Background()), dispose, nil
}

// close shuts the browser down and leaves nothing behind: a graceful
// Browser.close first (chromium then cleans up its helpers), SIGKILL to the
// whole process group for whatever remains, reaping of any helper that
// became our child, and removal of the user-data-dir. It returns an error
// if a process of the group still runs after killWait.
func (b *browserProc) close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.browser != nil && processRunning(b.pid) {
		ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
		_ = (proto.BrowserClose{}).Call(b.browser.Context(ctx))
		cancel()
		waitUntil(gracefulCloseWait, func() bool { return !processRunning(b.pid) })
	}
	if b.cancel != nil {
		b.cancel()
	}
	// Negative pid: the whole group (chromium set up its own group via
	// Setpgid, whichever guard started it).
	if reapGroup(b.pid, b.waitedPid) > 0 {
		_ = syscall.Kill(-b.pid, syscall.SIGKILL)
	}
	done := waitUntil(killWait, func() bool {
		if reapGroup(b.pid, b.waitedPid) > 0 {
			return false
		}
		select {
		case <-b.exited:
			return true
		default:
			return false
		}
	})
	_ = os.RemoveAll(b.userDataDir)
	if !done {
		return fmt.Errorf("bots: chromium pid %d: processes remain after SIGKILL", b.pid)
	}
	return nil
}

// waitUntil polls cond until it holds or limit passes; it reports whether
// cond held. Process exit has no portable notification for processes that
// are not our children, hence the bounded poll.
func waitUntil(limit time.Duration, cond func() bool) bool {
	if cond() {
		return true
	}
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(processPollEvery)
	defer tick.Stop()
	for {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
			if cond() {
				return true
			}
		}
	}
}
