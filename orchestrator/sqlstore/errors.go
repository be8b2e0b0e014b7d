package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate maps driver errors callers branch on to the domain's sentinels
// and leaves the rest as they are.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return orchestrator.ErrNotFound
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", orchestrator.ErrConflict, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
