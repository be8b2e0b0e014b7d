package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/docket-rpa/docket/orchestrator"
)

type scheduleOp int

const (
	schedPause scheduleOp = iota
	schedResume
	schedRun
)

var errNoRunner = errors.New("this process cannot start runs (no queue connection)")

// findBot looks a bot up in the configuration, then the store.
func (s *Server) findBot(ctx context.Context, name string) (orchestrator.Bot, error) {
	if b, ok := s.cfg.Bots[name]; ok {
		return b, nil
	}
	b, err := s.cfg.Store.Bot(ctx, name)
	if errors.Is(err, orchestrator.ErrNotFound) {
		return orchestrator.Bot{}, fmt.Errorf("%w: %w", orchestrator.ErrNotFound, errUnknownBot)
	}
	return b, err
}

// schedule pauses, resumes or starts a bot and records who did it. It
// returns the run for schedRun.
func (s *Server) schedule(ctx context.Context, p *principal, op scheduleOp, name string) (orchestrator.Run, string, error) {
	b, err := s.findBot(ctx, name)
	if err != nil {
		return orchestrator.Run{}, "", err
	}
	subject := "bot:" + b.Name
	switch op {
	case schedPause, schedResume:
		if err := s.cfg.Schedules.SetBotPaused(ctx, b.Name, op == schedPause, p.Actor(), s.cfg.Now()); err != nil {
			return orchestrator.Run{}, "", err
		}
		action, key := "bot.paused", "paused"
		if op == schedResume {
			action, key = "bot.resumed", "resumed"
		}
		s.auditCtx(ctx, p.User.Name, action, subject, "")
		return orchestrator.Run{}, key, nil
	}
	if s.cfg.Runs == nil {
		return orchestrator.Run{}, "", errNoRunner
	}
	run, err := s.cfg.Runs.EnqueueNow(ctx, b)
	if err != nil {
		return orchestrator.Run{}, "", err
	}
	s.auditCtx(ctx, p.User.Name, "bot.run_requested", subject, "run "+run.ID)
	return run, "started", nil
}

func (s *Server) schedulesPage(w http.ResponseWriter, r *http.Request, p *principal) {
	bots, err := s.botViews(r.Context(), p)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "schedules", view{Title: "Schedules", Nav: "schedules", Flash: flash(r),
		Data: map[string]any{"Bots": bots, "CanRun": s.cfg.Runs != nil}})
}

// confirmPause asks before pausing a bot's schedule: what stops, and what
// goes on.
func (s *Server) confirmPause(w http.ResponseWriter, r *http.Request, p *principal) {
	bots, err := s.botViews(r.Context(), p)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	for _, b := range bots {
		if b.Bot.Name == r.PathValue("bot") {
			if b.Paused {
				http.Redirect(w, r, "/schedules", http.StatusSeeOther)
				return
			}
			s.render(w, r, p, http.StatusOK, "pause", view{Title: "Pause " + b.Bot.Name, Nav: "schedules", Data: map[string]any{"Bot": b}})
			return
		}
	}
	s.fail(w, r, false, fmt.Errorf("%w: %w", orchestrator.ErrNotFound, errUnknownBot))
}

func (s *Server) scheduleAction(op scheduleOp) func(http.ResponseWriter, *http.Request, *principal) {
	return func(w http.ResponseWriter, r *http.Request, p *principal) {
		_, key, err := s.schedule(r.Context(), p, op, r.PathValue("bot"))
		if errors.Is(err, errNoRunner) {
			s.renderStatus(w, r, p, http.StatusServiceUnavailable, err.Error())
			return
		}
		if err != nil {
			s.fail(w, r, false, err)
			return
		}
		http.Redirect(w, r, "/schedules?ok="+key, http.StatusSeeOther)
	}
}

func (s *Server) apiScheduleAction(op scheduleOp) func(http.ResponseWriter, *http.Request, *principal) {
	return func(w http.ResponseWriter, r *http.Request, p *principal) {
		run, _, err := s.schedule(r.Context(), p, op, r.PathValue("bot"))
		if errors.Is(err, errNoRunner) {
			writeJSONError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
			return
		}
		if err != nil {
			s.fail(w, r, true, err)
			return
		}
		if op == schedRun {
			writeJSON(w, http.StatusAccepted, RunStartedJSON{Run: NewRunJSON(run)})
			return
		}
		b, err := s.findBot(r.Context(), r.PathValue("bot"))
		if err != nil {
			s.fail(w, r, true, err)
			return
		}
		writeJSON(w, http.StatusOK, PauseJSON{Bot: b.Name, Paused: op == schedPause})
	}
}
