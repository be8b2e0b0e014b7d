package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// CheckpointEveryDefault is how often a Checkpointer signs the ledger.
const CheckpointEveryDefault = time.Minute

// CheckpointStore keeps signed checkpoints outside the database (the
// evidence store). Latest gives ErrNotFound when none was written.
type CheckpointStore interface {
	PutCheckpoint(ctx context.Context, size int64, msg []byte) error
	LatestCheckpoint(ctx context.Context) ([]byte, error)
}

// CheckpointerConfig wires a Checkpointer.
type CheckpointerConfig struct {
	Ledger   LedgerStore
	Store    CheckpointStore
	Signer   note.Signer
	Verifier note.Verifier // Signer's verifier
	// Every is the period of Start's loop; default CheckpointEveryDefault.
	Every time.Duration
	// ErrorFunc hears about a failed periodic checkpoint; default none.
	ErrorFunc func(error)
}

// Checkpointer signs the ledger's tree and writes the checkpoint to the
// CheckpointStore, after checking that the tree still extends the latest
// checkpoint there: a database whose logged records were rewritten or cut
// short is refused, not signed over. Safe for concurrent use; several
// processes may run one (ed25519 signatures are deterministic, so two
// signers of the same tree write the same bytes).
type Checkpointer struct {
	cfg CheckpointerConfig

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// NewCheckpointer checks cfg and applies its defaults.
func NewCheckpointer(cfg CheckpointerConfig) (*Checkpointer, error) {
	if cfg.Ledger == nil || cfg.Store == nil || cfg.Signer == nil || cfg.Verifier == nil {
		return nil, fmt.Errorf("orchestrator: checkpointer: %w: needs a ledger, a checkpoint store and a key", ErrInvalid)
	}
	if cfg.Signer.KeyHash() != cfg.Verifier.KeyHash() || cfg.Signer.Name() != cfg.Verifier.Name() {
		return nil, fmt.Errorf("orchestrator: checkpointer: %w: signer and verifier keys differ", ErrInvalid)
	}
	if cfg.Every <= 0 {
		cfg.Every = CheckpointEveryDefault
	}
	if cfg.ErrorFunc == nil {
		cfg.ErrorFunc = func(error) {}
	}
	return &Checkpointer{cfg: cfg}, nil
}

// Latest reads and checks the latest checkpoint in the store; ErrNotFound
// when there is none.
func Latest(ctx context.Context, st CheckpointStore, v note.Verifier) (tlog.Tree, []byte, error) {
	msg, err := st.LatestCheckpoint(ctx)
	if err != nil {
		return tlog.Tree{}, nil, err
	}
	t, err := OpenCheckpoint(msg, v)
	return t, msg, err
}

// Checkpoint signs the current tree unless the latest checkpoint already
// covers it, and returns the checkpoint now latest.
func (c *Checkpointer) Checkpoint(ctx context.Context) (tlog.Tree, []byte, error) {
	prev, prevMsg, err := Latest(ctx, c.cfg.Store, c.cfg.Verifier)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return tlog.Tree{}, nil, fmt.Errorf("orchestrator: checkpoint: %w", err)
	}
	cur, err := c.cfg.Ledger.LedgerTree(ctx)
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("orchestrator: checkpoint: %w", err)
	}
	if cur.N < prev.N {
		return tlog.Tree{}, nil, &LedgerError{"tree", fmt.Sprintf("holds %d records, fewer than the %d of the latest checkpoint (truncated): not signed", cur.N, prev.N)}
	}
	if prev.N > 0 {
		old, err := tlog.TreeHash(prev.N, LedgerHashReader(ctx, c.cfg.Ledger))
		if err != nil {
			return tlog.Tree{}, nil, fmt.Errorf("orchestrator: checkpoint: %w", err)
		}
		if old != prev.Hash {
			return tlog.Tree{}, nil, &LedgerError{fmt.Sprintf("leaves 0 to %d", prev.N-1), "do not hash to the latest checkpoint's root (rewritten): not signed"}
		}
	}
	if prevMsg != nil && cur.N == prev.N {
		return prev, prevMsg, nil
	}
	msg, err := SignCheckpoint(c.cfg.Signer, cur)
	if err != nil {
		return tlog.Tree{}, nil, err
	}
	if err := c.cfg.Store.PutCheckpoint(ctx, cur.N, msg); err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("orchestrator: checkpoint: %w", err)
	}
	return cur, msg, nil
}

// Start signs a checkpoint now and then every period until Stop or ctx
// ends; Stop signs a last one.
func (c *Checkpointer) Start(ctx context.Context) error {
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(c.cfg.Every)
		defer t.Stop()
		for {
			if _, _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				c.cfg.ErrorFunc(err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// Stop ends the loop, waits for it and signs a last checkpoint (with its
// own short deadline); calling it again does nothing.
func (c *Checkpointer) Stop() {
	c.once.Do(func() {
		if c.cancel == nil {
			return
		}
		c.cancel()
		<-c.done
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, _, err := c.Checkpoint(ctx); err != nil {
			c.cfg.ErrorFunc(err)
		}
	})
}
