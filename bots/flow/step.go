package flow

import (
	"context"
	"fmt"
	"sort"

	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"
)

// Step is one step kind's implementation, decoded from the step's YAML
// parameters (its yaml-tagged fields; unknown keys are refused).
type Step interface {
	// Check declares to Lint what the step needs from the pack: the
	// elements it names, the exprs and templates it evaluates.
	Check(c *Check)
	// Run performs the step. An error ends the run, unless the step is
	// optional and the error is a selector miss.
	Run(ctx context.Context, r *Run) error
}

// stepKinds are the registered step kinds by name. It is written only by
// RegisterStep from init functions, before any flow is read.
var stepKinds = map[string]func() Step{}

// RegisterStep adds a step kind; call it from an init function of the
// step kind's own file. A name registered twice panics at start-up.
func RegisterStep(name string, newStep func() Step) {
	if _, dup := stepKinds[name]; dup {
		panic("flow: step kind " + name + " registered twice")
	}
	stepKinds[name] = newStep
}

// StepKinds lists the registered step kinds, sorted.
func StepKinds() []string {
	out := make([]string, 0, len(stepKinds))
	for k := range stepKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// StepEntry is one step of a flow as written: its kind, the keys every
// step shares and the decoded step.
type StepEntry struct {
	Kind     string
	Name     string // optional label
	If       string // expr; the step runs only when it is true
	Optional bool   // a missing element skips the step
	Line     int
	Path     string // "3", or "3.2" for the second step inside step 3
	Step     Step
	cond     *vm.Program
}

// Label names the step in messages: "step 3 (read_list)".
func (e *StepEntry) Label() string {
	if e.Name != "" {
		return fmt.Sprintf("step %s (%s %q)", e.Path, e.Kind, e.Name)
	}
	return fmt.Sprintf("step %s (%s)", e.Path, e.Kind)
}

// Steps is a list of steps; step kinds that hold steps (repeat, sub-flow
// bodies) use it as a field type.
type Steps []*StepEntry

// UnmarshalYAML decodes a nested list of steps.
func (s *Steps) UnmarshalYAML(n *yaml.Node) error {
	steps, err := decodeSteps(n, nestedPrefix(n))
	if err != nil {
		return err
	}
	*s = steps
	return nil
}

// nestedPrefix is the path prefix of steps nested at n; the enclosing
// step's path is not known to the YAML library, so nested steps are
// named by their line instead ("at line 14").
func nestedPrefix(n *yaml.Node) string { return fmt.Sprintf("L%d.", n.Line) }

// decodeSteps decodes a sequence of steps; prefix goes before each step's
// number in its Path.
func decodeSteps(n *yaml.Node, prefix string) (Steps, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "steps must be a list")
	}
	out := make(Steps, 0, len(n.Content))
	for i, sn := range n.Content {
		e, err := decodeStep(sn, fmt.Sprintf("%s%d", prefix, i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// stepError is an error in a step at a line.
type stepError struct {
	Line int
	Step string
	Msg  string
}

func (e *stepError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Step, e.Msg) }

func decodeStep(n *yaml.Node, path string) (*StepEntry, error) {
	e := &StepEntry{Line: n.Line, Path: path}
	if n.Kind != yaml.MappingNode {
		return nil, &stepError{Line: n.Line, Step: "step " + path, Msg: "a step is a mapping such as {open: {page: start}}"}
	}
	var body *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "if":
			e.If = v.Value
		case "optional":
			if err := v.Decode(&e.Optional); err != nil {
				return nil, &stepError{Line: v.Line, Step: "step " + path, Msg: "optional must be true or false"}
			}
		case "name":
			e.Name = v.Value
		default:
			if _, ok := stepKinds[k.Value]; !ok {
				return nil, &stepError{Line: k.Line, Step: "step " + path, Msg: fmt.Sprintf("unknown step kind or key %q (step kinds: %v)", k.Value, StepKinds())}
			}
			if e.Kind != "" {
				return nil, &stepError{Line: k.Line, Step: "step " + path, Msg: fmt.Sprintf("two step kinds, %s and %s", e.Kind, k.Value)}
			}
			e.Kind, body = k.Value, v
		}
	}
	if e.Kind == "" {
		return nil, &stepError{Line: n.Line, Step: "step " + path, Msg: "no step kind (one of " + fmt.Sprint(StepKinds()) + ")"}
	}
	e.Step = stepKinds[e.Kind]()
	if body.Kind == yaml.ScalarNode && (body.Tag == "!!null" || body.Value == "") {
		return e, nil
	}
	if err := decodeStrict(body, e.Step); err != nil {
		line, msg := body.Line, err.Error()
		if le, ok := err.(*lineError); ok {
			line, msg = le.Line, le.Msg
		}
		if se, ok := err.(*stepError); ok {
			return nil, se
		}
		return nil, &stepError{Line: line, Step: e.Label(), Msg: msg}
	}
	return e, nil
}

// walkSteps calls fn for every step of steps and of the steps nested in
// them (Nester).
func walkSteps(steps Steps, fn func(*StepEntry)) {
	for _, e := range steps {
		fn(e)
		if n, ok := e.Step.(Nester); ok {
			for _, inner := range n.Nested() {
				walkSteps(inner, fn)
			}
		}
	}
}

// Nester is a step that holds steps (repeat, each).
type Nester interface {
	Nested() []Steps
}
