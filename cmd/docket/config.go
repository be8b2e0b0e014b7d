package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/polite"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/inbox"
	"github.com/docket-rpa/docket/tasks"
	"go.yaml.in/yaml/v3"
)

// Config is the whole of Docket's configuration: defaults, then the YAML
// file, then DOCKET_* environment variables, then flags. The annotated
// example is deploy/docket.example.yaml.
type Config struct {
	DatabaseURL string `yaml:"database_url"` // default: SQLite at <data_dir>/docket.db
	RedisURL    string `yaml:"redis_url"`    // default redis://127.0.0.1:6379/0; demo embeds Redis when unset; Sentinel and Cluster forms in redis.go
	DataDir     string `yaml:"data_dir"`     // default ./docket-data
	EvidenceURL string `yaml:"evidence_url"` // default file://<data_dir>/evidence
	LogFormat   string `yaml:"log_format"`   // json or console; default json, console for demo
	LogLevel    string `yaml:"log_level"`    // debug, info (default), warn, error
	HTTPAddr    string `yaml:"http_addr"`    // web, API and /metrics of serve and demo; default 127.0.0.1:8080
	MetricsAddr string `yaml:"metrics_addr"` // /metrics of worker (default 127.0.0.1:9091) and scheduler (127.0.0.1:9092)
	PortalAddr  string `yaml:"portal_addr"`  // demo coding worklist; default 127.0.0.1:8089
	// ClaimsPortalAddr is the demo claim scrubber's address; default
	// 127.0.0.1:8090.
	ClaimsPortalAddr string `yaml:"claims_portal_addr"`
	// The credential vault's AES-256 key: 64 hex digits or base64. Prefer
	// the environment (DOCKET_SECRET_KEY) or a key file to writing it here.
	SecretKey     string `yaml:"secret_key"`
	SecretKeyFile string `yaml:"secret_key_file"` // default <data_dir>/secret.key when it exists
	// LedgerKey signs the audit ledger's checkpoints (a sumdb note signer
	// key, from docket audit keygen). Every process must use the same one:
	// prefer the environment (DOCKET_LEDGER_KEY) or the key file.
	LedgerKey string `yaml:"ledger_key"`
	// LedgerKeyFile holds that key when ledger_key is unset; keep it off
	// the database host's reach. Default <data_dir>/ledger.key (serve,
	// worker and demo create it).
	LedgerKeyFile string `yaml:"ledger_key_file"`
	// LedgerVerifierKey is the public key checkpoints and bundles are
	// checked against; default the key file's. Set it where only
	// verification happens.
	LedgerVerifierKey string `yaml:"ledger_verifier_key"`
	// RulesFile holds queues, SLA policies, holidays, routing rules and the
	// QA sample (annotated example: deploy/rules.example.yaml). Default:
	// the built-in queues and no rules.
	RulesFile string `yaml:"rules_file"`
	// PacksDir holds portal packs (one folder each, with a pack.yaml):
	// they add packs, or replace built-in ones by name, at run time.
	// Workers and serve reload a changed pack (checked every few seconds
	// and on SIGHUP) once it lints cleanly. Default: built-in packs only.
	PacksDir string `yaml:"packs_dir"`
	// TrustedProxies are the TLS-terminating proxies in front of serve,
	// comma-separated addresses or CIDR prefixes: only their
	// X-Forwarded-For and X-Forwarded-Proto are believed (source address
	// for the login throttle and audit log, Secure cookies, HSTS).
	// Default none.
	TrustedProxies string `yaml:"trusted_proxies"`
	// OutboxRetention is how long a write-back or manual run job the
	// outbox has handed to Redis is kept before the dispatcher deletes it;
	// unsent jobs are kept whatever their age. Default 168h (7 days).
	OutboxRetention time.Duration `yaml:"outbox_retention"`

	Worker     WorkerConfig            `yaml:"worker"`
	Politeness PolitenessConfig        `yaml:"politeness"`
	Demo       DemoConfig              `yaml:"demo"`
	Portals    map[string]PortalConfig `yaml:"portals"`
	Bots       []BotConfig             `yaml:"bots"`
}

