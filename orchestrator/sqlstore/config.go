package sqlstore

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// Defaults applied by Open when a Config field is zero.
const (
	// MaxOpenConnsDefault suits one process on a small machine; SQLite
	// serialises writers anyway, so more connections only help readers.
	MaxOpenConnsDefault = 8
	// ConnectTimeoutDefault bounds a PostgreSQL connection attempt so an
	// unreachable address fails at Open instead of hanging.
	ConnectTimeoutDefault = 10 * time.Second
	// BusyTimeoutDefault is how long a SQLite writer waits for the lock.
	BusyTimeoutDefault = 10 * time.Second
)

// Config says which database to use.
type Config struct {
	// URL is a postgres:// or postgresql:// URL for PostgreSQL; anything
	// else is SQLite: sqlite:///abs/path.db, file:path.db?opts, or a plain
	// file path. Required.
	URL string
	// Schema is the PostgreSQL schema to use (created if absent, set as the
	// search_path of every connection). Empty means the server's default.
	// Tests use it for isolation. Must be empty for SQLite.
	Schema string
	// MaxOpenConns caps the connection pool. Default MaxOpenConnsDefault.
	MaxOpenConns int
	// ConnectTimeout bounds one PostgreSQL connection attempt unless the URL
	// sets connect_timeout. Default ConnectTimeoutDefault.
	ConnectTimeout time.Duration
	// NowFunc is the clock used for times a caller left zero. Default time.Now.
	NowFunc func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MaxOpenConns <= 0 {
		c.MaxOpenConns = MaxOpenConnsDefault
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = ConnectTimeoutDefault
	}
	if c.NowFunc == nil {
		c.NowFunc = time.Now
	}
	return c
}

func (c Config) validate() error {
	if strings.TrimSpace(c.URL) == "" {
		return fmt.Errorf("sqlstore: %w: database URL is empty", orchestrator.ErrInvalid)
	}
	if !isPostgresURL(c.URL) && (strings.Contains(c.URL, ":memory:") || strings.Contains(c.URL, "mode=memory")) {
		// Every pooled connection would open its own empty database.
		return fmt.Errorf("sqlstore: %w: in-memory SQLite is not supported; use a file (tests: one in t.TempDir())", orchestrator.ErrInvalid)
	}
	if c.Schema != "" {
		if !isPostgresURL(c.URL) {
			return fmt.Errorf("sqlstore: %w: schema %q is only for PostgreSQL", orchestrator.ErrInvalid, c.Schema)
		}
		if !validSchemaName(c.Schema) {
			return fmt.Errorf("sqlstore: %w: schema %q: use lower-case letters, digits and _", orchestrator.ErrInvalid, c.Schema)
		}
	}
	return nil
}

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// validSchemaName keeps schema names to plain identifiers so they never
// need quoting in search_path or DDL.
func validSchemaName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// sqliteDSN turns the accepted SQLite spellings into a modernc DSN with the
// settings concurrent writers need: immediate transactions so two writers
// queue on the lock instead of failing on upgrade, a busy timeout to wait
// in that queue, WAL so readers do not block the writer, and foreign keys.
func sqliteDSN(raw string) (dsn, path string) {
	switch {
	case strings.HasPrefix(raw, "sqlite://"):
		raw = strings.TrimPrefix(raw, "sqlite://")
	case strings.HasPrefix(raw, "sqlite:"):
		raw = strings.TrimPrefix(raw, "sqlite:")
	case strings.HasPrefix(raw, "file:"):
		raw = strings.TrimPrefix(raw, "file:")
		raw = strings.TrimPrefix(raw, "//")
	}
	path, query, _ := strings.Cut(raw, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		q = url.Values{}
	}
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	have := strings.Join(q["_pragma"], ",")
	for _, p := range []struct{ name, value string }{
		{"busy_timeout", fmt.Sprint(BusyTimeoutDefault.Milliseconds())},
		{"journal_mode", "WAL"},
		{"foreign_keys", "1"},
		{"synchronous", "NORMAL"},
	} {
		if !strings.Contains(have, p.name) {
			q.Add("_pragma", p.name+"("+p.value+")")
		}
	}
	return "file:" + path + "?" + q.Encode(), path
}

// redactURL renders a database URL for messages with every password masked:
// the userinfo one and password/sslpassword query values.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		scheme, _, _ := strings.Cut(raw, "://")
		return scheme + "://(unparseable URL)"
	}
	q := u.Query()
	masked := false
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
			masked = true
		}
	}
	if masked {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
