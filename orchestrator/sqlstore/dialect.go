package sqlstore

import (
	"strconv"
	"strings"
	"time"
)

// dialect holds the few things that differ between SQLite and PostgreSQL;
// the queries themselves are shared.
type dialect struct {
	name       string // "sqlite" or "postgres"
	migrations string // directory in the embedded migrations FS
	dollar     bool   // PostgreSQL numbers its placeholders
	// forUpdate locks the selected row; SQLite has no row locks and needs
	// none because its immediate transactions already exclude writers.
	forUpdate string
	// textTimes says times are stored as fixed-width UTC text (SQLite) rather
	// than timestamptz (PostgreSQL).
	textTimes bool
	// byteOrder follows a column in comparisons that must be in byte
	// order (prefix searches); SQLite's default collation already is.
	byteOrder string
}

func sqliteDialect() dialect {
	return dialect{name: "sqlite", migrations: "migrations/sqlite", textTimes: true}
}

func postgresDialect() dialect {
	return dialect{name: "postgres", migrations: "migrations/postgres", dollar: true, forUpdate: " FOR UPDATE", byteOrder: ` COLLATE "C"`}
}

// q adapts a shared query to the dialect.
func (d dialect) q(query string) string {
	if d.dollar {
		return rebind(query)
	}
	return query
}

// lockTable serialises appends to a hash-chained table for the rest of the
// transaction, so two appends never read the same tail and fork the chain.
// EXCLUSIVE mode still lets readers in. SQLite's immediate transaction
// already holds the database write lock.
func (d dialect) lockTable(table string) string {
	if d.name == "postgres" {
		return "LOCK TABLE " + table + " IN EXCLUSIVE MODE"
	}
	return ""
}

// rebind rewrites ? placeholders to $1, $2, ... leaving ? inside quoted
// strings and identifiers alone.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// timeLayout is fixed width so SQLite text times sort as times.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime is the precision every stored time has, on both dialects.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ts encodes a time for the dialect.
func (d dialect) ts(t time.Time) any {
	t = dbTime(t)
	if d.textTimes {
		return t.Format(timeLayout)
	}
	return t
}

// nullTS encodes a time that is NULL when zero.
func (d dialect) nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.ts(t)
}

// dueKey is the deadline as the inbox indexes hold it; a task with no
// deadline compares after every time on SQLite and is NULL on PostgreSQL.
func (d dialect) dueKey() string {
	if d.name == "postgres" {
		return "due_at"
	}
	return "coalesce(due_at, '9999')"
}

// dueAfter matches tasks with no deadline or one after the ? time.
func (d dialect) dueAfter() string {
	if d.name == "postgres" {
		return "(due_at IS NULL OR due_at > ?)"
	}
	return "coalesce(due_at, '9999') > ?"
}

// nullsLast orders column ascending with NULLs after every value; the
// dialects disagree on where NULLs go by default.
func (d dialect) nullsLast(column string) string {
	if d.name == "postgres" {
		return column + " ASC NULLS LAST"
	}
	// Text times: a NULL becomes a string after every time, and the
	// expression matches the inbox indexes of the SQLite migration.
	return "coalesce(" + column + ", '9999')"
}
