package monitoring

import (
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestRedaction(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	logger := WrapRedacting(zap.New(core)).With(zap.String("MRN", "MRN0012345"))
	logger.Info("read account", zap.String("password", "hunter2"), zap.String("_extra", `{"Subscriber DOB":"1950-01-02"}`), zap.String("patient_name", "Ada Lovelace"),
		zap.String("bot", "coding-holds"), zap.String("account_number", "1004261520"), zap.String("control_number", "PCN77"),
		zap.String("encounter_id", "E123"))

	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1", len(entries))
	}
	for _, f := range entries[0].Context {
		switch f.Key {
		case "MRN", "password", "_extra", "patient_name", "account_number", "control_number", "encounter_id": // the kinds' PHI fields too
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

// TestRedactionOfPackKinds: a PHI field a pack declares at run time is
// redacted from the next line on, and so are the extra fields a page
// showed that no kind declares.
func TestRedactionOfPackKinds(t *testing.T) {
	kinds := orchestrator.NewKindRegistry()
	core, logs := observer.New(zap.DebugLevel)
	logger := WrapRedactingKinds(zap.New(core), kinds)
	line := func() map[string]string {
		logger.Info("read denial", zap.String("insured_id", "INS0042"), zap.String(orchestrator.ExtraKey, `{"remark":"x"}`),
			zap.String("carc", "CO-50"), zap.String("mrn", "M1"))
		all := logs.TakeAll()
		out := map[string]string{}
		for _, f := range all[len(all)-1].Context {
			out[f.Key] = f.String
		}
		return out
	}
	if got := line(); got["insured_id"] != "INS0042" || got[orchestrator.ExtraKey] != Redacted || got["mrn"] != Redacted {
		t.Fatalf("before the pack loads: %v; want insured_id kept, _extra and mrn redacted", got)
	}
	err := kinds.Replace("denials", []orchestrator.RecordKind{{Kind: "payer_denial", Queue: "billing", Key: []string{"claim"},
		Fields: []orchestrator.KindField{{Name: "claim", Type: orchestrator.FieldText, PHI: true},
			{Name: "insured_id", Type: orchestrator.FieldText, PHI: true}, {Name: "carc", Type: orchestrator.FieldCodeList}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := line(); got["insured_id"] != Redacted || got["carc"] != "CO-50" {
		t.Fatalf("after the pack loads: %v; want insured_id redacted, carc kept", got)
	}
}
