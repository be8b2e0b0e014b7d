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
// The inbox's task lists filter, sort, page and count in SQL (taskfilter.go):
// each order of the open tasks has an index that also holds every filtered
// column, so a page's ids and its count come from the index and only the
// page's rows are read; on SQLite the store names the index, since its
// planner cannot tell a selective filter from a broad one.
//
// It imports orchestrator and database drivers only, never bots, tasks or cmd.
//
// Open does not migrate: the caller runs Migrate (docket does on start and
// in `docket migrate`), or uses OpenAndMigrate.
package sqlstore
