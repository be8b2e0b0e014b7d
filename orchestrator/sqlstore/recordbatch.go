package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// evidenceChunk bounds the rows of one evidence insert or lookup (13
// parameters a row).
const evidenceChunk = 500

// RecordBatch stores a recorder's batch in one transaction: the evidence
// records first (one lock of the chain, one multi-row insert a chunk),
// then the items as BulkUpsertItems does, and the whole batch's ledger
// leaves in one extension at commit.
func (s *Store) RecordBatch(ctx context.Context, b orchestrator.RecordBatch) (orchestrator.BatchResult, error) {
	for i, e := range b.Evidence {
		if e.SHA256 == "" || e.Kind == "" {
			return orchestrator.BatchResult{}, fmt.Errorf("sqlstore: record batch: evidence %d: %w: record needs a sha256 and a kind", i, orchestrator.ErrInvalid)
		}
		b.Evidence[i].CapturedAt = s.orNow(e.CapturedAt)
	}
	us := make([]orchestrator.ItemUpsert, len(b.Items))
	for i, u := range b.Items {
		if err := validateUpsert(u); err != nil {
			return orchestrator.BatchResult{}, fmt.Errorf("sqlstore: record batch: item %d: %w", i, err)
		}
		if j, ok := orchestrator.PendingEvidenceIndex(u.EvidenceID); ok && j >= len(b.Evidence) {
			return orchestrator.BatchResult{}, fmt.Errorf("sqlstore: record batch: item %d: %w: evidence %d is not in the batch of %d",
				i, orchestrator.ErrInvalid, j, len(b.Evidence))
		}
		u.At = s.orNow(u.At)
		us[i] = u
	}
	res := orchestrator.BatchResult{Items: make([]orchestrator.UpsertResult, len(us))}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if res.Evidence, err = s.appendEvidenceTx(ctx, tx, b.Evidence); err != nil {
			return err
		}
		for i := range us {
			if j, ok := orchestrator.PendingEvidenceIndex(us[i].EvidenceID); ok {
				us[i].EvidenceID = res.Evidence[j].ID
			}
		}
		for _, round := range upsertRounds(us) {
			part := make([]orchestrator.ItemUpsert, len(round))
			out := make([]orchestrator.UpsertResult, len(round))
			for k, i := range round {
				part[k] = us[i]
			}
			for start := 0; start < len(part); start += bulkChunk {
				end := min(start+bulkChunk, len(part))
				if err := s.bulkChunkTx(ctx, tx, part[start:end], out[start:end]); err != nil {
					return err
				}
			}
			for k, i := range round {
				res.Items[i] = out[k]
			}
		}
		if len(us) == 0 {
			return nil
		}
		return s.auditBulk(ctx, tx, us, res.Items)
	})
	if err != nil {
		return orchestrator.BatchResult{}, fmt.Errorf("sqlstore: record a batch of %d items and %d evidence records: %w",
			len(us), len(b.Evidence), translate(err))
	}
	return res, nil
}

// upsertRounds splits items into rounds in which each (portal, external
// id) appears once, keeping input order: the second observation of an
// item goes in the second round, where it sees what the first wrote.
func upsertRounds(us []orchestrator.ItemUpsert) [][]int {
	var rounds [][]int
	seen := map[itemKey]int{} // key → rounds it is in
	for i, u := range us {
		k := itemKey{u.Portal, u.ExternalID}
		r := seen[k]
		seen[k] = r + 1
		if r == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[r] = append(rounds[r], i)
	}
	return rounds
}

type evidenceKey struct{ run, sha, url string }

