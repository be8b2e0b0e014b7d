package sqlstore

import (
	"fmt"
	"time"
)

// timeScan reads a time stored by either dialect: time.Time from
// PostgreSQL, fixed-width text from SQLite, NULL as the zero time.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: scan time from %T", src)
	}
	return nil
}

func (s timeScan) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("sqlstore: scan time %q: %w", v, err)
	}
	*s.t = t.UTC()
	return nil
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}