// WorkerConfig sets up a worker's browser pool.
type WorkerConfig struct {
	Name         string        `yaml:"name"`          // default host:pid
	Concurrency  int           `yaml:"concurrency"`   // browser contexts (and runs) at once; default 1
	RecycleAfter int           `yaml:"recycle_after"` // relaunch the browser after N runs; default 50
	ChromiumPath string        `yaml:"chromium_path"` // default: system chromium-headless-shell, then chromium
	StepTimeout  time.Duration `yaml:"step_timeout"`  // deadline of one browser step; default 30s
	KeepSession  time.Duration `yaml:"keep_session"`  // keep a successful run's signed-in context for the next run of its portal this long; 0 off; default 2m
}

// PolitenessConfig caps what the whole fleet sends each portal (see
// bots/polite); a portal's own max_sessions and requests_per_second
// override it.
type PolitenessConfig struct {
	Sessions          int `yaml:"sessions"`            // sessions open at once per portal across all workers; default 2
	RequestsPerSecond int `yaml:"requests_per_second"` // requests per second per portal across all workers; default 5
}

// DemoConfig shapes the demo portals' data.
type DemoConfig struct {
	Seed     int64         `yaml:"seed"`     // default 1
	Accounts int           `yaml:"accounts"` // coding-worklist accounts; default 120
	Claims   int           `yaml:"claims"`   // claim-scrubber claims; default 80
	Latency  time.Duration `yaml:"latency"`  // added to every portal request; default 0
	// Malformed is how many worklist accounts `docket demo` serves with a
	// field the bot cannot read (a missing discharge date, an impossible
	// admit date, ...): their tasks show the automation team's work.
	// Default 2 (at most demo.accounts); `docket portal` serves none.
	Malformed int `yaml:"malformed"`
}

// PortalConfig is where a portal is and how to log in. The password is a
// secret: it is never logged, put in a task or shown in an error.
type PortalConfig struct {
	URL       string   `yaml:"url"`
	Username  string   `yaml:"username"`
	Password  string   `yaml:"password"`
	UserAgent string   `yaml:"user_agent"` // default: the worker's DocketBot agent
	Block     []string `yaml:"block"`      // resource kinds to skip: images, fonts, media, analytics
	// MaxSessions and RequestsPerSecond override politeness for this
	// portal; 0 takes politeness.sessions and .requests_per_second.
	MaxSessions       int `yaml:"max_sessions"`
	RequestsPerSecond int `yaml:"requests_per_second"`
}

// BotConfig defines one bot.
type BotConfig struct {
	Name       string        `yaml:"name"`
	Kind       string        `yaml:"kind"`
	Portal     string        `yaml:"portal"`
	Schedule   string        `yaml:"schedule"`    // cron, five fields; empty = manual only
	Timezone   string        `yaml:"timezone"`    // default UTC
	MaxRetry   int           `yaml:"max_retry"`   // default 3
	Timeout    time.Duration `yaml:"timeout"`     // default 10m
	RetryDelay time.Duration `yaml:"retry_delay"` // default 30s
	Enabled    *bool         `yaml:"enabled"`     // default true
	// Evidence is which screenshots the bot keeps: "all" (default) or
	// "exceptions" (failures and before/after of actions; DOM snapshots of
	// every record are always kept).
	Evidence string `yaml:"evidence"`
}

// Portal and bot names of the built-in demo.
const (
	PortalCodingWorklist = "coding-worklist"
	PortalClaimScrubber  = "claim-scrubber"
	BotCodingHolds       = "coding-holds"
	BotClaimScrubber     = "claim-scrubber"
	BotWriteBack         = "writeback"
)

// The demo portals' politeness caps.
const (
	demoPortalSessions          = 16
	demoPortalRequestsPerSecond = 2000
)

// defaultConfig is what Docket runs with when nothing is configured.
func defaultConfig() Config {
	return Config{
		DataDir:          "docket-data",
		LogLevel:         "info",
		HTTPAddr:         "127.0.0.1:8080",
		PortalAddr:       "127.0.0.1:8089",
		ClaimsPortalAddr: "127.0.0.1:8090",
		OutboxRetention:  tasks.DispatchRetentionDefault,
		Worker:           WorkerConfig{Concurrency: 1, RecycleAfter: 50, StepTimeout: 30 * time.Second, KeepSession: 2 * time.Minute},
		Politeness:       PolitenessConfig{Sessions: 2, RequestsPerSecond: 5},
		Demo:             DemoConfig{Seed: 1, Accounts: 120, Claims: 80, Malformed: 2},
		// The demo portals run on this machine for a first look: their
		// caps let the demo go at the bot's speed.
		Portals: map[string]PortalConfig{
			PortalCodingWorklist: {URL: "http://127.0.0.1:8089", Username: "coder", Password: "demo-password",
				MaxSessions: demoPortalSessions, RequestsPerSecond: demoPortalRequestsPerSecond},
			PortalClaimScrubber: {URL: "http://127.0.0.1:8090", Username: "biller", Password: "demo-password",
				MaxSessions: demoPortalSessions, RequestsPerSecond: demoPortalRequestsPerSecond},
		},
		Bots: []BotConfig{{
			Name: BotCodingHolds, Kind: "coding-holds", Portal: PortalCodingWorklist,
			Schedule: "*/15 * * * *", Timezone: "UTC",
		}, {
			Name: BotClaimScrubber, Kind: "claim-scrubber", Portal: PortalClaimScrubber,
			Schedule: "*/30 * * * *", Timezone: "UTC",
		}, {
			// Runs only when a person's resolution asks for a portal action.
			Name: BotWriteBack, Kind: "writeback", Portal: PortalCodingWorklist, Timezone: "UTC",
		}},
	}
}

