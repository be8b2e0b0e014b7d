package sqlstore

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// staleConns keeps one PostgreSQL restart from failing a statement on every
// pooled connection. When the server shuts down or fails over it ends each
// session with a FATAL message (57P01 "terminating connection due to
// administrator command"), which an idle connection only reads when it is
// next used. The driver pings a connection before reuse only after it sat
// idle for a second, so without this every connection used within that
// second fails the statement sent on it, each possibly failing a different
// run. Once any connection reports a FATAL, every connection last taken
// from the pool before then is pinged before reuse, and one the server
// closed is replaced instead of failing a statement.
type staleConns struct {
	fatalAt atomic.Int64 // unix nanoseconds of the last FATAL any connection read
	// idlePing is how long a connection may sit idle before it is pinged
	// anyway: the driver's own rule, a second. Tests lengthen it.
	idlePing time.Duration
}

func newStaleConns() *staleConns { return &staleConns{idlePing: time.Second} }

// onPgError records a FATAL and leaves the decision to close the
// connection to next, the handler it wraps (pgx's default closes on every
// FATAL).
func (s *staleConns) onPgError(next pgconn.PgErrorHandler) pgconn.PgErrorHandler {
	return func(c *pgconn.PgConn, e *pgconn.PgError) bool {
		if strings.EqualFold(e.Severity, "FATAL") {
			s.fatalAt.Store(time.Now().UnixNano())
		}
		if next == nil {
			return !strings.EqualFold(e.Severity, "FATAL")
		}
		return next(c, e)
	}
}

// shouldPing keeps the driver's own rule (ping after idlePing idle) and
// adds a ping for a connection last taken before the last FATAL.
func (s *staleConns) shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > s.idlePing {
		return true
	}
	lastTaken := time.Now().Add(-p.IdleDuration).UnixNano()
	return lastTaken <= s.fatalAt.Load()
}
