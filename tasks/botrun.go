package tasks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// TypeBotRun is the task that runs one bot once.
const TypeBotRun = "bot:run"

// QueueBots is the asynq queue bot runs are enqueued on.
const QueueBots = "bots"

// RetentionDefault keeps a finished task in Redis so its deterministic
// TaskID still rejects a second enqueue of the same schedule slot.
const RetentionDefault = 24 * time.Hour

// BotRunPayload identifies a run. It carries ids only: never credentials,
// portal data or patient data.
type BotRunPayload struct {
	Bot   string `json:"bot"`
	RunID string `json:"run_id"`
	Slot  string `json:"slot"`
}

func (p BotRunPayload) validate() error {
	if p.Bot == "" || p.RunID == "" || p.Slot == "" {
		return fmt.Errorf("tasks: bot:run payload needs bot, run_id and slot")
	}
	return nil
}

// RunID is the deterministic id of a bot's run for a schedule slot.
func RunID(bot string, slot time.Time) string {
	return bot + "@" + slot.UTC().Format("20060102T150405Z")
}

// ManualRunID is a fresh id for a run started by hand.
func ManualRunID(bot string) string {
	return bot + "@manual-" + uuid.NewString()[:13]
}

// TaskID is the asynq task id of a run, so the queue refuses a duplicate.
func TaskID(runID string) string { return TypeBotRun + ":" + runID }

// NewBotRun builds the task for a run of bot with the bot's explicit retry
// and timeout policy.
func NewBotRun(bot orchestrator.Bot, p BotRunPayload) (*asynq.Task, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: marshal bot:run payload: %w", err)
	}
	return asynq.NewTask(TypeBotRun, payload,
		asynq.TaskID(TaskID(p.RunID)),
		asynq.Queue(QueueBots),
		asynq.MaxRetry(bot.MaxRetry),
		asynq.Timeout(bot.Timeout),
		asynq.Retention(RetentionDefault),
	), nil
}

func parseBotRun(t *asynq.Task) (BotRunPayload, error) {
	var p BotRunPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("tasks: bot:run payload is not JSON: %w", err)
	}
	return p, p.validate()
}
