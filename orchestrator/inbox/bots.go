package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// BotView is a bot with its last run and whether its schedule is paused.
type BotView struct {
	Bot      orchestrator.Bot  `json:"bot"`
	Paused   bool              `json:"paused"`
	PausedAt time.Time         `json:"paused_at,omitzero"`
	LastRun  *orchestrator.Run `json:"last_run,omitempty"`
	// LastError is the most recent of the bot's recent runs that has an
	// error, and LastErrorEvidence that run's last evidence record (what
	// the bot saw when it failed); 0 when there is none.
	LastError         *orchestrator.Run `json:"last_error,omitempty"`
	LastErrorEvidence int64             `json:"last_error_evidence_id,omitempty"`
	// Health over the recent runs (at most lastErrorScan): how many
	// ended, how many of those succeeded, the last that succeeded, and a
	// run that has not ended (queued, running or retrying), newest.
	Finished, Succeeded int
	LastSuccess         *orchestrator.Run
	Active              *orchestrator.Run
	// NextRun is when the schedule fires next (zero: manual, disabled or
	// paused); Schedule is the schedule in words.
	NextRun   time.Time
	NextRunIn string // "in 12m"
	Schedule  string
}

// SuccessRate is the share of the recent finished runs that succeeded,
// in whole percent ("—" with none finished).
func (v BotView) SuccessRate() string {
	if v.Finished == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", v.Succeeded*100/v.Finished)
}

// health fills the run statistics of v from its recent runs, newest
// first.
func (v *BotView) health(runs []orchestrator.Run) {
	for i := range runs {
		r := &runs[i]
		switch {
		case r.Status == orchestrator.RunSucceeded:
			v.Finished++
			v.Succeeded++
			if v.LastSuccess == nil {
				v.LastSuccess = r
			}
		case r.Status == orchestrator.RunFailed:
			v.Finished++
		case v.Active == nil:
			v.Active = r
		}
	}
}

// lastErrorScan is how many recent runs are searched for the last error.
const lastErrorScan = 20

// botViews lists the configured and stored bots by name, as p may see
// them.
func (s *Server) botViews(ctx context.Context, p *principal) ([]BotView, error) {
	byName := map[string]orchestrator.Bot{}
	stored, err := s.cfg.Store.Bots(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range stored {
		byName[b.Name] = b
	}
	for name, b := range s.cfg.Bots {
		byName[name] = b
	}
	paused, err := s.cfg.Schedules.PausedBots(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BotView, 0, len(byName))
	for name, b := range byName {
		v := BotView{Bot: b}
		v.PausedAt, v.Paused = paused[name]
		runs, err := s.cfg.Store.Runs(ctx, name, lastErrorScan)
		if err != nil {
			return nil, err
		}
		for i := range runs {
			if runs[i].Error == "" {
				continue
			}
			ev, err := s.cfg.Store.RunEvidence(ctx, runs[i].ID)
			if err != nil {
				return nil, err
			}
			if len(ev) > 0 {
				v.LastErrorEvidence = ev[len(ev)-1].ID
			}
			runs[i] = runFor(p, runs[i], evidenceRefs(ev)...)
			v.LastError = &runs[i]
			break
		}
		// runs[0], when it failed, is the last error, masked above.
		if len(runs) > 0 {
			v.LastRun = &runs[0]
		}
		v.health(runs)
		v.Schedule = CronWords(b.Schedule, b.Timezone)
		if b.Enabled && !v.Paused {
			if v.NextRun = nextFire(b.Schedule, b.Timezone, s.cfg.Now()); !v.NextRun.IsZero() {
				v.NextRunIn = humanDuration(v.NextRun.Sub(s.cfg.Now()))
			}
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bot.Name < out[j].Bot.Name })
	return out, nil
}

type botsView struct {
	Bots []BotView
	Runs []orchestrator.Run
}

const recentRuns = 50

// runsBot is the bot a runs list is filtered by ("" for every bot); one
// Docket does not know is an error that names it, not an empty list.
func (s *Server) runsBot(r *http.Request) (string, error) {
	name := r.URL.Query().Get("bot")
	if name == "" {
		return "", nil
	}
	if _, err := s.findBot(r.Context(), name); errors.Is(err, orchestrator.ErrNotFound) {
		return "", fmt.Errorf("%w: bot %q is not a bot Docket knows", orchestrator.ErrInvalid, shownValue(name))
	} else if err != nil {
		return "", err
	}
	return name, nil
}

func (s *Server) botsPage(w http.ResponseWriter, r *http.Request, p *principal) {
	bots, err := s.botViews(r.Context(), p)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	bot, err := s.runsBot(r)
	if err != nil {
		status, _ := statusFor(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, false, err)
			return
		}
		s.render(w, r, p, status, "bots", view{Title: "Bots & runs", Nav: "bots",
			Error: "This filter cannot be used: " + strings.TrimPrefix(publicMessage(err), "invalid: ") + ".", Data: botsView{Bots: bots}})
		return
	}
	runs, err := s.cfg.Store.Runs(r.Context(), bot, recentRuns)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if runs, err = s.runsFor(r.Context(), p, runs); err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "bots", view{Title: "Bots & runs", Nav: "bots", Data: botsView{Bots: bots, Runs: runs}})
}

