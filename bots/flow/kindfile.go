package flow

import (
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

// rawKind is one kinds/*.yaml file: one record kind.
type rawKind struct {
	Kind            string     `yaml:"kind"`
	Label           string     `yaml:"label"`
	Queue           string     `yaml:"queue"`
	Key             []string   `yaml:"key"`
	Display         []string   `yaml:"display"`
	ExternalIDIsPHI bool       `yaml:"external_id_is_phi"`
	Fields          []rawField `yaml:"fields"`
}

type rawField struct {
	Name     string     `yaml:"name"`
	Label    string     `yaml:"label"`
	Type     string     `yaml:"type"`
	Required bool       `yaml:"required"`
	PHI      bool       `yaml:"phi"`
	Fields   []rawField `yaml:"fields"`
}

// decodeKinds reads one kind file into p.Kinds.
func decodeKinds(p *Pack, source string, data []byte) error {
	n, err := parseYAML(data)
	if err != nil {
		return err
	}
	var raw rawKind
	if err := decodeStrict(n, &raw); err != nil {
		return err
	}
	k := orchestrator.RecordKind{
		Kind: orchestrator.ItemKind(raw.Kind), Label: raw.Label, Queue: raw.Queue, Key: raw.Key,
		Display: raw.Display, ExternalIDIsPHI: raw.ExternalIDIsPHI, Fields: kindFields(raw.Fields), Pack: p.Name,
	}
	if err := k.Validate(); err != nil {
		return errAt(n, "%s", trimDomain(err))
	}
	if _, dup := p.Kind(k.Kind); dup {
		return errAt(n, "kind %s is declared twice in the pack", k.Kind)
	}
	p.Kinds = append(p.Kinds, k)
	return nil
}

func kindFields(raw []rawField) []orchestrator.KindField {
	out := make([]orchestrator.KindField, 0, len(raw))
	for _, f := range raw {
		out = append(out, orchestrator.KindField{Name: f.Name, Label: f.Label, Type: orchestrator.FieldType(f.Type),
			Required: f.Required, PHI: f.PHI, Fields: kindFields(f.Fields)})
	}
	return out
}

// trimDomain drops the "invalid:" prefix of orchestrator.ErrInvalid.
func trimDomain(err error) string {
	msg := err.Error()
	if errors.Is(err, orchestrator.ErrInvalid) {
		if p := orchestrator.ErrInvalid.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
			return msg[len(p):]
		}
	}
	return msg
}

// builtinKind reports whether k is one of orchestrator's built-in kinds,
// which packs may declare (to lint their flows against) but not replace.
func builtinKind(k orchestrator.ItemKind) bool {
	for _, b := range orchestrator.BuiltinKinds() {
		if b.Kind == k {
			return true
		}
	}
	return false
}

// RegistryKinds are the kinds of p for a KindRegistry: those it declares
// that are not built in (orchestrator declares those itself).
func (p *Pack) RegistryKinds() []orchestrator.RecordKind {
	var out []orchestrator.RecordKind
	for _, k := range p.Kinds {
		if !builtinKind(k.Kind) {
			out = append(out, k)
		}
	}
	return out
}

// fieldPath names a nested field in messages: "hold_reasons.code".
func fieldPath(group, name string) string {
	if group == "" {
		return name
	}
	return fmt.Sprintf("%s.%s", group, name)
}
