package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/tlog"
)

// ledgerChunk bounds the rows of one ledger insert (3 parameters a row).
const ledgerChunk = 1000

// leaf is a record waiting to be appended to the ledger when its
// transaction commits.
type leaf struct {
	orchestrator.LedgerLeaf
	data []byte // canonical encoding (LeafData)
}

// pendingLeaves collects each open transaction's leaves. Appending them
// last, just before commit, means the ledger lock is always the last lock
// a transaction takes, so it cannot deadlock with the row and table locks
// taken before it.
type pendingLeaves struct {
	mu sync.Mutex
	tx map[*sql.Tx][]leaf
}

func (p *pendingLeaves) add(tx *sql.Tx, l ...leaf) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tx == nil {
		p.tx = map[*sql.Tx][]leaf{}
	}
	p.tx[tx] = append(p.tx[tx], l...)
}

func (p *pendingLeaves) take(tx *sql.Tx) []leaf {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.tx[tx]
	delete(p.tx, tx)
	return l
}

func (s *Store) logAudit(tx *sql.Tx, a orchestrator.AuditEntry) {
	s.pending.add(tx, leaf{orchestrator.LedgerLeaf{Kind: orchestrator.LeafAudit, Ref: a.Seq}, a.LeafData()})
}

func (s *Store) logEvidence(tx *sql.Tx, e orchestrator.Evidence) {
	s.pending.add(tx, leaf{orchestrator.LedgerLeaf{Kind: orchestrator.LeafEvidence, Ref: e.ID}, e.LeafData()})
}

func (s *Store) logHistory(tx *sql.Tx, h orchestrator.HistoryEntry) {
	s.pending.add(tx, leaf{orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: h.ID}, h.LeafData()})
}

// appendLeaves adds leaves to the ledger within tx: it locks the head row
// (PostgreSQL; SQLite's immediate transaction holds the write lock
// already), computes the new stored hashes from the tree's right edge and
// writes them, the leaves and the new size.
func (s *Store) appendLeaves(ctx context.Context, tx *sql.Tx, leaves []leaf) error {
	if len(leaves) == 0 {
		return nil
	}
	size, err := s.lockLedger(ctx, tx)
	if err != nil {
		return err
	}
	data := make([][]byte, len(leaves))
	for i, l := range leaves {
		data[i] = l.data
	}
	if err := s.storeHashes(ctx, tx, size, data); err != nil {
		return err
	}
	if s.d.name == "postgres" {
		// Three array parameters however many leaves: PostgreSQL plans a
		// long VALUES list slowly.
		ns, kinds, refs := make([]int64, len(leaves)), make([]string, len(leaves)), make([]int64, len(leaves))
		for j, l := range leaves {
			ns[j], kinds[j], refs[j] = size+int64(j), l.Kind, l.Ref
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_leaves (n, kind, ref)
			SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[])`), ns, kinds, refs); err != nil {
			return fmt.Errorf("ledger leaves: %w", err)
		}
		return nil
	}
	for start := 0; start < len(leaves); start += ledgerChunk {
		end := min(start+ledgerChunk, len(leaves))
		args := make([]any, 0, 3*(end-start))
		for j := start; j < end; j++ {
			args = append(args, size+int64(j), leaves[j].Kind, leaves[j].Ref)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_leaves (n, kind, ref) VALUES (?, ?, ?)`+
			strings.Repeat(", (?, ?, ?)", end-start-1)), args...); err != nil {
			return fmt.Errorf("ledger leaves: %w", err)
		}
	}
	return nil
}

