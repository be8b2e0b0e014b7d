package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// EvidenceFor lists records about an item (ItemRef = externalID) or
// captured by one of runIDs, in ID order.
func (s *Store) EvidenceFor(ctx context.Context, externalID string, runIDs []string) ([]orchestrator.Evidence, error) {
	conds := []string{}
	var args []any
	if externalID != "" {
		conds = append(conds, `item_ref = ?`)
		args = append(args, externalID)
	}
	if len(runIDs) > 0 {
		conds = append(conds, `run_id IN (?`+strings.Repeat(", ?", len(runIDs)-1)+`)`)
		for _, r := range runIDs {
			args = append(args, r)
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	recs, err := s.evidenceWhere(ctx, `WHERE `+strings.Join(conds, " OR ")+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: evidence for an item: %w", err)
	}
	return recs, nil
}

// EvidenceSince lists records captured at or after since, in ID order.
func (s *Store) EvidenceSince(ctx context.Context, since time.Time, limit int) ([]orchestrator.Evidence, error) {
	recs, err := s.evidenceWhere(ctx, `WHERE captured_at >= ? ORDER BY id LIMIT ?`, s.d.ts(since), orDefault(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: evidence since %s: %w", since.Format(time.RFC3339), err)
	}
	return recs, nil
}

func (s *Store) evidenceWhere(ctx context.Context, tail string, args ...any) ([]orchestrator.Evidence, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+evidenceColumns+` FROM evidence `+tail), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []orchestrator.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
