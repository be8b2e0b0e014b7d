package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

const evidenceColumns = `id, sha256, kind, media_type, size, url, bot, run_id, item_ref,
	selector_version, captured_at, prev_hash, hash`

// AppendEvidence assigns the record the next ID, PrevHash and Hash and
// stores it. A record with the same RunID, SHA256 and URL as a stored one
// is not stored again; the stored one is returned. CapturedAt defaults to
// now and is kept to microseconds before hashing, so the hash still holds
// after a round trip through the database.
func (s *Store) AppendEvidence(ctx context.Context, e orchestrator.Evidence) (orchestrator.Evidence, error) {
	if e.SHA256 == "" || e.Kind == "" {
		return orchestrator.Evidence{}, fmt.Errorf("sqlstore: append evidence: %w: record needs a sha256 and a kind", orchestrator.ErrInvalid)
	}
	e.CapturedAt = s.orNow(e.CapturedAt)
	var stored orchestrator.Evidence
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if lock := s.d.lockTable("evidence"); lock != "" {
			if _, err := tx.ExecContext(ctx, lock); err != nil {
				return err
			}
		}
		var err error
		stored, err = scanEvidence(tx.QueryRowContext(ctx, s.d.q(`SELECT `+evidenceColumns+` FROM evidence
			WHERE run_id = ? AND sha256 = ? AND url = ?`), e.RunID, e.SHA256, e.URL))
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		e.ID, e.PrevHash, err = s.chainTail(ctx, tx, `SELECT id, hash FROM evidence ORDER BY id DESC LIMIT 1`)
		if err != nil {
			return err
		}
		e.ID++
		e.Hash = e.ChainHash()
		_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO evidence (`+evidenceColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.ID, e.SHA256, e.Kind, e.MediaType, e.Size, e.URL, e.Bot, e.RunID, e.ItemRef,
			e.SelectorVersion, s.d.ts(e.CapturedAt), e.PrevHash, e.Hash)
		if err != nil {
			return err
		}
		s.logEvidence(tx, e)
		stored = e
		return nil
	})
	if err != nil {
		return orchestrator.Evidence{}, fmt.Errorf("sqlstore: append evidence %s for run %s: %w", e.SHA256, e.RunID, translate(err))
	}
	return stored, nil
}

// chainTail reads the last record of a chained table: its id (or seq) and
// hash, zero and "" when the table is empty.
func (s *Store) chainTail(ctx context.Context, tx *sql.Tx, query string) (int64, string, error) {
	var (
		id   int64
		hash string
	)
	err := tx.QueryRowContext(ctx, query).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, hash, err
}

// Evidence returns the record with id.
func (s *Store) Evidence(ctx context.Context, id int64) (orchestrator.Evidence, error) {
	e, err := scanEvidence(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+evidenceColumns+` FROM evidence WHERE id = ?`), id))
	if err != nil {
		return orchestrator.Evidence{}, fmt.Errorf("sqlstore: evidence %d: %w", id, translate(err))
	}
	return e, nil
}

// EvidenceChain lists records with ID > afterID in ID order; limit <= 0
// means listLimitDefault.
func (s *Store) EvidenceChain(ctx context.Context, afterID int64, limit int) ([]orchestrator.Evidence, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	recs, err := s.evidenceList(ctx, `WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: evidence chain after %d: %w", afterID, err)
	}
	return recs, nil
}

// RunEvidence lists a run's records in ID order.
func (s *Store) RunEvidence(ctx context.Context, runID string) ([]orchestrator.Evidence, error) {
	recs, err := s.evidenceList(ctx, `WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: evidence of run %s: %w", runID, err)
	}
	return recs, nil
}

func (s *Store) evidenceList(ctx context.Context, where string, args ...any) ([]orchestrator.Evidence, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+evidenceColumns+` FROM evidence `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []orchestrator.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, e)
	}
	return recs, rows.Err()
}

func scanEvidence(r rowScanner) (orchestrator.Evidence, error) {
	var e orchestrator.Evidence
	err := r.Scan(&e.ID, &e.SHA256, &e.Kind, &e.MediaType, &e.Size, &e.URL, &e.Bot, &e.RunID, &e.ItemRef,
		&e.SelectorVersion, timeScan{&e.CapturedAt}, &e.PrevHash, &e.Hash)
	return e, err
}
