package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const botColumns = `name, kind, portal, schedule, timezone, max_retry, timeout_ns, retry_delay_ns, enabled`

// UpsertBot creates or replaces a bot's definition by name.
func (s *Store) UpsertBot(ctx context.Context, b orchestrator.Bot) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("sqlstore: upsert bot: %w", err)
	}
	_, err := s.db.ExecContext(ctx, s.d.q(`INSERT INTO bots (`+botColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			kind = excluded.kind, portal = excluded.portal, schedule = excluded.schedule,
			timezone = excluded.timezone, max_retry = excluded.max_retry,
			timeout_ns = excluded.timeout_ns, retry_delay_ns = excluded.retry_delay_ns,
			enabled = excluded.enabled`),
		b.Name, b.Kind, b.Portal, b.Schedule, b.Timezone, b.MaxRetry,
		int64(b.Timeout), int64(b.RetryDelay), b.Enabled)
	if err != nil {
		return fmt.Errorf("sqlstore: upsert bot %s: %w", b.Name, translate(err))
	}
	return nil
}

// Bot returns the bot called name.
func (s *Store) Bot(ctx context.Context, name string) (orchestrator.Bot, error) {
	row := s.db.QueryRowContext(ctx, s.d.q(`SELECT `+botColumns+` FROM bots WHERE name = ?`), name)
	b, err := scanBot(row)
	if err != nil {
		return orchestrator.Bot{}, fmt.Errorf("sqlstore: bot %s: %w", name, translate(err))
	}
	return b, nil
}

// Bots lists every bot by name.
func (s *Store) Bots(ctx context.Context) ([]orchestrator.Bot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+botColumns+` FROM bots ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: bots: %w", err)
	}
	defer rows.Close()
	var bots []orchestrator.Bot
	for rows.Next() {
		b, err := scanBot(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: bots: %w", err)
		}
		bots = append(bots, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: bots: %w", err)
	}
	return bots, nil
}

func scanBot(r rowScanner) (orchestrator.Bot, error) {
	var (
		b                 orchestrator.Bot
		timeout, retryDel int64
	)
	err := r.Scan(&b.Name, &b.Kind, &b.Portal, &b.Schedule, &b.Timezone, &b.MaxRetry, &timeout, &retryDel, &b.Enabled)
	b.Timeout, b.RetryDelay = time.Duration(timeout), time.Duration(retryDel)
	return b, err
}
