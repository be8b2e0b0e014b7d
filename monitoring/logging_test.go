package monitoring

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestRedaction(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	logger := WrapRedacting(zap.New(core)).With(zap.String("MRN", "MRN0012345"))
	logger.Info("read account", zap.String("password", "hunter2"), zap.String("patient_name", "Ada Lovelace"),
		zap.String("bot", "coding-holds"), zap.String("account_number", "1004261520"), zap.String("control_number", "PCN77"),
		zap.String("encounter_id", "E123"))

	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1", len(entries))
	}
	for _, f := range entries[0].Context {
		switch f.Key {
		case "MRN", "password", "patient_name", "account_number", "control_number", "encounter_id": // the kinds' PHI fields too
			if f.String != Redacted {
				t.Errorf("field %s = %q, want redacted", f.Key, f.String)
			}
		case "bot":
			if f.String != "coding-holds" {
				t.Errorf("bot = %q", f.String)
			}
		}
	}
}

func TestNewLoggerRejectsBadConfig(t *testing.T) {
	if _, err := NewLogger(LogConfig{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Fatalf("bad format: err = %v", err)
	}
	if _, err := NewLogger(LogConfig{Level: "loud"}); err == nil || !strings.Contains(err.Error(), "loud") {
		t.Fatalf("bad level: err = %v", err)
	}
}