// ConfigError is a bad configuration key or value; the process exits 2.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "config: " + e.Msg }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// loadFile decodes a YAML file over cfg, rejecting unknown keys.
func loadFile(cfg *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return configErrorf("read %s: %v", path, errors.Unwrap(err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err == nil {
		if err := checkYAML(&doc, reflect.TypeFor[Config](), ""); err != nil {
			return configErrorf("%s: %v", path, err)
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		var te *yaml.TypeError
		msg := err.Error()
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = unknownField.ReplaceAllString(te.Errors[0], "unknown key $1")
		}
		return configErrorf("%s: %s", path, strings.ReplaceAll(msg, "\n", " "))
	}
	return nil
}

// setting is one scalar key that the environment and flags can set.
type setting struct {
	key   string // YAML path, e.g. worker.concurrency
	help  string
	field func(c *Config) any // *string, *int or *time.Duration
	// cmds are the commands that have the flag (and their subcommands);
	// none means every command (a persistent flag of the root).
	cmds []string
}

// secret reports whether the setting holds a secret. Secrets have no flag:
// a flag shows in the process list.
func (s setting) secret() bool { return s.key == "secret_key" || s.key == "ledger_key" }

func (s setting) env() string {
	return "DOCKET_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(s.key))
}

func (s setting) flag() string { return strings.NewReplacer(".", "-", "_", "-").Replace(s.key) }

// set parses v into the setting's field of c. The error says what is
// expected without naming the key: the caller names where v came from.
func (s setting) set(c *Config, v string) error {
	switch p := s.field(c).(type) {
	case *int:
		n, err := parseInt(v)
		if err != nil {
			return err
		}
		*p = n
	case *time.Duration:
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		*p = d
	case *string:
		*p = v
	}
	return nil
}

func parseInt(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %s", v)
	}
	return n, nil
}

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 30s, got %s", v)
	}
	return d, nil
}

// Commands grouped by what they run.
var (
	cmdsHTTP     = []string{"serve", "demo", "users"}
	cmdsLedger   = []string{"serve", "worker", "demo", "audit", "evidence"}
	cmdsBrowser  = []string{"worker", "demo"}
	cmdsPortals  = []string{"demo", "portal"}
	cmdsWorkflow = []string{"serve", "worker", "demo"}
)

