package monitoring

import (
	"fmt"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// LogConfig selects the log format and level.
type LogConfig struct {
	Format string // "json" (default, production) or "console" (demo)
	Level  string // "debug", "info" (default), "warn", "error"
}

// redactedKeys are field names whose values never reach a log: patient
// identifiers and secrets. Matching ignores case.
var redactedKeys = map[string]struct{}{
	"patient": {}, "patient_name": {}, "name": {}, "mrn": {}, "dob": {}, "date_of_birth": {},
	"birth_date": {}, "birthdate": {}, "member_id": {}, "subscriber_id": {},
	"ssn": {}, "password": {}, "secret": {}, "token": {}, "totp": {}, "authorization": {}, "cookie": {},
	"username": {}, "credentials": {}, "api_key": {},
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
	return zc.Build(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return redactCore{c} }))
}

// WrapRedacting returns logger with redaction added (for loggers built
// elsewhere, e.g. in tests with an observer core).
func WrapRedacting(logger *zap.Logger) *zap.Logger {
	return logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return redactCore{c} }))
}

// redactCore replaces the values of sensitive fields before encoding.
type redactCore struct{ zapcore.Core }

func (c redactCore) With(fields []zapcore.Field) zapcore.Core {
	return redactCore{c.Core.With(redact(fields))}
}

func (c redactCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c redactCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	return c.Core.Write(e, redact(fields))
}

func redact(fields []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	for i, f := range fields {
		if _, ok := redactedKeys[strings.ToLower(f.Key)]; !ok {
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