// appendEvidenceTx chains es after the last record under the chain's lock,
// leaving out (and returning as stored) any record whose run, sha256 and
// URL a stored record or an earlier one of es already has.
func (s *Store) appendEvidenceTx(ctx context.Context, tx *sql.Tx, es []orchestrator.Evidence) ([]orchestrator.Evidence, error) {
	if len(es) == 0 {
		return nil, nil
	}
	if lock := s.d.lockTable("evidence"); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return nil, err
		}
	}
	stored, err := s.storedEvidence(ctx, tx, es)
	if err != nil {
		return nil, err
	}
	id, prev, err := s.chainTail(ctx, tx, `SELECT id, hash FROM evidence ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return nil, err
	}
	out := make([]orchestrator.Evidence, len(es))
	var fresh []orchestrator.Evidence
	for i, e := range es {
		k := evidenceKey{e.RunID, e.SHA256, e.URL}
		if old, ok := stored[k]; ok {
			out[i] = old
			continue
		}
		id++
		e.ID, e.PrevHash = id, prev
		e.Hash = e.ChainHash()
		prev = e.Hash
		stored[k] = e
		out[i] = e
		fresh = append(fresh, e)
	}
	for start := 0; start < len(fresh); start += evidenceChunk {
		part := fresh[start:min(start+evidenceChunk, len(fresh))]
		source, args := s.evidenceRows(part)
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO evidence (`+evidenceColumns+`) `+source), args...); err != nil {
			return nil, err
		}
		for _, e := range part {
			s.logEvidence(tx, e)
		}
	}
	return out, nil
}

// evidenceRows is the row source of a multi-row evidence insert: array
// parameters unnested on PostgreSQL (which plans a long VALUES list
// slowly), a VALUES list on SQLite.
func (s *Store) evidenceRows(es []orchestrator.Evidence) (string, []any) {
	if s.d.name != "postgres" {
		args := make([]any, 0, 13*len(es))
		for _, e := range es {
			args = append(args, e.ID, e.SHA256, e.Kind, e.MediaType, e.Size, e.URL, e.Bot, e.RunID, e.ItemRef,
				e.SelectorVersion, s.d.ts(e.CapturedAt), e.PrevHash, e.Hash)
		}
		row := `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		return `VALUES ` + row + strings.Repeat(", "+row, len(es)-1), args
	}
	n := len(es)
	ids, sizes, at := make([]int64, n), make([]int64, n), make([]time.Time, n)
	texts := make([][]string, 10) // sha256, kind, media_type, url, bot, run_id, item_ref, selector_version, prev_hash, hash
	for i := range texts {
		texts[i] = make([]string, n)
	}
	for j, e := range es {
		ids[j], sizes[j], at[j] = e.ID, e.Size, dbTime(e.CapturedAt)
		for i, v := range []string{e.SHA256, e.Kind, e.MediaType, e.URL, e.Bot, e.RunID, e.ItemRef, e.SelectorVersion, e.PrevHash, e.Hash} {
			texts[i][j] = v
		}
	}
	return `SELECT i, s, k, m, z, u, b, r, ir, sv, t, p, h FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[])
			AS x(i, s, k, m, z, u, b, r, ir, sv, t, p, h)`,
		[]any{ids, texts[0], texts[1], texts[2], sizes, texts[3], texts[4], texts[5], texts[6], texts[7], at, texts[8], texts[9]}
}

// storedEvidence reads the stored records es would duplicate, by run,
// sha256 and URL.
func (s *Store) storedEvidence(ctx context.Context, tx *sql.Tx, es []orchestrator.Evidence) (map[evidenceKey]orchestrator.Evidence, error) {
	byRun := map[string][]string{}
	for _, e := range es {
		byRun[e.RunID] = append(byRun[e.RunID], e.SHA256)
	}
	m := make(map[evidenceKey]orchestrator.Evidence, len(es))
	for run, shas := range byRun {
		for start := 0; start < len(shas); start += evidenceChunk {
			part := shas[start:min(start+evidenceChunk, len(shas))]
			where, args := `WHERE run_id = ? AND sha256 = ANY(?::text[])`, []any{run, part}
			if s.d.name != "postgres" {
				where = `WHERE run_id = ? AND sha256 IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
				args = []any{run}
				for _, sha := range part {
					args = append(args, sha)
				}
			}
			recs, err := s.evidenceListTx(ctx, tx, where, args...)
			if err != nil {
				return nil, err
			}
			for _, e := range recs {
				m[evidenceKey{e.RunID, e.SHA256, e.URL}] = e
			}
		}
	}
	return m, nil
}

func (s *Store) evidenceListTx(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]orchestrator.Evidence, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+evidenceColumns+` FROM evidence `+where), args...)
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