type runView struct {
	Run      orchestrator.Run
	Evidence []orchestrator.Evidence
	// The run page shows Shots (screenshots) as thumbnails and the rest
	// (DOM snapshots of each page read) folded away.
	Shots, Others []orchestrator.Evidence
}

// isImage reports whether evidence content is shown as an image.
func isImage(e orchestrator.Evidence) bool {
	switch e.MediaType {
	case "image/png", "image/jpeg", "image/webp":
		return true
	}
	return false
}

// runView is run id with its evidence, as p may see them.
func (s *Server) runView(ctx context.Context, p *principal, id string) (runView, error) {
	run, err := s.cfg.Store.Run(ctx, id)
	if err != nil {
		return runView{}, err
	}
	ev, err := s.cfg.Store.RunEvidence(ctx, id)
	if err != nil {
		return runView{}, err
	}
	run = runFor(p, run, evidenceRefs(ev)...)
	for i := range ev {
		ev[i] = evidenceFor(p, ev[i])
	}
	v := runView{Run: run, Evidence: ev}
	for _, e := range ev {
		if isImage(e) {
			v.Shots = append(v.Shots, e)
		} else {
			v.Others = append(v.Others, e)
		}
	}
	return v, nil
}

// evidenceRefs are the item external ids evidence records name.
func evidenceRefs(ev []orchestrator.Evidence) []string {
	refs := make([]string, 0, len(ev))
	for _, e := range ev {
		refs = append(refs, e.ItemRef)
	}
	return refs
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request, p *principal) {
	v, err := s.runView(r.Context(), p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "run", view{Title: "Run " + v.Run.ID, Nav: "bots", Data: v})
}

func (s *Server) apiBots(w http.ResponseWriter, r *http.Request, p *principal) {
	bots, err := s.botViews(r.Context(), p)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, BotsJSON{Bots: mapJSON(bots, botViewJSON)})
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request, p *principal) {
	bot, err := s.runsBot(r)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	runs, err := s.cfg.Store.Runs(r.Context(), bot, recentRuns)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	if runs, err = s.runsFor(r.Context(), p, runs); err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, RunsJSON{Runs: mapJSON(runs, NewRunJSON)})
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request, p *principal) {
	v, err := s.runView(r.Context(), p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, RunDetailJSON{Run: NewRunJSON(v.Run), Evidence: mapJSON(v.Evidence, evidenceJSON)})
}

// overview is the landing page: bot health, recent runs and queue totals,
// with no patient data, for every role.
//
// Staff land on "My work" instead: their day starts with their tasks.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, p *principal) {
	if p.User.Role == orchestrator.RoleStaff {
		http.Redirect(w, r, "/work", http.StatusSeeOther)
		return
	}
	bots, err := s.botViews(r.Context(), p)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	runs, err := s.cfg.Store.Runs(r.Context(), "", 10)
	if err == nil {
		runs, err = s.runsFor(r.Context(), p, runs)
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	stats, err := s.queueStats(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "overview", view{Title: "Overview", Flash: flash(r),
		Data: map[string]any{"Bots": bots, "Runs": runs, "Queues": stats}})
}

var errUnknownBot = errors.New("no such bot")
