package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

const auditColumns = `seq, at, actor, action, subject, detail, prev_hash, hash`

// AppendAudit assigns the entry the next Seq, PrevHash and Hash and stores
// it. At defaults to now and is kept to microseconds before hashing.
func (s *Store) AppendAudit(ctx context.Context, a orchestrator.AuditEntry) (orchestrator.AuditEntry, error) {
	if a.Actor == "" || a.Action == "" {
		return orchestrator.AuditEntry{}, fmt.Errorf("sqlstore: append audit: %w: entry needs an actor and an action", orchestrator.ErrInvalid)
	}
	a.At = s.orNow(a.At)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if lock := s.d.lockTable("audit_log"); lock != "" {
			if _, err := tx.ExecContext(ctx, lock); err != nil {
				return err
			}
		}
		var err error
		a.Seq, a.PrevHash, err = s.chainTail(ctx, tx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`)
		if err != nil {
			return err
		}
		a.Seq++
		a.Hash = a.ChainHash()
		_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			a.Seq, s.d.ts(a.At), a.Actor, a.Action, a.Subject, a.Detail, a.PrevHash, a.Hash)
		return err
	})
	if err != nil {
		return orchestrator.AuditEntry{}, fmt.Errorf("sqlstore: append audit %s by %s: %w", a.Action, a.Actor, translate(err))
	}
	return a, nil
}

// AuditLog lists entries with Seq > afterSeq in order; limit <= 0 means
// listLimitDefault.
func (s *Store) AuditLog(ctx context.Context, afterSeq int64, limit int) ([]orchestrator.AuditEntry, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+auditColumns+` FROM audit_log
		WHERE seq > ? ORDER BY seq LIMIT ?`), afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit log after %d: %w", afterSeq, err)
	}
	defer rows.Close()
	var entries []orchestrator.AuditEntry
	for rows.Next() {
		var a orchestrator.AuditEntry
		if err := rows.Scan(&a.Seq, timeScan{&a.At}, &a.Actor, &a.Action, &a.Subject, &a.Detail, &a.PrevHash, &a.Hash); err != nil {
			return nil, fmt.Errorf("sqlstore: audit log after %d: %w", afterSeq, err)
		}
		entries = append(entries, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: audit log after %d: %w", afterSeq, err)
	}
	return entries, nil
}
