package inbox

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const (
	// refusedAuditEvery is how often a throttle key may put a refused
	// login in the audit log.
	refusedAuditEvery = time.Minute
	// refusedAuditKeys bounds the keys remembered; past it, refused
	// logins of keys not yet remembered are logged, not audited.
	refusedAuditKeys = 10_000
)

// refusedAudit bounds the audit entries of logins the throttle refused:
// one per throttle key (account, device or address) per minute, so
// thousands of refused guesses cannot flood the audit log. An attempt is
// audited when neither of its keys was within the minute. Each serve
// process keeps its own.
type refusedAudit struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// allow reports whether a refused attempt charged to keys is audited at
// now, and if so remembers that for each key.
func (g *refusedAudit) allow(now time.Time, keys ...string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		g.last = map[string]time.Time{}
	}
	for _, k := range keys {
		if at, ok := g.last[k]; ok && now.Sub(at) < refusedAuditEvery {
			return false
		}
	}
	if len(g.last)+len(keys) > refusedAuditKeys {
		for k, at := range g.last {
			if now.Sub(at) >= refusedAuditEvery {
				delete(g.last, k)
			}
		}
		if len(g.last)+len(keys) > refusedAuditKeys {
			return false
		}
	}
	for _, k := range keys {
		g.last[k] = now
	}
	return true
}

// auditRefused records a login the throttle refused, at most once per
// key per minute (refusedAudit): the user when the typed name is one
// (looked up, no password checked), else only the name's length.
func (s *Server) auditRefused(ctx context.Context, now time.Time, name, typed, src string, wait time.Duration, keys ...string) {
	if !s.refused.allow(now, keys...) {
		return
	}
	var u orchestrator.User
	if orchestrator.ValidUserName(name) {
		if found, err := s.cfg.Users.UserByName(ctx, name); err == nil {
			u = orchestrator.User{ID: found.ID, Name: found.Name}
		}
	}
	s.auditAs(ctx, anonymousActor, "user.login_throttled", auditedName(u, typed),
		"from "+src+", refused for "+strconv.Itoa(int(wait.Round(time.Second)/time.Second))+" s")
}
