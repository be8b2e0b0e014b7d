package monitoring

import (
	"context"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// BotInfo is what the bot state collector knows of a configured bot.
type BotInfo struct {
	Name    string
	Enabled bool
	// Interval is the time between two schedule slots; 0 for a bot that
	// only runs by hand.
	Interval time.Duration
}

// BotStateConfig configures the bot state collector.
type BotStateConfig struct {
	StoreCollectorConfig
	Bots []BotInfo
	// Runs lists a bot's runs newest first, usually Store.Runs.
	Runs func(ctx context.Context, bot string, limit int) ([]orchestrator.Run, error)
	// History is how many recent runs of a bot are read. Default 200.
	History int
}

// botStateCollector reports each bot's state from the system of record,
// so it holds across workers and restarts: consecutive failed runs, when
// its last run succeeded or failed, and its schedule interval (which the
// "no successful run within N intervals" alert divides by).
type botStateCollector struct {
	cfg      BotStateConfig
	snap     *snapshot[[]botState]
	consec   *prometheus.Desc
	lastEnd  *prometheus.Desc
	interval *prometheus.Desc
	enabled  *prometheus.Desc
	active   *prometheus.Desc
	errD     *prometheus.Desc
}

type botState struct {
	info        BotInfo
	consecutive int
	last        map[orchestrator.RunStatus]time.Time
	active      int
}

// NewBotStateCollector returns the bot state collector.
func NewBotStateCollector(cfg BotStateConfig) prometheus.Collector {
	cfg.StoreCollectorConfig = cfg.StoreCollectorConfig.withDefaults()
	if cfg.History <= 0 {
		cfg.History = 200
	}
	b := []string{"bot"}
	return &botStateCollector{
		cfg:  cfg,
		snap: newSnapshot[[]botState](cfg.TTL, cfg.Now),
		consec: prometheus.NewDesc("docket_bot_consecutive_failures",
			"Runs of the bot that failed in a row, newest first, from the system of record; 0 after a success.", b, nil),
		lastEnd: prometheus.NewDesc("docket_bot_last_run_end_timestamp_seconds",
			"Unix time the bot's last run with this status (succeeded, failed) ended, from the system of record.",
			[]string{"bot", "status"}, nil),
		interval: prometheus.NewDesc("docket_bot_schedule_interval_seconds",
			"Time between two schedule slots of the bot; 0 when it runs only by hand.", b, nil),
		enabled: prometheus.NewDesc("docket_bot_enabled", "1 when the bot is enabled.", b, nil),
		active: prometheus.NewDesc("docket_bot_runs_open",
			"Runs of the bot queued, running or waiting for a retry.", b, nil),
		errD: scrapeErrorDesc("bots"),
	}
}

func (c *botStateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.consec, c.lastEnd, c.interval, c.enabled, c.active, c.errD} {
		ch <- d
	}
}

func (c *botStateCollector) Collect(ch chan<- prometheus.Metric) {
	states, err := c.snap.get(c.read)
	ch <- prometheus.MustNewConstMetric(c.errD, prometheus.GaugeValue, errFloat(err))
	if err != nil {
		return
	}
	for _, s := range states {
		n := s.info.Name
		ch <- prometheus.MustNewConstMetric(c.consec, prometheus.GaugeValue, float64(s.consecutive), n)
		ch <- prometheus.MustNewConstMetric(c.interval, prometheus.GaugeValue, s.info.Interval.Seconds(), n)
		ch <- prometheus.MustNewConstMetric(c.enabled, prometheus.GaugeValue, boolFloat(s.info.Enabled), n)
		ch <- prometheus.MustNewConstMetric(c.active, prometheus.GaugeValue, float64(s.active), n)
		for _, st := range []orchestrator.RunStatus{orchestrator.RunSucceeded, orchestrator.RunFailed} {
			if at, ok := s.last[st]; ok {
				ch <- prometheus.MustNewConstMetric(c.lastEnd, prometheus.GaugeValue, float64(at.Unix()), n, string(st))
			}
		}
	}
}

func (c *botStateCollector) read() ([]botState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	var out []botState
	for _, b := range c.cfg.Bots {
		runs, err := c.cfg.Runs(ctx, b.Name, c.cfg.History)
		if err != nil {
			return nil, err
		}
		s := botState{info: b, last: map[orchestrator.RunStatus]time.Time{}}
		streak := true
		for _, r := range runs {
			if !r.Status.Done() {
				s.active++
				continue
			}
			if at, ok := s.last[r.Status]; !ok || r.FinishedAt.After(at) {
				s.last[r.Status] = r.FinishedAt
			}
			if streak && r.Status == orchestrator.RunFailed {
				s.consecutive++
			} else {
				streak = false
			}
		}
		out = append(out, s)
	}
	return out, nil
}
