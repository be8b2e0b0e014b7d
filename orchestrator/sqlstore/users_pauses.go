package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// SetBotPaused pauses or resumes a bot's schedule; by names who did it.
// Pausing a paused bot keeps the first pause.
func (s *Store) SetBotPaused(ctx context.Context, bot string, paused bool, by string, at time.Time) error {
	var err error
	if paused {
		_, err = s.db.ExecContext(ctx, s.d.q(`INSERT INTO bot_pauses (bot, paused_by, paused_at) VALUES (?, ?, ?)
			ON CONFLICT (bot) DO NOTHING`), bot, by, s.d.ts(s.orNow(at)))
	} else {
		_, err = s.db.ExecContext(ctx, s.d.q(`DELETE FROM bot_pauses WHERE bot = ?`), bot)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: set bot %s paused=%t: %w", bot, paused, err)
	}
	return nil
}

// PausedBots returns the paused bots with when they were paused.
func (s *Store) PausedBots(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT bot, paused_at FROM bot_pauses`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: paused bots: %w", err)
	}
	defer rows.Close()
	paused := map[string]time.Time{}
	for rows.Next() {
		var (
			bot string
			at  time.Time
		)
		if err := rows.Scan(&bot, timeScan{&at}); err != nil {
			return nil, fmt.Errorf("sqlstore: paused bots: %w", err)
		}
		paused[bot] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: paused bots: %w", err)
	}
	return paused, nil
}