// settings lists every key the environment and flags can set.
var settings = []setting{
	{"database_url", "database URL: postgres://... or a SQLite path (default <data_dir>/docket.db)", func(c *Config) any { return &c.DatabaseURL }, nil},
	{"redis_url", "Redis URL: redis://, redis-sentinel://...?master=NAME or redis-cluster:// (default redis://127.0.0.1:6379/0; demo embeds one)", func(c *Config) any { return &c.RedisURL }, nil},
	{"data_dir", "directory for the SQLite database, evidence and browser profiles", func(c *Config) any { return &c.DataDir }, nil},
	{"evidence_url", "blob URL for evidence (default file://<data_dir>/evidence)", func(c *Config) any { return &c.EvidenceURL }, cmdsLedger},
	{"log_format", "log format: json or console (default json, console for demo)", func(c *Config) any { return &c.LogFormat }, nil},
	{"log_level", "log level: debug, info, warn or error", func(c *Config) any { return &c.LogLevel }, nil},
	{"http_addr", "address of the web UI, API and /metrics", func(c *Config) any { return &c.HTTPAddr }, cmdsHTTP},
	{"metrics_addr", "address of /metrics (default 127.0.0.1:9091 for worker, 127.0.0.1:9092 for scheduler)", func(c *Config) any { return &c.MetricsAddr }, []string{"worker", "scheduler"}},
	{"portal_addr", "address of the demo coding worklist", func(c *Config) any { return &c.PortalAddr }, cmdsPortals},
	{"claims_portal_addr", "address of the demo claim scrubber", func(c *Config) any { return &c.ClaimsPortalAddr }, cmdsPortals},
	{"secret_key", "credential vault key (64 hex digits or base64)", func(c *Config) any { return &c.SecretKey }, nil},
	{"secret_key_file", "file holding the credential vault key (default <data_dir>/secret.key)", func(c *Config) any { return &c.SecretKeyFile }, []string{"worker", "demo", "credentials"}},
	{"ledger_key", "key that signs ledger checkpoints (docket audit keygen)", func(c *Config) any { return &c.LedgerKey }, nil},
	{"ledger_key_file", "file holding the key that signs ledger checkpoints (default <data_dir>/ledger.key)", func(c *Config) any { return &c.LedgerKeyFile }, cmdsLedger},
	{"ledger_verifier_key", "public key ledger checkpoints and bundles are checked against (default: the key file's)", func(c *Config) any { return &c.LedgerVerifierKey }, cmdsLedger},
	{"rules_file", "routing rules, queues and SLA policies (YAML)", func(c *Config) any { return &c.RulesFile }, cmdsWorkflow},
	{"packs_dir", "directory of portal packs (folders with a pack.yaml) that add or replace built-in packs", func(c *Config) any { return &c.PacksDir }, []string{"serve", "worker", "demo", "flows", "selectors"}},
	{"trusted_proxies", "TLS-terminating proxies whose X-Forwarded-For/-Proto are believed: comma-separated addresses or CIDR prefixes", func(c *Config) any { return &c.TrustedProxies }, cmdsHTTP},
	{"outbox_retention", "how long a job the outbox sent is kept before the dispatcher deletes it", func(c *Config) any { return &c.OutboxRetention }, []string{"serve", "demo", "run"}},
	{"worker.name", "worker name in run records (default host:pid)", func(c *Config) any { return &c.Worker.Name }, cmdsBrowser},
	{"worker.concurrency", "browser contexts (concurrent runs) per worker", func(c *Config) any { return &c.Worker.Concurrency }, cmdsBrowser},
	{"worker.recycle_after", "relaunch the browser after this many runs", func(c *Config) any { return &c.Worker.RecycleAfter }, cmdsBrowser},
	{"worker.chromium_path", "path of the Chromium binary (default: chromium-headless-shell, then chromium)", func(c *Config) any { return &c.Worker.ChromiumPath }, []string{"worker", "demo", "selectors"}},
	{"worker.step_timeout", "deadline of one browser step", func(c *Config) any { return &c.Worker.StepTimeout }, cmdsBrowser},
	{"worker.keep_session", "how long a successful run's signed-in browser context waits for the next run of its portal (0 turns it off)", func(c *Config) any { return &c.Worker.KeepSession }, cmdsBrowser},
	{"politeness.sessions", "sessions open at once per portal across all workers (a portal's max_sessions overrides it)", func(c *Config) any { return &c.Politeness.Sessions }, cmdsBrowser},
	{"politeness.requests_per_second", "requests per second per portal across all workers (a portal's requests_per_second overrides it)", func(c *Config) any { return &c.Politeness.RequestsPerSecond }, cmdsBrowser},
	{"demo.accounts", "accounts in the demo coding worklist", func(c *Config) any { return &c.Demo.Accounts }, cmdsPortals},
	{"demo.claims", "claims in the demo claim scrubber", func(c *Config) any { return &c.Demo.Claims }, cmdsPortals},
	{"demo.malformed", "accounts in the demo coding worklist with a field the bot cannot read (tasks for the automation team)", func(c *Config) any { return &c.Demo.Malformed }, []string{"demo"}},
	{"demo.latency", "latency the demo portals add to each request", func(c *Config) any { return &c.Demo.Latency }, cmdsPortals},
}