// lockLedger locks the head row for the rest of tx and reads the size.
func (s *Store) lockLedger(ctx context.Context, tx *sql.Tx) (int64, error) {
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT size FROM ledger_head WHERE id = 1`+s.d.forUpdate).Scan(&size); err != nil {
		return 0, fmt.Errorf("ledger head: %w", err)
	}
	return size, nil
}

// storeHashes writes the stored hashes of leaves size, size+1, ... (their
// encodings in data) and the new size.
func (s *Store) storeHashes(ctx context.Context, tx *sql.Tx, size int64, data [][]byte) error {
	r := &txHashes{s: s, ctx: ctx, tx: tx, mem: map[int64]tlog.Hash{}}
	var idx []int64
	var hashes []tlog.Hash
	for i, d := range data {
		n := size + int64(i)
		hs, err := tlog.StoredHashes(n, d, r)
		if err != nil {
			return fmt.Errorf("ledger hashes of leaf %d: %w", n, err)
		}
		first := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			r.mem[first+int64(j)] = h
			idx = append(idx, first+int64(j))
			hashes = append(hashes, h)
		}
	}
	if s.d.name == "postgres" {
		raw := make([][]byte, len(hashes))
		for j := range hashes {
			raw[j] = hashes[j][:]
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_hashes (idx, hash)
			SELECT * FROM unnest(?::bigint[], ?::bytea[])`), idx, raw); err != nil {
			return fmt.Errorf("ledger hashes: %w", err)
		}
	}
	for start := 0; s.d.name != "postgres" && start < len(idx); start += ledgerChunk {
		end := min(start+ledgerChunk, len(idx))
		args := make([]any, 0, 2*(end-start))
		for j := start; j < end; j++ {
			args = append(args, idx[j], hashes[j][:])
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`+
			strings.Repeat(", (?, ?)", end-start-1)), args...); err != nil {
			return fmt.Errorf("ledger hashes: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE ledger_head SET size = ? WHERE id = 1`), size+int64(len(data))); err != nil {
		return fmt.Errorf("ledger head: %w", err)
	}
	return nil
}

// txHashes reads stored hashes within a transaction, the ones computed in
// it first.
type txHashes struct {
	s   *Store
	ctx context.Context
	tx  *sql.Tx
	mem map[int64]tlog.Hash
}

func (r *txHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for _, x := range indexes {
		if _, ok := r.mem[x]; !ok {
			missing = append(missing, x)
		}
	}
	if len(missing) > 0 {
		got, err := readHashes(r.ctx, r.s, r.tx, missing)
		if err != nil {
			return nil, err
		}
		for i, x := range missing {
			r.mem[x] = got[i]
		}
	}
	for i, x := range indexes {
		out[i] = r.mem[x]
	}
	return out, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readHashes reads stored hashes by index; a missing one is an error.
func readHashes(ctx context.Context, s *Store, q querier, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, s.d.q(`SELECT idx, hash FROM ledger_hashes WHERE idx IN (?`+
		strings.Repeat(", ?", len(indexes)-1)+`)`), int64sAny(indexes)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var (
			i int64
			b []byte
		)
		if err := rows.Scan(&i, &b); err != nil {
			return nil, err
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("ledger hash %d is %d bytes", i, len(b))
		}
		got[i] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for k, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, fmt.Errorf("ledger hash %d: %w", x, orchestrator.ErrNotFound)
		}
		out[k] = h
	}
	return out, nil
}

// catchUpLedger hashes the leaves migration 00009 listed for the records
// that existed before the ledger (the head's size counts hashed leaves).
// Appends fail until it has run: their leaf numbers are taken.
func (s *Store) catchUpLedger(ctx context.Context) error {
	var size, total int64
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT size FROM ledger_head WHERE id = 1), (SELECT COUNT(*) FROM ledger_leaves)`).Scan(&size, &total)
	if err != nil || total <= size {
		return err
	}
	var data [][]byte
	for from := size; from < total; from += ledgerChunk {
		page, err := s.ledgerEntries(ctx, from, ledgerChunk)
		if err != nil {
			return fmt.Errorf("sqlstore: ledger catch-up: %w", err)
		}
		for _, e := range page {
			if e.Data == nil {
				return fmt.Errorf("sqlstore: ledger catch-up: leaf %d: %s is gone", e.N, e.Leaf)
			}
			data = append(data, e.Data)
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		locked, err := s.lockLedger(ctx, tx)
		if err != nil || locked != size {
			return err // another process caught up meanwhile
		}
		return s.storeHashes(ctx, tx, size, data)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: ledger catch-up: %w", err)
	}
	return nil
}
