// Package sqlstore is Docket's system of record: an implementation of
// orchestrator.Store on SQLite (modernc.org/sqlite, the embedded default)
// and PostgreSQL (pgx through database/sql), with embedded migrations per
// dialect and one conformance suite that runs on both.
//
// Both dialects share one set of SQL written with ? placeholders, rebound to
// $n for PostgreSQL; only locking and DDL differ. Times are stored in UTC
// with microsecond precision on both, so a hash computed over a stored time
// is the same before and after a round trip.
//
// It imports orchestrator and database drivers only, never bots, tasks or cmd.
//
// Open does not migrate: the caller runs Migrate (docket does on start and
// in `docket migrate`), or uses OpenAndMigrate.
package sqlstore