// applyEnv applies DOCKET_* variables. An unknown DOCKET_* variable is an
// error, so a typo does not silently fall back to a default.
func applyEnv(cfg *Config, environ []string) error {
	known := map[string]setting{}
	for _, s := range settings {
		known[s.env()] = s
	}
	var names []string
	vals := map[string]string{}
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "DOCKET_") || name == "DOCKET_CONFIG" || strings.HasPrefix(name, "DOCKET_TEST_") {
			continue
		}
		names = append(names, name)
		vals[name] = val
	}
	sort.Strings(names)
	for _, name := range names {
		s, ok := known[name]
		if !ok {
			return configErrorf("unknown environment variable %s", name)
		}
		if err := s.set(cfg, vals[name]); err != nil {
			return configErrorf("%s: %s: %v", name, s.key, err)
		}
	}
	return nil
}

// validName is what bot and portal names may be: they appear in URLs,
// queue task IDs, metrics labels and file names.
var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

const nameRule = "want lower-case letters, digits, - and _ (at most 63, starting with a letter or digit)"

// validate checks values and fills in the defaults that depend on others.
func (c *Config) validate() error {
	if c.DataDir == "" {
		return configErrorf("data_dir is empty")
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "docket.db")
	}
	if c.EvidenceURL == "" {
		abs, err := filepath.Abs(filepath.Join(c.DataDir, "evidence"))
		if err != nil {
			return configErrorf("data_dir %q: %v", c.DataDir, err)
		}
		c.EvidenceURL = "file://" + abs
	}
	if c.RedisURL != "" {
		if _, err := parseRedisURL(c.RedisURL); err != nil {
			return configErrorf("redis_url %q: %v", redactURL(c.RedisURL), err)
		}
	}
	if _, err := inbox.ParseTrustedProxies(strings.Split(c.TrustedProxies, ",")); err != nil {
		return configErrorf("trusted_proxies %q: %v", c.TrustedProxies, err)
	}
	switch c.LogFormat {
	case "", "json", "console":
	default:
		return configErrorf("log_format %q: want json or console", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return configErrorf("log_level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.Worker.Concurrency < 1 || c.Worker.Concurrency > 64 {
		return configErrorf("worker.concurrency %d: want 1 to 64", c.Worker.Concurrency)
	}
	if c.Worker.RecycleAfter < 1 {
		return configErrorf("worker.recycle_after %d: want at least 1", c.Worker.RecycleAfter)
	}
	if c.Worker.KeepSession < 0 {
		return configErrorf("worker.keep_session must not be negative")
	}
	if c.OutboxRetention <= 0 {
		return configErrorf("outbox_retention must be positive")
	}
	if c.Worker.StepTimeout <= 0 {
		return configErrorf("worker.step_timeout must be positive")
	}
	if c.Demo.Accounts < 1 || c.Demo.Accounts > 100000 {
		return configErrorf("demo.accounts %d: want 1 to 100000", c.Demo.Accounts)
	}
	if c.Demo.Claims < 1 || c.Demo.Claims > 100000 {
		return configErrorf("demo.claims %d: want 1 to 100000", c.Demo.Claims)
	}
	if c.Demo.Malformed < 0 {
		return configErrorf("demo.malformed must not be negative")
	}
	if c.Demo.Latency < 0 {
		return configErrorf("demo.latency must not be negative")
	}
	if c.Politeness.Sessions < 1 || c.Politeness.Sessions > 1000 {
		return configErrorf("politeness.sessions %d: want 1 to 1000", c.Politeness.Sessions)
	}
	if c.Politeness.RequestsPerSecond < 1 || c.Politeness.RequestsPerSecond > 100000 {
		return configErrorf("politeness.requests_per_second %d: want 1 to 100000", c.Politeness.RequestsPerSecond)
	}
	for name, p := range c.Portals {
		if !validName.MatchString(name) {
			return configErrorf("portals: name %q: %s", name, nameRule)
		}
		if p.MaxSessions < 0 || p.MaxSessions > 1000 {
			return configErrorf("portals.%s.max_sessions %d: want 1 to 1000, or 0 for politeness.sessions", name, p.MaxSessions)
		}
		if p.RequestsPerSecond < 0 || p.RequestsPerSecond > 100000 {
			return configErrorf("portals.%s.requests_per_second %d: want 1 to 100000, or 0 for politeness.requests_per_second", name, p.RequestsPerSecond)
		}
		if u, err := url.Parse(p.URL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return configErrorf("portals.%s.url %q: want an http(s) URL", name, p.URL)
		}
		if err := bots.ValidateBlock(p.Block); err != nil {
			return configErrorf("portals.%s.block: %s", name, strings.TrimPrefix(err.Error(), "bots: "))
		}
	}
	seen := map[string]bool{}
	for i, b := range c.Bots {
		if seen[b.Name] {
			return configErrorf("bots[%d]: duplicate name %q", i, b.Name)
		}
		seen[b.Name] = true
		if b.Name != "" && !validName.MatchString(b.Name) {
			return configErrorf("bots[%d]: name %q: %s", i, b.Name, nameRule)
		}
		ob := b.bot()
		if err := ob.Validate(); err != nil {
			return configErrorf("bots[%d]: %s", i, strings.TrimPrefix(err.Error(), orchestrator.ErrInvalid.Error()+": "))
		}
		if ob.Schedule != "" {
			if _, err := tasks.ParseSchedule(ob); err != nil {
				return configErrorf("bots[%d] (%s): schedule %q: want five cron fields (minute hour day month weekday) such as */15 * * * *", i, b.Name, b.Schedule)
			}
		}
		switch b.Evidence {
		case "", orchestrator.EvidenceAll, orchestrator.EvidenceExceptions:
		default:
			return configErrorf("bots[%d] (%s): evidence %q: want all or exceptions", i, b.Name, b.Evidence)
		}
		if _, ok := c.Portals[b.Portal]; !ok {
			return configErrorf("bots[%d] (%s): portal %q is not configured under portals", i, b.Name, b.Portal)
		}
	}
	return nil
}

// bot converts a configured bot, filling its defaults.
func (b BotConfig) bot() orchestrator.Bot {
	ob := orchestrator.Bot{
		Name: b.Name, Kind: b.Kind, Portal: b.Portal, Schedule: b.Schedule, Timezone: b.Timezone,
		MaxRetry: b.MaxRetry, Timeout: b.Timeout, RetryDelay: b.RetryDelay, Enabled: b.Enabled == nil || *b.Enabled,
	}
	if ob.Timezone == "" {
		ob.Timezone = "UTC"
	}
	if ob.MaxRetry == 0 {
		ob.MaxRetry = 3
	}
	if ob.Timeout == 0 {
		ob.Timeout = 10 * time.Minute
	}
	if ob.RetryDelay == 0 {
		ob.RetryDelay = 30 * time.Second
	}
	return ob
}

// bots returns the configured bots by name.
func (c *Config) bots() map[string]orchestrator.Bot {
	m := make(map[string]orchestrator.Bot, len(c.Bots))
	for _, b := range c.Bots {
		m[b.Name] = b.bot()
	}
	return m
}

// targets are the configured portals with the credentials the
// configuration holds (the vault's take precedence, see resolveTargets).
func (c *Config) targets() map[string]bots.Target {
	m := make(map[string]bots.Target, len(c.Portals))
	for name, p := range c.Portals {
		m[name] = bots.Target{Portal: name, BaseURL: p.URL, Username: p.Username, Password: p.Password,
			UserAgent: p.UserAgent, Block: p.Block}
	}
	return m
}

// portalLimits are each configured portal's politeness caps.
func (c *Config) portalLimits() map[string]polite.Limits {
	m := make(map[string]polite.Limits, len(c.Portals))
	for name, p := range c.Portals {
		m[name] = polite.Limits{
			Sessions:          cmp.Or(p.MaxSessions, c.Politeness.Sessions),
			RequestsPerSecond: cmp.Or(p.RequestsPerSecond, c.Politeness.RequestsPerSecond),
		}
	}
	return m
}

// evidencePolicies returns each bot's evidence policy by name.
func (c *Config) evidencePolicies() map[string]string {
	m := make(map[string]string, len(c.Bots))
	for _, b := range c.Bots {
		m[b.Name] = orDefault(b.Evidence, orchestrator.EvidenceAll)
	}
	return m
}

// redactURL hides a URL's passwords (in the user info and in password or
// sentinel_password parameters) so it can be shown in errors and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactUserinfo(raw)
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if q := u.Query(); q.Has("password") || q.Has("sentinel_password") {
		for _, k := range []string{"password", "sentinel_password"} {
			if q.Has(k) {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

var passwordParam = regexp.MustCompile(`([?&](?:sentinel_)?password=)[^&#]*`)

// redactUserinfo hides the passwords of a URL that does not parse.
func redactUserinfo(raw string) string {
	raw = passwordParam.ReplaceAllString(raw, "${1}xxxxx")
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(authority[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// trustedProxies are the parsed trusted_proxies (validated by validate).
func (c *Config) trustedProxies() inbox.TrustedProxies {
	tp, _ := inbox.ParseTrustedProxies(strings.Split(c.TrustedProxies, ","))
	return tp
}
