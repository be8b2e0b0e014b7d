package tasks

import (
	"context"
	"fmt"
)

// pruneBatch bounds the messages one delete takes, so pruning a large
// backlog holds no long lock.
const pruneBatch = 1000

// PruneOnce deletes the messages sent longer ago than the retention, a
// batch at a time, and returns how many it deleted. Unsent messages stay
// whatever their age (the outbox age alert tells of them).
func (d *Dispatcher) PruneOnce(ctx context.Context) (int, error) {
	before := d.cfg.Now().Add(-d.cfg.Retention)
	total := 0
	for {
		n, err := d.cfg.Store.PruneOutbox(ctx, before, pruneBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("tasks: prune outbox: %w", err)
		}
		if n < pruneBatch {
			return total, nil
		}
	}
}
