package bundle

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Ledger is ledger.json: a signed checkpoint of the ledger, the public key
// that checks it, and an inclusion proof for every audit entry, history
// entry and evidence record in the bundle. The key also checks
// manifest.sig, so nobody without the signing key can rewrite the bundle.
type Ledger struct {
	Checkpoint  string      `json:"checkpoint"`   // signed note: "docket ledger", size, root
	VerifierKey string      `json:"verifier_key"` // sumdb note verifier key
	Leaves      []LeafProof `json:"leaves"`
}

// LeafProof proves one record's leaf is in the checkpoint's tree.
type LeafProof struct {
	Kind  string      `json:"kind"`
	Ref   int64       `json:"ref"`
	Index int64       `json:"index"`
	Proof []tlog.Hash `json:"proof"`
}

// Signing is how an export signs: the ledger it proves records against,
// a fresh checkpoint of it, and the key.
type Signing struct {
	Ledger orchestrator.LedgerStore
	// Checkpoint signs the ledger's current tree (and keeps the checkpoint
	// in the evidence store): orchestrator.Checkpointer.Checkpoint.
	Checkpoint  func(ctx context.Context) (tlog.Tree, []byte, error)
	Signer      note.Signer
	VerifierKey string // Signer's public key in note verifier key form
}

func (s Signing) validate() error {
	if s.Ledger == nil || s.Checkpoint == nil || s.Signer == nil || s.VerifierKey == "" {
		return fmt.Errorf("bundle: %w: an export needs the ledger, a checkpoint signer and the key", orchestrator.ErrInvalid)
	}
	v, err := note.NewVerifier(s.VerifierKey)
	if err != nil || v.KeyHash() != s.Signer.KeyHash() || v.Name() != s.Signer.Name() {
		return fmt.Errorf("bundle: %w: the verifier key is not the signer's", orchestrator.ErrInvalid)
	}
	return nil
}

// prove signs a checkpoint and proves every leaf against it.
func (s Signing) prove(ctx context.Context, leaves []orchestrator.LedgerLeaf) (Ledger, error) {
	tree, msg, err := s.Checkpoint(ctx)
	if err != nil {
		return Ledger{}, fmt.Errorf("bundle: %w", err)
	}
	l := Ledger{Checkpoint: string(msg), VerifierKey: s.VerifierKey, Leaves: make([]LeafProof, 0, len(leaves))}
	r := orchestrator.LedgerHashReader(ctx, s.Ledger)
	for _, leaf := range leaves {
		n, err := s.Ledger.LeafIndex(ctx, leaf)
		if err != nil {
			return Ledger{}, fmt.Errorf("bundle: %w", err)
		}
		if n >= tree.N {
			return Ledger{}, fmt.Errorf("bundle: %s is leaf %d, after the checkpoint of %d", leaf, n, tree.N)
		}
		proof, err := tlog.ProveRecord(tree.N, n, r)
		if err != nil {
			return Ledger{}, fmt.Errorf("bundle: prove %s: %w", leaf, err)
		}
		l.Leaves = append(l.Leaves, LeafProof{Kind: leaf.Kind, Ref: leaf.Ref, Index: n, Proof: proof})
	}
	return l, nil
}
