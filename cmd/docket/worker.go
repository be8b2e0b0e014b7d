package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// startWorker launches the browser pool and the asynq server that runs
// bots. The returned stop drains active runs, then closes the browser.
func (a *app) startWorker(ctx context.Context, st *sqlstore.Store, ev orchestrator.EvidenceStore, rdb redis.UniversalClient) (func(), error) {
	impls, err := botImpls()
	if err != nil {
		return nil, err
	}
	v, err := a.openVault(st, false)
	if err != nil {
		return nil, err
	}
	targets, err := a.resolveTargets(ctx, v)
	if err != nil {
		return nil, err
	}
	pool, err := bots.NewPool(bots.PoolConfig{
		Bin:          a.cfg.Worker.ChromiumPath,
		Contexts:     a.cfg.Worker.Concurrency,
		RecycleAfter: a.cfg.Worker.RecycleAfter,
		StepTimeout:  a.cfg.Worker.StepTimeout,
		DataDir:      filepath.Join(a.cfg.DataDir, "browser"),
		Logger:       a.log.Named("browser"),
		Subreaper:    true, // reap chromium helpers orphaned when a browser exits
		OnRestart:    func(reason string) { a.metrics.BrowserRestarts.WithLabelValues(reason).Inc() },
	})
	if err != nil {
		return nil, err
	}
	if err := pool.Start(ctx); err != nil {
		return nil, err
	}
	a.metrics.BrowserCapacity.Set(float64(a.cfg.Worker.Concurrency))
	runner, err := tasks.NewRunner(tasks.RunnerConfig{
		Store: st, Evidence: ev, Sessions: pool, Metrics: a.metrics, Logger: a.log.Named("runner"),
		Bots: a.cfg.bots(), Impls: impls, Targets: targets, Worker: a.workerName(),
		EvidencePolicy: a.cfg.evidencePolicies(),
	})
	if err != nil {
		pool.Stop()
		return nil, err
	}
	srv := tasks.NewServer(rdb, tasks.ServerConfig{
		Concurrency: a.cfg.Worker.Concurrency, Bots: a.cfg.bots(), Logger: a.log,
	})
	mux := newTaskMux(runner)
	if err := srv.Start(mux); err != nil {
		pool.Stop()
		return nil, fmt.Errorf("start worker: %w", err)
	}
	a.log.Info("worker started", zap.String("worker", a.workerName()), zap.Int("concurrency", a.cfg.Worker.Concurrency))
	return func() {
		srv.Shutdown()
		pool.Stop()
	}, nil
}
