package bots

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// StepTimeoutDefault bounds one browser step when the session sets none.
const StepTimeoutDefault = 30 * time.Second

// Session is one run's isolated browser context and its page. A bot uses
// it for the whole run (a logged-in session is reused within the run) and
// the pool closes it afterwards.
type Session struct {
	Target      Target
	StepTimeout time.Duration // per step; 0 means StepTimeoutDefault

	page      *rod.Page
	userAgent string // the page's, read by the first Fetch
	release   func() error
	keep      func() error // set by Pool: park the session for the next run
	pace      Politeness   // set by Pool; nil sets no limit
}

// NewSession wraps a page; release is called once by Close.
func NewSession(t Target, page *rod.Page, stepTimeout time.Duration, release func() error) *Session {
	return &Session{Target: t, StepTimeout: stepTimeout, page: page, release: release}
}

// Step runs fn with the page bound to a deadline: the earlier of ctx's and
// the step timeout. Rod calls inside fn stop when it passes. The error is
// wrapped with the step name.
func (s *Session) Step(ctx context.Context, name string, fn func(p *rod.Page) error) error {
	timeout := s.StepTimeout
	if timeout <= 0 {
		timeout = StepTimeoutDefault
	}
	stepCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := fn(s.page.Context(stepCtx)); err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("bots: step %s: timed out after %s: %w", name, timeout, err)
		}
		return fmt.Errorf("bots: step %s: %w", name, err)
	}
	return nil
}

// The largest screenshot, in CSS pixels. A page laid out wider or taller
// (a portal's 1 MB unbroken token makes a table 8 million pixels wide) is
// captured from its top left to these bounds: Chromium cannot capture
// such a surface ("Unable to capture screenshot") and the run would fail
// on it.
const (
	ScreenshotMaxWidth  = 4096
	ScreenshotMaxHeight = 16384
)

// Screenshot captures the whole page as PNG: everything the page lays
// out, beyond the window too, up to ScreenshotMaxWidth by
// ScreenshotMaxHeight, without resizing the window (which would lay the
// page out twice more), encoded for speed rather than size.
func (s *Session) Screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := s.Step(ctx, "screenshot", func(p *rod.Page) error {
		m, err := proto.PageGetLayoutMetrics{}.Call(p)
		if err != nil {
			return err
		}
		size := m.CSSContentSize
		if size == nil || size.Width < 1 || size.Height < 1 {
			return errors.New("the page has no content size")
		}
		shot, err := proto.PageCaptureScreenshot{
			Format: proto.PageCaptureScreenshotFormatPng,
			Clip: &proto.PageViewport{Width: min(size.Width, ScreenshotMaxWidth),
				Height: min(size.Height, ScreenshotMaxHeight), Scale: 1},
			CaptureBeyondViewport: true,
			OptimizeForSpeed:      true,
		}.Call(p)
		if err != nil {
			return err
		}
		png = shot.Data
		return nil
	})
	return png, err
}

// URL is the page's current address.
func (s *Session) URL(ctx context.Context) (string, error) {
	var u string
	err := s.Step(ctx, "url", func(p *rod.Page) error {
		info, err := p.Info()
		if err != nil {
			return err
		}
		u = info.URL
		return nil
	})
	return u, err
}

// Keep ends the run's use of the session like Close, but lets the pool
// hand it, still signed in, to the next run of the same target. Call it
// only after a run that ended well; a session the pool cannot keep is
// closed.
func (s *Session) Keep() error {
	if s.keep == nil {
		return s.Close()
	}
	return s.keep()
}

// Close releases the session's browser context. It is safe to call twice.
func (s *Session) Close() error {
	if s.release == nil {
		return nil
	}
	r := s.release
	s.release = nil
	return r()
}
