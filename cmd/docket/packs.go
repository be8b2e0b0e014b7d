package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/monitoring"
)

// openPacks loads the portal packs once per process: the built-in ones
// and packs_dir's, whose record kinds join the process's KindRegistry.
// With watch, packs_dir is watched (every few seconds, and on SIGHUP)
// until ctx ends: a changed pack replaces the running one only after it
// loads and lints cleanly; a bad edit is logged and counted
// (docket_pack_load_errors_total) and the last good version keeps running.
func (a *app) openPacks(ctx context.Context, watch bool) (*flow.Library, error) {
	if a.packs != nil {
		return a.packs, nil
	}
	pm, err := monitoring.NewPackMetrics(a.reg)
	if err != nil {
		return nil, err
	}
	log := a.log.Named("packs")
	lib, err := flow.NewLibrary(flow.LibraryConfig{
		Dir: a.cfg.PacksDir, Kinds: a.kinds,
		OnLoad: func(pack, version string) {
			pm.Loaded(pack, version)
			log.Info("pack loaded", zap.String("pack", pack), zap.String("version", version))
		},
		OnError: func(pack string, err error) {
			pm.LoadErrors.WithLabelValues(pack).Inc()
			// Findings name files, lines and steps; never page data.
			log.Error("pack not loaded; the last good version keeps running", zap.String("pack", pack), zap.Error(err))
		},
	})
	if err != nil {
		return nil, &ConfigError{Msg: "packs_dir: " + err.Error()}
	}
	a.packs = lib
	if watch && a.cfg.PacksDir != "" {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		reload := make(chan struct{}, 1)
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-wctx.Done():
					return
				case <-hup:
					select {
					case reload <- struct{}{}:
					default:
					}
				}
			}
		}()
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			lib.Watch(wctx, 0, reload)
		}()
		a.onClose(func() {
			signal.Stop(hup)
			cancel()
			<-done
			<-watched
		})
	}
	return lib, nil
}
