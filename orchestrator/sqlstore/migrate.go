package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS // read-only; embed needs a package-level variable

// Migrate applies pending migrations and returns the ones it applied by
// file name, version first (e.g. "00001_init.sql"); none when the schema
// is current. On PostgreSQL it holds a session
// advisory lock while it works, so two processes migrating at once apply
// each migration once.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	p, err := s.migrator()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrate %s: %w", s.addr, err)
	}
	if err := s.catchUpLedger(ctx); err != nil {
		return nil, err
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, path.Base(r.Source.Path))
	}
	return applied, nil
}

// MigrationVersion reports the schema version the database is at and the
// newest version this build knows.
func (s *Store) MigrationVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := s.migrator()
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlstore: migration version %s: %w", s.addr, err)
	}
	return current, latest, nil
}

func (s *Store) migrator() (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, s.d.migrations)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations %s: %w", s.d.migrations, err)
	}
	// Out of order allowed: migration numbers are handed out ahead, so a
	// store may have 00008 before 00007 lands; each stands alone.
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true)}
	gd := goose.DialectSQLite3
	if s.d.name == "postgres" {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(s.migrationLockID()),
			lock.WithLockTimeout(1, 300), // poll every second for up to 5 minutes
			lock.WithUnlockTimeout(1, 60),
		)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.db, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations %s: %w", s.d.migrations, err)
	}
	return p, nil
}

// migrationLockID is per schema: migrations of different schemas (tests in
// parallel, several deployments on one server) do not wait for each other.
func (s *Store) migrationLockID() int64 {
	h := fnv.New64a()
	h.Write([]byte("docket-migrate:" + s.schema))
	return int64(h.Sum64() >> 1)
}
