package tasks

import (
	"context"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// ServerConfig sets up the asynq server of a worker.
type ServerConfig struct {
	// Concurrency is how many bot runs this worker runs at once; it should
	// equal the browser pool's contexts. Default 1.
	Concurrency int
	// Bots give each run's retry delay by bot name.
	Bots map[string]orchestrator.Bot
	// ShutdownTimeout is how long Shutdown waits for active runs before
	// handing them back to the queue. Default 10 s.
	ShutdownTimeout time.Duration
	Logger          *zap.Logger
}

// NewServer returns an asynq server for bot runs: the bots queue, a retry
// delay taken from each bot's policy and logs through zap.
func NewServer(rdb redis.UniversalClient, cfg ServerConfig) *asynq.Server {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency:     cfg.Concurrency,
		Queues:          map[string]int{QueueBots: 1},
		ShutdownTimeout: cfg.ShutdownTimeout,
		Logger:          asynqLogger{cfg.Logger.Named("asynq").Sugar()},
		LogLevel:        asynq.WarnLevel,
		RetryDelayFunc: func(n int, err error, t *asynq.Task) time.Duration {
			if p, perr := parseBotRun(t); perr == nil {
				if b, ok := cfg.Bots[p.Bot]; ok && b.RetryDelay > 0 {
					return b.RetryDelay
				}
			}
			return asynq.DefaultRetryDelayFunc(n, err, t)
		},
		BaseContext: func() context.Context { return context.Background() },
	})
}

// asynqLogger adapts zap to asynq's Logger.
type asynqLogger struct{ s *zap.SugaredLogger }

func (l asynqLogger) Debug(args ...any) { l.s.Debug(args...) }
func (l asynqLogger) Info(args ...any)  { l.s.Info(args...) }
func (l asynqLogger) Warn(args ...any)  { l.s.Warn(args...) }
func (l asynqLogger) Error(args ...any) { l.s.Error(args...) }
func (l asynqLogger) Fatal(args ...any) { l.s.Error(append([]any{"fatal: "}, args...)...) }
