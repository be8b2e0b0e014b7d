package monitoring

import (
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// LogConfig selects the log format and level.
type LogConfig struct {
	Format string // "json" (default, production) or "console" (demo)
	Level  string // "debug", "info" (default), "warn", "error"
	// Kinds, when set, adds the PHI fields of the record kinds it holds at
	// the time of each log line (the packs' kinds) and their extra fields
	// (orchestrator.ExtraKey) to what is redacted. Default: the built-in
	// kinds' fields only.
	Kinds *orchestrator.KindRegistry
}

// redactedKeys are field names whose values never reach a log: the PHI
// fields every built-in record kind declares (orchestrator.BuiltinKinds),
// a record's extra fields (orchestrator.ExtraKey), other patient
// identifiers and secrets. Matching ignores case. LogConfig.Kinds adds the
// packs' kinds.
func redactedKeys() map[string]struct{} {
	keys := map[string]struct{}{}
	for _, k := range append(orchestrator.PHIFieldNames(), orchestrator.ExtraKey,
		"patient", "name", "dob", "birth_date", "birthdate", "subscriber_id", "ssn", "account", "claim",
		"password", "secret", "token", "totp", "authorization", "cookie", "username", "credentials", "api_key") {
		keys[strings.ToLower(k)] = struct{}{}
	}
	return keys
}

// Redacted is what a redacted field's value becomes.
const Redacted = "[redacted]"

// NewLogger builds a zap logger whose every field passes through redaction.
func NewLogger(cfg LogConfig) (*zap.Logger, error) {
	level := zapcore.InfoLevel
	if cfg.Level != "" {
		if err := level.UnmarshalText([]byte(cfg.Level)); err != nil {
			return nil, fmt.Errorf("monitoring: log level %q: want debug, info, warn or error", cfg.Level)
		}
	}
	var zc zap.Config
	switch cfg.Format {
	case "", "json":
		zc = zap.NewProductionConfig()
	case "console":
		zc = zap.NewDevelopmentConfig()
		zc.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
	default:
		return nil, fmt.Errorf("monitoring: log format %q: want json or console", cfg.Format)
	}
	zc.Level = zap.NewAtomicLevelAt(level)
	zc.DisableStacktrace = true
	zc.Sampling = nil
	keys := redactedKeys()
	return zc.Build(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return redactCore{c, keys, cfg.Kinds} }))
}

// WrapRedacting returns logger with redaction added (for loggers built
// elsewhere, e.g. in tests with an observer core).
func WrapRedacting(logger *zap.Logger) *zap.Logger {
	return WrapRedactingKinds(logger, nil)
}

// WrapRedactingKinds is WrapRedacting that also redacts the PHI fields of
// the kinds kinds holds at the time of each line (LogConfig.Kinds).
func WrapRedactingKinds(logger *zap.Logger, kinds *orchestrator.KindRegistry) *zap.Logger {
	keys := redactedKeys()
	return logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return redactCore{c, keys, kinds} }))
}

// redactCore replaces the values of sensitive fields before encoding.
type redactCore struct {
	zapcore.Core
	keys  map[string]struct{}
	kinds *orchestrator.KindRegistry // nil: the built-in kinds only
}

func (c redactCore) With(fields []zapcore.Field) zapcore.Core {
	return redactCore{c.Core.With(c.redact(fields)), c.keys, c.kinds}
}

// sensitive reports whether a field of this name never reaches a log.
func (c redactCore) sensitive(key string) bool {
	if _, ok := c.keys[strings.ToLower(key)]; ok {
		return true
	}
	return c.kinds != nil && c.kinds.IsPHIName(key)
}

func (c redactCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c redactCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	return c.Core.Write(e, c.redact(fields))
}

func (c redactCore) redact(fields []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	for i, f := range fields {
		if !c.sensitive(f.Key) {
			continue
		}
		if out == nil {
			out = append([]zapcore.Field(nil), fields...)
		}
		out[i] = zap.String(f.Key, Redacted)
	}
	if out == nil {
		return fields
	}
	return out
}
