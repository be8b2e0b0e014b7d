package evidence

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Where signed ledger checkpoints live in the bucket: one object per tree
// size (kept, so older checkpoints can be compared with later ones) and
// the latest one.
const (
	checkpointPrefix = "ledger/checkpoints/"
	checkpointLatest = "ledger/checkpoint"
)

var _ orchestrator.CheckpointStore = (*Store)(nil)

// CheckpointKey is where the checkpoint of a tree of size n is kept.
func CheckpointKey(n int64) string { return fmt.Sprintf("%s%020d", checkpointPrefix, n) }

// CheckpointLatestKey is where the latest checkpoint is kept.
const CheckpointLatestKey = checkpointLatest

// PutCheckpoint stores a signed checkpoint of a tree of size n and makes
// it the latest.
func (s *Store) PutCheckpoint(ctx context.Context, n int64, msg []byte) error {
	for _, key := range []string{CheckpointKey(n), checkpointLatest} {
		if err := s.bucket.WriteAll(ctx, key, msg, &blob.WriterOptions{ContentType: "text/plain; charset=utf-8", BeforeWrite: privateFile}); err != nil {
			return fmt.Errorf("evidence: write checkpoint %s to %s: %w", key, s.addr, err)
		}
	}
	return nil
}

// LatestCheckpoint reads the latest signed checkpoint; none wraps
// orchestrator.ErrNotFound.
func (s *Store) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	msg, err := s.bucket.ReadAll(ctx, checkpointLatest)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("evidence: no ledger checkpoint in %s: %w", s.addr, orchestrator.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: read checkpoint from %s: %w", s.addr, err)
	}
	return msg, nil
}
