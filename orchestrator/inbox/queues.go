package inbox

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// QueueStats is one queue's backlog and aging, counted over its open tasks.
type QueueStats struct {
	Queue      string `json:"queue"`
	Open       int    `json:"open"`
	Unassigned int    `json:"unassigned"`
	Escalated  int    `json:"escalated"`
	AtRisk     int    `json:"at_risk"`
	Breached   int    `json:"breached"`
	// Aging buckets by task age: under 1 day, 1–3, 3–7, over 7 days.
	AgeUnder1d int     `json:"age_under_1d"`
	Age1to3d   int     `json:"age_1_to_3d"`
	Age3to7d   int     `json:"age_3_to_7d"`
	AgeOver7d  int     `json:"age_over_7d"`
	OldestDays float64 `json:"oldest_days"`
	// Items counts the queue's work items by status.
	Items map[string]int `json:"items"`
}

// queueScanLimit bounds one page of the open-task scan.
const queueScanLimit = 500

// queueStats counts open tasks per queue, page by page with keyset paging.
func (s *Server) queueStats(ctx context.Context) ([]QueueStats, error) {
	now := s.cfg.Now()
	by := map[string]*QueueStats{}
	get := func(q string) *QueueStats {
		if by[q] == nil {
			by[q] = &QueueStats{Queue: q, Items: map[string]int{}}
		}
		return by[q]
	}
	for _, q := range []string{orchestrator.QueueCoding, orchestrator.QueueCDI, orchestrator.QueueBilling,
		orchestrator.QueueRevenueIntegrity, orchestrator.QueueAutomation} {
		get(q)
	}
	var after int64
	for {
		tasks, err := s.cfg.Store.Tasks(ctx, orchestrator.TaskFilter{Open: true, AfterID: after, Limit: queueScanLimit})
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			qs := get(t.Queue)
			qs.Open++
			if t.Assignee == "" {
				qs.Unassigned++
			}
			if t.Status == orchestrator.TaskEscalated {
				qs.Escalated++
			}
			switch slaState(t, now) {
			case orchestrator.SLAAtRisk:
				qs.AtRisk++
			case orchestrator.SLABreached:
				qs.Breached++
			}
			age := now.Sub(t.CreatedAt)
			switch {
			case age < 24*time.Hour:
				qs.AgeUnder1d++
			case age < 72*time.Hour:
				qs.Age1to3d++
			case age < 7*24*time.Hour:
				qs.Age3to7d++
			default:
				qs.AgeOver7d++
			}
			if d := age.Hours() / 24; d > qs.OldestDays {
				qs.OldestDays = float64(int(d*10)) / 10
			}
			after = t.ID
		}
		if len(tasks) < queueScanLimit {
			break
		}
	}
	counts, err := s.cfg.Store.CountItems(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		get(c.Queue).Items[string(c.Status)] += c.Count
	}
	out := make([]QueueStats, 0, len(by))
	for _, qs := range by {
		out = append(out, *qs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Queue < out[j].Queue })
	return out, nil
}

// slaState is the task's SLA state now: the stored one may lag the sweep.
func slaState(t orchestrator.HumanTask, now time.Time) orchestrator.SLAState {
	if !t.Status.Open() {
		if t.SLAState == "" {
			return orchestrator.SLAOnTrack
		}
		return t.SLAState
	}
	return orchestrator.SLAStateAt(now, t.AtRiskAt, t.DueAt)
}

func (s *Server) queuesPage(w http.ResponseWriter, r *http.Request, p *principal) {
	stats, err := s.queueStats(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, http.StatusOK, "queues", view{Title: "Queues", Nav: "queues", Data: stats})
}

func (s *Server) apiQueues(w http.ResponseWriter, r *http.Request, _ *principal) {
	stats, err := s.queueStats(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, QueuesJSON{Queues: stats})
}
