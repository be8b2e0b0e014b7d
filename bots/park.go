package bots

import (
	"context"
	"strings"
	"time"

	"github.com/go-rod/rod"
)

// Parked sessions. A run that ended well may hand its session back with
// Session.Keep instead of Close; the next run for the same target (portal,
// address, user, user agent and blocking) then starts on that page, still
// signed in, instead of a new incognito context that must sign in again.
// A parked session costs memory but no run slot: the pool keeps at most
// Contexts of them, disposes of the oldest when a run needs room, drops
// those idle longer than KeepIdle, and never parks on a browser that is due
// for recycling, replaced or stopping.

// parked is a session waiting for the next run of its target.
type parked struct {
	key     string
	br      *browserProc
	page    *rod.Page
	dispose func() error
	since   time.Time
}

// parkCheckTimeout bounds the check that a parked page still answers.
const parkCheckTimeout = 2 * time.Second

// sessionKey identifies the targets that may share a signed-in session.
// Credentials other than the user name are not part of it: the session is
// the portal's, not the password's.
func sessionKey(t Target) string {
	return strings.Join([]string{t.Portal, t.BaseURL, t.Username, t.UserAgent, strings.Join(t.Block, ",")}, "\x00")
}

// park keeps a session for the next run of key on br. It reports false
// when the session cannot be kept and must be disposed of.
func (p *Pool) park(br *browserProc, key string, page *rod.Page, dispose func() error) bool {
	if p.cfg.KeepIdle < 0 || p.isStopping() {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if br != p.br || p.brServed >= p.cfg.RecycleAfter || br.closed.Load() {
		return false
	}
	p.parked = append(p.parked, parked{key: key, br: br, page: page, dispose: dispose, since: time.Now()})
	return true
}

// unpark takes a live parked session of key on br, if there is one. It
// disposes of sessions idle too long, parked on another browser, and, when
// room is needed for a new context, the oldest others.
func (p *Pool) unpark(br *browserProc, key string) (*rod.Page, func() error, bool) {
	var drop []parked
	var found *parked
	p.mu.Lock()
	keep := p.parked[:0]
	for _, s := range p.parked {
		switch {
		case s.br != br || time.Since(s.since) > p.cfg.KeepIdle:
			drop = append(drop, s)
		case found == nil && s.key == key:
			found = &s
		default:
			keep = append(keep, s)
		}
	}
	// Parked sessions and open ones together stay within Contexts.
	for found == nil && len(keep) > 0 && len(keep)+p.inUse > p.cfg.Contexts {
		drop = append(drop, keep[0])
		keep = keep[1:]
	}
	p.parked = keep
	p.mu.Unlock()
	for _, s := range drop {
		_ = s.dispose()
	}
	if found == nil {
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), parkCheckTimeout)
	defer cancel()
	if _, err := found.page.Context(ctx).Eval(`() => 1`); err != nil {
		_ = found.dispose()
		return nil, nil, false
	}
	return found.page, found.dispose, true
}

// dropParked disposes of every parked session (the browser is going away).
func (p *Pool) dropParked() {
	p.mu.Lock()
	all := p.parked
	p.parked = nil
	p.mu.Unlock()
	for _, s := range all {
		_ = s.dispose()
	}
}
