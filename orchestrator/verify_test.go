package orchestrator

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func evidenceChain(n int) []Evidence {
	recs := make([]Evidence, n)
	prev := ""
	for i := range recs {
		e := Evidence{
			ID: int64(i + 1), SHA256: strings.Repeat("ab", 32), Kind: EvidenceScreenshot, MediaType: "image/png",
			Size: int64(100 + i), URL: "https://portal.example/list?page=" + string(rune('a'+i)), Bot: "coding-holds",
			RunID: "run-1", CapturedAt: time.Date(2026, 11, 28, 5, 0, i, 123456000, time.UTC), PrevHash: prev,
		}
		e.Hash = e.ChainHash()
		prev = e.Hash
		recs[i] = e
	}
	return recs
}

func auditChain(n int) []AuditEntry {
	entries := make([]AuditEntry, n)
	prev := ""
	for i := range entries {
		a := AuditEntry{Seq: int64(i + 1), At: time.Date(2026, 11, 28, 5, 0, i, 0, time.UTC),
			Actor: "system", Action: "run.finished", Subject: "run:r1", PrevHash: prev}
		a.Hash = a.ChainHash()
		prev = a.Hash
		entries[i] = a
	}
	return entries
}

func wantBroken(t *testing.T, err error, id int64, problem string) {
	t.Helper()
	var ce *ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ChainError", err)
	}
	if ce.ID != id || !strings.Contains(ce.Problem, problem) {
		t.Fatalf("broken at %d (%s), want %d (%s)", ce.ID, ce.Problem, id, problem)
	}
}

func TestVerifyEvidenceChain(t *testing.T) {
	t.Parallel()
	if err := VerifyEvidenceChain(evidenceChain(5), ""); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	if err := VerifyEvidenceChain(nil, ""); err != nil {
		t.Fatalf("empty chain: %v", err)
	}
	full := evidenceChain(5)
	if err := VerifyEvidenceChain(full[2:], full[1].Hash); err != nil {
		t.Fatalf("page continuing from its predecessor: %v", err)
	}

	t.Run("edited", func(t *testing.T) {
		recs := evidenceChain(5)
		recs[2].URL = "https://portal.example/other"
		wantBroken(t, VerifyEvidenceChain(recs, ""), 3, "edited")
	})
	t.Run("edited and rehashed", func(t *testing.T) {
		recs := evidenceChain(5)
		recs[2].Size = 1
		recs[2].Hash = recs[2].ChainHash()
		wantBroken(t, VerifyEvidenceChain(recs, ""), 4, "previous hash")
	})
	t.Run("removed", func(t *testing.T) {
		recs := evidenceChain(5)
		recs = append(recs[:2], recs[3:]...)
		wantBroken(t, VerifyEvidenceChain(recs, ""), 4, "follows 2: records missing")
	})
	t.Run("removed first", func(t *testing.T) {
		recs := evidenceChain(3)
		wantBroken(t, VerifyEvidenceChain(recs[1:], ""), 2, "previous hash")
	})
	t.Run("reordered", func(t *testing.T) {
		recs := evidenceChain(5)
		recs[1], recs[2] = recs[2], recs[1]
		wantBroken(t, VerifyEvidenceChain(recs, ""), 3, "follows 1: records missing or out of order")
	})
	t.Run("wrong start", func(t *testing.T) {
		wantBroken(t, VerifyEvidenceChain(evidenceChain(2), "feed"), 1, "previous hash")
	})
}

func TestVerifyAuditChain(t *testing.T) {
	t.Parallel()
	if err := VerifyAuditChain(auditChain(4), ""); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	t.Run("edited", func(t *testing.T) {
		entries := auditChain(4)
		entries[3].Detail = "quietly changed"
		wantBroken(t, VerifyAuditChain(entries, ""), 4, "edited")
	})
	t.Run("removed", func(t *testing.T) {
		entries := auditChain(4)
		wantBroken(t, VerifyAuditChain(append(entries[:1], entries[2:]...), ""), 3, "missing")
	})
	t.Run("reordered", func(t *testing.T) {
		entries := auditChain(4)
		entries[2], entries[3] = entries[3], entries[2]
		wantBroken(t, VerifyAuditChain(entries, ""), 4, "follows 2: records missing or out of order")
	})
	t.Run("error message", func(t *testing.T) {
		entries := auditChain(2)
		entries[0].Actor = "user:mallory"
		err := VerifyAuditChain(entries, "")
		if got := err.Error(); !strings.Contains(got, "audit chain broken at 1") {
			t.Fatalf("message %q does not name the chain and seq", got)
		}
	})
}
