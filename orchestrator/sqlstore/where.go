package sqlstore

import (
	"strings"
	"unicode/utf8"
)

// where builds a WHERE clause from conditions and their arguments. Values
// always travel as parameters, never in the SQL text.
type where struct {
	conds []string
	args  []any
}

// add appends a condition with its ? placeholders' arguments.
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// eq adds column = value unless value is empty.
func (w *where) eq(column, value string) {
	if value != "" {
		w.add(column+` = ?`, value)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// prefixRange is the half-open byte-order range [lo, hi) of strings that
// start with prefix: hi is prefix followed by the largest code point, so
// an index on the column serves a prefix search and no character in the
// prefix (%, _, quotes, any unicode) has a special meaning.
func prefixRange(prefix string) (lo, hi string) {
	return prefix, prefix + string(utf8.MaxRune)
}
