package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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
		var err error
		a, err = s.appendAuditTx(ctx, tx, a)
		return err
	})
	if err != nil {
		return orchestrator.AuditEntry{}, fmt.Errorf("sqlstore: append audit %s by %s: %w", a.Action, a.Actor, translate(err))
	}
	return a, nil
}

// appendAuditTx chains and stores a within tx, so a change and its audit
// entry commit or roll back together. It locks the audit table for the
// rest of tx: callers do it last.
func (s *Store) appendAuditTx(ctx context.Context, tx *sql.Tx, a orchestrator.AuditEntry) (orchestrator.AuditEntry, error) {
	a.At = s.orNow(a.At)
	if lock := s.d.lockTable("audit_log"); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return a, err
		}
	}
	var err error
	a.Seq, a.PrevHash, err = s.chainTail(ctx, tx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return a, err
	}
	a.Seq++
	a.Hash = a.ChainHash()
	_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		a.Seq, s.d.ts(a.At), a.Actor, a.Action, a.Subject, a.Detail, a.PrevHash, a.Hash)
	if err == nil {
		s.logAudit(tx, a)
	}
	return a, err
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

// AuditFor lists the entries on subject or under it (subject + "/..."), or
// every entry when subject is "", with At >= since (zero: all), in Seq
// order; limit <= 0 means listLimitDefault.
func (s *Store) AuditFor(ctx context.Context, subject string, since time.Time, limit int) ([]orchestrator.AuditEntry, error) {
	var w where
	if subject != "" {
		lo, hi := prefixRange(subject + "/")
		c := s.d.byteOrder
		w.add(`(subject = ? OR (subject`+c+` >= ? AND subject`+c+` < ?))`, subject, lo, hi)
	}
	if !since.IsZero() {
		w.add(`at >= ?`, s.d.ts(since))
	}
	if limit <= 0 {
		limit = listLimitDefault
	}
	entries, err := s.auditQuery(ctx, w.sql()+` ORDER BY seq LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit for %q since %s: %w", subject, since.Format(time.RFC3339), err)
	}
	return entries, nil
}

func (s *Store) auditQuery(ctx context.Context, tail string, args ...any) ([]orchestrator.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+auditColumns+` FROM audit_log`+tail), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []orchestrator.AuditEntry
	for rows.Next() {
		var a orchestrator.AuditEntry
		if err := rows.Scan(&a.Seq, timeScan{&a.At}, &a.Actor, &a.Action, &a.Subject, &a.Detail, &a.PrevHash, &a.Hash); err != nil {
			return nil, err
		}
		entries = append(entries, a)
	}
	return entries, rows.Err()
}
