package sqlstore

import (
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"WHERE a = ? AND b = ?", "WHERE a = $1 AND b = $2"},
		{"VALUES (?, '?', ?)", "VALUES ($1, '?', $2)"},
		{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{"WHERE s = 'it''s?' AND t = ?", "WHERE s = 'it''s?' AND t = $1"},
	} {
		if got := rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, path string }{
		{"/var/lib/docket/docket.db", "/var/lib/docket/docket.db"},
		{"sqlite:///var/lib/docket/docket.db", "/var/lib/docket/docket.db"},
		{"file:/tmp/x.db?_pragma=busy_timeout(5)", "/tmp/x.db"},
		{"docket.db", "docket.db"},
	} {
		dsn, path := sqliteDSN(tc.in)
		if path != tc.path {
			t.Errorf("sqliteDSN(%q) path = %q, want %q", tc.in, path, tc.path)
		}
		for _, want := range []string{"_txlock=immediate", "journal_mode%28WAL%29", "foreign_keys%281%29"} {
			if !strings.Contains(dsn, want) {
				t.Errorf("sqliteDSN(%q) = %q, missing %s", tc.in, dsn, want)
			}
		}
		if strings.Count(dsn, "busy_timeout") != 1 {
			t.Errorf("sqliteDSN(%q) = %q, want exactly one busy_timeout", tc.in, dsn)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"postgres://docket:s3cret@127.0.0.1:5433/docket", "postgres://docket:xxxxx@127.0.0.1:5433/docket"},
		{"postgres://docket@db/docket?sslmode=disable", "postgres://docket@db/docket?sslmode=disable"},
		{"postgres://db/docket?password=s3cret&sslmode=disable", "postgres://db/docket?password=xxxxx&sslmode=disable"},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := redactURL("postgres://u:s3cret@%zz/db"); strings.Contains(got, "s3cret") {
		t.Errorf("unparseable URL leaked its password: %q", got)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{},
		{URL: "/tmp/x.db", Schema: "s1"},
		{URL: "postgres://h/db", Schema: "Robert'); DROP TABLE bots;--"},
		{URL: "postgres://h/db", Schema: "1abc"},
		{URL: ":memory:"},
		{URL: "file::memory:?cache=shared"},
	} {
		if err := cfg.validate(); err == nil {
			t.Errorf("validate(%+v) = nil, want an error", cfg)
		}
	}
	if err := (Config{URL: "postgres://h/db", Schema: "t_abc_1"}).validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
}
