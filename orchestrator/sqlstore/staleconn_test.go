package sqlstore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// When PostgreSQL ends every session, as a restart or failover does, the
// pooled connections learn it only when next used. One statement may fail
// on such a connection; the ones after it find the others gone and take new
// connections instead of failing too.
func TestPostgresSessionsEndedByServer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const conns = 4
	app := testSchema(t) // a unique application_name marks this store's sessions
	s, err := Open(ctx, Config{URL: postgresURL() + "&application_name=" + app, MaxOpenConns: conns})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Without this the driver pings a connection idle for over a second,
	// which would hide the failures on a slow machine.
	s.stale.idlePing = time.Hour

	// Fill the pool: every connection in use at once, then idle; twice, as
	// the driver always pings a connection it has not reused yet.
	for range 2 {
		useAll(ctx, t, s, conns)
	}

	// End the sessions as a fast shutdown does: FATAL 57P01 on each.
	admin := openPostgresT(t)
	var ended int
	if err := admin.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
		FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&ended); err != nil {
		t.Fatal(err)
	}
	if ended != conns {
		t.Fatalf("ended %d sessions; want %d", ended, conns)
	}
	for left := conns; left > 0; time.Sleep(10 * time.Millisecond) {
		if err := admin.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&left); err != nil {
			t.Fatal(err)
		}
	}

	var failed int
	for i := range 2 * conns {
		_, err := s.db.ExecContext(ctx, "SELECT 1")
		if err == nil {
			continue
		}
		failed++
		var pg *pgconn.PgError
		if !errors.As(err, &pg) || pg.Code != "57P01" {
			t.Errorf("statement %d: %v; want 57P01 from an ended session", i, err)
		}
	}
	if failed != 1 {
		t.Errorf("%d of %d statements failed after the server ended the pool's sessions; want only the first", failed, 2*conns)
	}
}

// useAll takes n connections from the pool at once, runs a statement on
// each and puts them back.
func useAll(ctx context.Context, t *testing.T, s *Store, n int) {
	t.Helper()
	var (
		wg      sync.WaitGroup
		release = make(chan struct{})
		held    = make(chan error, n)
	)
	for range n {
		wg.Go(func() {
			c, err := s.db.Conn(ctx)
			if err != nil {
				held <- err
				return
			}
			defer c.Close()
			_, err = c.ExecContext(ctx, "SELECT 1")
			held <- err
			<-release
		})
	}
	var errs []error
	for range n {
		errs = append(errs, <-held)
	}
	close(release)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
