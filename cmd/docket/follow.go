package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// How soon and how often docket run asks whether a worker serves the queue.
// A worker's asynq server registers itself when it starts, so two seconds
// is enough for one that is coming up with the run.
const (
	noWorkerGrace = 2 * time.Second
	noWorkerEvery = time.Second
	plainEvery    = 5 * time.Second // at most one progress line this often off a terminal
)

// follower shows a run's progress until it ends: a progress bar on a
// terminal, plain lines otherwise (a log file or a pipe gets no spinner
// frames or carriage returns).
type follower struct {
	out       io.Writer
	tty       bool
	listening func(context.Context) (bool, error) // does any worker serve the run's queue?
}

// follow polls the run until it ends or ctx is done.
func (f follower) follow(ctx context.Context, st orchestrator.Store, id string) (orchestrator.Run, error) {
	show := f.plain()
	if f.tty {
		bar := progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(f.out),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetDescription("waiting for a worker"),
			progressbar.OptionClearOnFinish(),
		)
		defer func() { _ = bar.Finish() }()
		show = func(desc string, records int) {
			bar.Describe(desc)
			_ = bar.Set(records)
		}
	}
	began := time.Now()
	var checked time.Time
	noWorker := false
	return waitRun(ctx, st, id, func(r orchestrator.Run) {
		if r.Status != orchestrator.RunQueued {
			show(fmt.Sprintf("%s: pages %d, records %d", r.Status, r.Pages, r.Records), r.Records)
			return
		}
		if now := time.Now(); now.Sub(began) >= noWorkerGrace && now.Sub(checked) >= noWorkerEvery {
			checked = now
			if ok, err := f.listening(ctx); err == nil {
				noWorker = !ok
			}
		}
		if noWorker {
			show(fmt.Sprintf("queued: no worker is listening on queue %s; start one with `docket worker`", tasks.QueueBots), 0)
			return
		}
		show("queued: waiting for a worker", 0)
	})
}

// plain prints a line when the run's state or what it waits for changes,
// and its progress at most every plainEvery.
func (f follower) plain() func(desc string, records int) {
	var last, lastState string
	var at time.Time
	return func(desc string, _ int) {
		state, _, _ := strings.Cut(desc, ":")
		if desc == last || (state == lastState && state != "queued" && time.Since(at) < plainEvery) {
			return
		}
		fmt.Fprintln(f.out, desc)
		last, lastState, at = desc, state, time.Now()
	}
}

// workerListening asks Redis whether an active asynq server (a docket
// worker or demo) serves queue.
func workerListening(in *asynq.Inspector, queue string) func(context.Context) (bool, error) {
	return func(context.Context) (bool, error) {
		servers, err := in.Servers()
		if err != nil {
			return false, fmt.Errorf("docket: list workers: %w", err)
		}
		for _, s := range servers {
			if _, ok := s.Queues[queue]; ok && s.Status == "active" {
				return true, nil
			}
		}
		return false, nil
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// failureWords is a run's error as people read it on a terminal: in words
// (orchestrator.RunErrorWords) and escaped (the portal's words may hold
// CR, LF, ESC).
func failureWords(bot orchestrator.Bot, msg string) string {
	return orchestrator.EscapeText(orchestrator.RunErrorWords(bot, msg))
}

// failureText is a run's error without the queue's retry marker.
func failureText(msg string) string { return strings.ReplaceAll(msg, ": "+asynq.SkipRetry.Error(), "") }
