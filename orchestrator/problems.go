package orchestrator

import (
	"encoding/json"
	"errors"
)

// problemsKey is the top-level key of an item's data that holds the
// problems found when it was read. Keeping them inside the data means they
// are hashed, diffed and kept in the history like every other field.
const problemsKey = "_problems"

// marshalObservation encodes obs.Data canonically, adding its problems.
func marshalObservation(obs Observation) ([]byte, error) {
	data, err := json.Marshal(obs.Data)
	if err != nil || len(obs.Problems) == 0 {
		return data, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, errors.New("data with problems must be a JSON object")
	}
	p, err := json.Marshal(obs.Problems)
	if err != nil {
		return nil, err
	}
	fields[problemsKey] = p
	return json.Marshal(fields) // map keys are written sorted
}

// Problems returns the fields that failed to parse or validate when the
// item was last read; an item with problems needs a person.
func (w WorkItem) Problems() []FieldProblem {
	var holder struct {
		Problems []FieldProblem `json:"_problems"`
	}
	if err := json.Unmarshal(w.Data, &holder); err != nil {
		return nil
	}
	return holder.Problems
}
