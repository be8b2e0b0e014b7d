package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// postgresURL is the server the PostgreSQL tests use. It must be running:
// the tests fail, never skip, when it is not.
func postgresURL() string {
	if u := os.Getenv("DOCKET_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

func testSchema(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "docket_test_" + hex.EncodeToString(b)
}

// openPostgresT opens a store in a fresh schema that is dropped when the
// test ends.
func openPostgresT(t *testing.T) *Store {
	t.Helper()
	return openPostgresSchema(t, testSchema(t), true)
}

func openPostgresSchema(t *testing.T, schema string, migrate bool) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, Config{URL: postgresURL(), Schema: schema, MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("PostgreSQL must be running for these tests (set DOCKET_TEST_POSTGRES_URL): %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if migrate {
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return s
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	runConformance(t, openPostgresT)
}

// Two processes starting at once both migrate; the advisory lock makes one
// wait, and each migration is applied exactly once.
func TestPostgresConcurrentMigrate(t *testing.T) {
	t.Parallel()
	schema := testSchema(t)
	a := openPostgresSchema(t, schema, false)
	b, err := Open(context.Background(), Config{URL: postgresURL(), Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var (
		wg      sync.WaitGroup
		applied [2][]string
		errs    [2]error
	)
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = s.Migrate(context.Background())
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatal(err)
	}
	total := len(applied[0]) + len(applied[1])
	// Versions may have gaps (numbers are assigned ahead of landing):
	// count the files.
	files, err := fs.Glob(migrationFiles, "migrations/postgres/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || total != len(files) {
		t.Fatalf("applied %v and %v, want each of %d migrations once", applied[0], applied[1], len(files))
	}
}

func TestPostgresUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Port 1 on loopback refuses at once.
	_, err := Open(ctx, Config{URL: "postgres://docket:s3cret-pw@127.0.0.1:1/docket?sslmode=disable"})
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	msg := err.Error()
	t.Logf("unreachable: %s", msg)
	if !strings.Contains(msg, "sqlstore: connect postgres://docket:xxxxx@127.0.0.1:1/docket") {
		t.Errorf("error does not name the address: %s", msg)
	}
	if strings.Contains(msg, "s3cret-pw") {
		t.Errorf("error leaks the password: %s", msg)
	}
	_, err = Open(ctx, Config{URL: "postgres://docket:s3cret-pw@127.0.0.1:1/docket", Schema: "x"})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("with a schema: %v", err)
	}
}
