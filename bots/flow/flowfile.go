package flow

import (
	"go.yaml.in/yaml/v3"
)

// Flow is one flow file: a named list of steps and the record kind its
// emits are of ("" for a sub-flow that other flows call).
type Flow struct {
	Name        string
	Description string
	Kind        string
	// Layouts are the layout versions the flow may run on; empty means
	// every layout of the pack.
	Layouts []string
	Steps   Steps
	Source  string // file, for messages
}

type rawFlow struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description"`
	Kind        string    `yaml:"kind"`
	Layouts     []string  `yaml:"layouts"`
	Steps       yaml.Node `yaml:"steps"`
}

// decodeFlow reads one flow file.
func decodeFlow(source string, data []byte) (*Flow, error) {
	n, err := parseYAML(data)
	if err != nil {
		return nil, err
	}
	var raw rawFlow
	if err := decodeStrict(n, &raw); err != nil {
		return nil, err
	}
	if raw.Name == "" {
		return nil, errAt(n, "key name is missing")
	}
	if raw.Steps.Kind == 0 {
		return nil, errAt(n, "key steps is missing")
	}
	steps, err := decodeSteps(&raw.Steps, "")
	if err != nil {
		return nil, err
	}
	return &Flow{Name: raw.Name, Description: raw.Description, Kind: raw.Kind, Layouts: raw.Layouts, Steps: steps, Source: source}, nil
}
