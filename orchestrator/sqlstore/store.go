package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Store is an orchestrator.Store on SQLite or PostgreSQL. It is safe for
// concurrent use.
type Store struct {
	db   *sql.DB
	d    dialect
	addr string // the database, password redacted, for messages
	// schema is the PostgreSQL schema in use ("" for the server default).
	schema string
	now    func() time.Time
	// selectiveMax: see selectiveMaxDefault.
	selectiveMax int
	// stale notices PostgreSQL ending sessions (nil for SQLite).
	stale *staleConns
	// pending holds the ledger leaves of open transactions.
	pending pendingLeaves
}

var _ orchestrator.Store = (*Store)(nil)

// Open connects to the database cfg names and checks it answers within
// ctx. It does not migrate; call Migrate, or use OpenAndMigrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var (
		s   *Store
		err error
	)
	if isPostgresURL(cfg.URL) {
		s, err = openPostgres(ctx, cfg)
	} else {
		s, err = openSQLite(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OpenAndMigrate opens the store and applies pending migrations.
func OpenAndMigrate(ctx context.Context, cfg Config) (*Store, error) {
	s, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

func openSQLite(ctx context.Context, cfg Config) (*Store, error) {
	dsn, path := sqliteDSN(cfg.URL)
	if err := privateSQLite(path, dsn); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(cfg.MaxOpenConns)
	s := &Store{db: db, d: sqliteDialect(), addr: "sqlite:" + path, now: cfg.NowFunc, selectiveMax: selectiveMaxDefault}
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

func openPostgres(ctx context.Context, cfg Config) (*Store, error) {
	addr := redactURL(cfg.URL)
	pc, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		// pgx's own message redacts the password; ours names the address.
		return nil, fmt.Errorf("sqlstore: parse %s: %w", addr, err)
	}
	if pc.ConnectTimeout == 0 {
		pc.ConnectTimeout = cfg.ConnectTimeout
	}
	if cfg.Schema != "" {
		if err := createSchema(ctx, *pc, cfg.Schema, addr); err != nil {
			return nil, err
		}
		// A startup parameter applies to every pooled connection, including
		// the one goose's advisory lock holds, which SET would not.
		pc.RuntimeParams["search_path"] = cfg.Schema
	}
	stale := newStaleConns()
	pc.OnPgError = stale.onPgError(pc.OnPgError)
	db := stdlib.OpenDB(*pc, stdlib.OptionShouldPing(stale.shouldPing))
	db.SetMaxOpenConns(cfg.MaxOpenConns)
	db.SetMaxIdleConns(cfg.MaxOpenConns)
	s := &Store{db: db, d: postgresDialect(), addr: addr, schema: cfg.Schema, now: cfg.NowFunc,
		selectiveMax: selectiveMaxDefault, stale: stale}
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// createSchema makes the schema on a short-lived connection before the
// pool is built with it on the search_path.
func createSchema(ctx context.Context, pc pgx.ConnConfig, schema, addr string) error {
	db := stdlib.OpenDB(pc)
	defer db.Close()
	_, err := db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
	if err != nil && !isUniqueViolation(err) { // two creators racing: one wins, both are fine
		return fmt.Errorf("sqlstore: connect %s: create schema %s: %w", addr, schema, err)
	}
	return nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: connect %s: %w", s.addr, err)
	}
	return nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlstore: close %s: %w", s.addr, err)
	}
	return nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// inTx runs fn in a transaction, committing when it returns nil. The
// ledger leaves fn logged are appended last, in the same transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	err = fn(tx)
	leaves := s.pending.take(tx)
	if err == nil {
		err = s.appendLeaves(ctx, tx, leaves)
	}
	if err != nil {
		if rbErr := rollback(tx); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	return tx.Commit()
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// orNow fills a time the caller left zero from the store's clock.
func (s *Store) orNow(t time.Time) time.Time {
	if t.IsZero() {
		return dbTime(s.now())
	}
	return dbTime(t)
}
