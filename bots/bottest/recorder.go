package bottest

import (
	"context"
	"sync"

	"github.com/docket-rpa/docket/orchestrator"
)

// Recorder is a bots.Recorder that keeps what a run reports, for tests.
// OnPage, if set, runs on each PageRead with the count so far (to break
// the portal mid-run). Read the fields after the run.
type Recorder struct {
	mu       sync.Mutex
	Obs      []orchestrator.Observation
	Evidence []orchestrator.EvidenceCapture
	Pages    int
	OnPage   func(n int)
	Selector map[string]int // element → last candidate index reported
	// OnSelector, if set, also receives every selector report (e.g. a
	// monitoring.Metrics, to check /metrics).
	OnSelector func(portal, element string, index int)
	// Policy is the evidence policy KeepsScreenshot applies
	// (orchestrator.EvidenceAll when empty).
	Policy string
}

// SelectorUsed records the candidate index reported for element.
func (m *Recorder) SelectorUsed(portal, element string, index int) {
	m.mu.Lock()
	if m.Selector == nil {
		m.Selector = map[string]int{}
	}
	m.Selector[element] = index
	hook := m.OnSelector
	m.mu.Unlock()
	if hook != nil {
		hook(portal, element, index)
	}
}

// Observe keeps the observation.
func (m *Recorder) Observe(_ context.Context, o orchestrator.Observation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Obs = append(m.Obs, o)
	return nil
}

// Capture keeps the capture and numbers it from 1.
func (m *Recorder) Capture(_ context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Evidence = append(m.Evidence, c)
	return orchestrator.Evidence{ID: int64(len(m.Evidence)), Kind: c.Kind, ItemRef: c.ItemRef}, nil
}

// KeepsScreenshot applies Policy (orchestrator.EvidenceAll when empty).
func (m *Recorder) KeepsScreenshot(purpose string) bool {
	return orchestrator.KeepsScreenshot(m.Policy, purpose)
}

// PageRead counts the page and calls OnPage.
func (m *Recorder) PageRead(context.Context) error {
	m.mu.Lock()
	m.Pages++
	n, hook := m.Pages, m.OnPage
	m.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return nil
}

// Captures returns the captures of one kind, in order.
func (m *Recorder) Captures(kind string) []orchestrator.EvidenceCapture {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []orchestrator.EvidenceCapture
	for _, c := range m.Evidence {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}
