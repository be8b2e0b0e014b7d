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

// ledgerChunk bounds the rows of one ledger insert (4 parameters a row).
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
// already), computes each leaf's stored hashes from the tree's right edge
// and writes one row per leaf and the new size.
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
	blobs, err := s.leafHashes(ctx, tx, size, data)
	if err != nil {
		return err
	}
	if s.d.name == "postgres" {
		// Four array parameters however many leaves: PostgreSQL plans a
		// long VALUES list slowly.
		ns, kinds, refs := make([]int64, len(leaves)), make([]string, len(leaves)), make([]int64, len(leaves))
		for j, l := range leaves {
			ns[j], kinds[j], refs[j] = size+int64(j), l.Kind, l.Ref
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_leaves (n, kind, ref, hashes)
			SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bytea[])`), ns, kinds, refs, blobs); err != nil {
			return fmt.Errorf("ledger leaves: %w", err)
		}
	} else {
		for start := 0; start < len(leaves); start += ledgerChunk {
			end := min(start+ledgerChunk, len(leaves))
			args := make([]any, 0, 4*(end-start))
			for j := start; j < end; j++ {
				args = append(args, size+int64(j), leaves[j].Kind, leaves[j].Ref, blobs[j])
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO ledger_leaves (n, kind, ref, hashes) VALUES (?, ?, ?, ?)`+
				strings.Repeat(", (?, ?, ?, ?)", end-start-1)), args...); err != nil {
				return fmt.Errorf("ledger leaves: %w", err)
			}
		}
	}
	return s.setLedgerSize(ctx, tx, size+int64(len(leaves)))
}

// lockLedger locks the head row for the rest of tx and reads the size.
func (s *Store) lockLedger(ctx context.Context, tx *sql.Tx) (int64, error) {
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT size FROM ledger_head WHERE id = 1`+s.d.forUpdate).Scan(&size); err != nil {
		return 0, fmt.Errorf("ledger head: %w", err)
	}
	return size, nil
}

func (s *Store) setLedgerSize(ctx context.Context, tx *sql.Tx, size int64) error {
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE ledger_head SET size = ? WHERE id = 1`), size); err != nil {
		return fmt.Errorf("ledger head: %w", err)
	}
	return nil
}

// leafHashes computes the stored hashes of leaves size, size+1, ... (their
// encodings in data), each leaf's concatenated.
func (s *Store) leafHashes(ctx context.Context, tx *sql.Tx, size int64, data [][]byte) ([][]byte, error) {
	r := &txHashes{s: s, ctx: ctx, tx: tx, mem: map[int64]tlog.Hash{}}
	blobs := make([][]byte, len(data))
	for i, d := range data {
		n := size + int64(i)
		hs, err := tlog.StoredHashes(n, d, r)
		if err != nil {
			return nil, fmt.Errorf("ledger hashes of leaf %d: %w", n, err)
		}
		first := tlog.StoredHashIndex(0, n)
		blob := make([]byte, 0, len(hs)*tlog.HashSize)
		for j, h := range hs {
			r.mem[first+int64(j)] = h
			blob = append(blob, h[:]...)
		}
		blobs[i] = blob
	}
	return blobs, nil
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

// readHashes reads stored hashes by index. The hash at level L of
// subtree k was stored with the leaf that completed it, ((k+1)<<L)-1, as
// that leaf's L-th hash. A missing one is an error.
func readHashes(ctx context.Context, s *Store, q querier, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	type at struct {
		leaf  int64
		level int
	}
	where := make([]at, len(indexes))
	var leaves []int64
	seen := map[int64]bool{}
	for i, x := range indexes {
		level, k := tlog.SplitStoredHashIndex(x)
		where[i] = at{(k+1)<<level - 1, level}
		if !seen[where[i].leaf] {
			seen[where[i].leaf] = true
			leaves = append(leaves, where[i].leaf)
		}
	}
	rows, err := q.QueryContext(ctx, s.d.q(`SELECT n, hashes FROM ledger_leaves WHERE n IN (?`+
		strings.Repeat(", ?", len(leaves)-1)+`)`), int64sAny(leaves)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	blobs := make(map[int64][]byte, len(leaves))
	for rows.Next() {
		var (
			n int64
			b []byte
		)
		if err := rows.Scan(&n, &b); err != nil {
			return nil, err
		}
		blobs[n] = b
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, w := range where {
		b := blobs[w.leaf]
		if len(b) < (w.level+1)*tlog.HashSize {
			return nil, fmt.Errorf("ledger hash %d (leaf %d, level %d): %w", indexes[i], w.leaf, w.level, orchestrator.ErrNotFound)
		}
		out[i] = tlog.Hash(b[w.level*tlog.HashSize : (w.level+1)*tlog.HashSize])
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
		blobs, err := s.leafHashes(ctx, tx, size, data)
		if err != nil {
			return err
		}
		for i, b := range blobs {
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE ledger_leaves SET hashes = ? WHERE n = ?`), b, size+int64(i)); err != nil {
				return err
			}
		}
		return s.setLedgerSize(ctx, tx, size+int64(len(blobs)))
	})
	if err != nil {
		return fmt.Errorf("sqlstore: ledger catch-up: %w", err)
	}
	return nil
}
