package orchestrator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// History actions.
const (
	ActionCreated = "created"
	ActionUpdated = "updated"
)

// HistoryEntry is one append-only record of a change to a work item.
type HistoryEntry struct {
	ID       int64
	ItemID   int64
	At       time.Time
	Actor    string // "run:<id>" for a bot run, "user:<name>" for a person
	Action   string
	Reason   string
	Changes  []FieldChange
	DataHash string // the item's data hash after this change
}

// FieldChange is one top-level field of a work item's data that changed.
// Values are the JSON encodings of the old and new values ("" when absent).
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// RunActor is the history actor for a bot run.
func RunActor(runID string) string { return "run:" + runID }

// DiffData compares two JSON objects field by field and returns the
// top-level fields that differ, sorted by name. old may be empty.
func DiffData(old, new json.RawMessage) ([]FieldChange, error) {
	before, err := fields(old)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: diff old data: %w", err)
	}
	after, err := fields(new)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: diff new data: %w", err)
	}
	names := make(map[string]struct{}, len(before)+len(after))
	for k := range before {
		names[k] = struct{}{}
	}
	for k := range after {
		names[k] = struct{}{}
	}
	var changes []FieldChange
	for k := range names {
		o, n := before[k], after[k]
		if bytes.Equal(o, n) {
			continue
		}
		changes = append(changes, FieldChange{Field: k, Old: string(o), New: string(n)})
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes, nil
}

func fields(data json.RawMessage) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(data) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}
