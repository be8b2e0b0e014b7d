package selectors

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML shapes. They stay private so the public types can change
// without changing the file format, and the other way round.
type rawFile struct {
	Portal   string                `yaml:"portal"`
	Version  string                `yaml:"version"`
	Start    string                `yaml:"start"`
	Marker   string                `yaml:"marker"`
	Pages    map[string]string     `yaml:"pages"`
	Elements map[string]rawElement `yaml:"elements"`
	Fields   map[string][]rawField `yaml:"fields"`
}

type rawElement struct {
	Candidates []Candidate `yaml:"candidates"`
	Optional   bool        `yaml:"optional"`
}

type rawField struct {
	Label    string            `yaml:"label"`
	Name     string            `yaml:"name"`
	Parser   Parser            `yaml:"parser"`
	Optional bool              `yaml:"optional"`
	Values   map[string]string `yaml:"values"`
	MaxLen   int               `yaml:"max_len"`
}

// UnmarshalYAML reads a candidate written as a one-key mapping, such as
// `css: "#username"`.
func (c *Candidate) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return fmt.Errorf("line %d: a candidate is one strategy and its value, e.g. css: \"#id\"", n.Line)
	}
	key, val := n.Content[0], n.Content[1]
	if !slices.Contains(strategies, Strategy(key.Value)) {
		return fmt.Errorf("line %d: unknown candidate strategy %q", key.Line, key.Value)
	}
	if val.Kind != yaml.ScalarNode || strings.TrimSpace(val.Value) == "" {
		return fmt.Errorf("line %d: candidate %s has no value", val.Line, key.Value)
	}
	*c = Candidate{Strategy: Strategy(key.Value), Value: val.Value}
	return nil
}

// decode reads and validates one file. source names it in errors, which
// are always a single line.
func decode(source string, data []byte) (*File, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("selectors: %s: %s", source, fmt.Sprintf(format, args...))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var raw rawFile
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail("empty file")
		}
		return nil, fail("%s", oneLine(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fail("more than one YAML document")
	}
	switch {
	case raw.Portal == "":
		return nil, fail("key portal is missing")
	case raw.Version == "":
		return nil, fail("key version is missing")
	case raw.Start == "" || !strings.HasPrefix(raw.Start, "/"):
		return nil, fail("key start must be a path starting with /")
	case len(raw.Elements) == 0:
		return nil, fail("key elements is empty")
	}
	f := &File{
		Portal: raw.Portal, Version: raw.Version, Start: raw.Start, Marker: raw.Marker, Source: source,
		Elements: make(map[string]Element, len(raw.Elements)),
		Fields:   make(map[string][]Field, len(raw.Fields)),
	}
	for name, e := range raw.Elements {
		if len(e.Candidates) == 0 {
			return nil, fail("element %s has no candidates", name)
		}
		for i, c := range e.Candidates {
			if c.Strategy != XPath {
				continue
			}
			if err := checkXPath1(c.Value); err != nil {
				return nil, fail("element %s candidate %d (%s): %v", name, i+1, c, err)
			}
		}
		f.Elements[name] = Element{Name: name, Candidates: e.Candidates, Optional: e.Optional}
	}
	for name, p := range raw.Pages {
		if !strings.HasPrefix(p, "/") {
			return nil, fail("page %s must be a path starting with /", name)
		}
	}
	f.Pages = raw.Pages
	if _, ok := f.Elements[raw.Marker]; raw.Marker != "" && !ok {
		return nil, fail("marker names element %s, which the file lacks", raw.Marker)
	}
	for group, fields := range raw.Fields {
		if len(fields) == 0 {
			return nil, fail("field group %s is empty", group)
		}
		labels, names := map[string]bool{}, map[string]bool{}
		for i, rf := range fields {
			key := fmt.Sprintf("fields.%s[%d]", group, i)
			switch {
			case ParseText(rf.Label) == "":
				return nil, fail("%s has no label", key)
			case rf.Name == "":
				return nil, fail("%s (%s) has no name", key, rf.Label)
			case !parsers[rf.Parser]:
				return nil, fail("%s (%s) has unknown parser %q", key, rf.Label, rf.Parser)
			case rf.Values != nil && rf.Parser != ParseAsText:
				return nil, fail("%s (%s): values need parser text", key, rf.Label)
			case rf.MaxLen < 0:
				return nil, fail("%s (%s): max_len is negative", key, rf.Label)
			case labels[ParseText(rf.Label)]:
				return nil, fail("%s: label %q repeats", key, rf.Label)
			case names[rf.Name]:
				return nil, fail("%s: name %s repeats", key, rf.Name)
			}
			labels[ParseText(rf.Label)], names[rf.Name] = true, true
			f.Fields[group] = append(f.Fields[group], Field{
				Label: ParseText(rf.Label), Name: rf.Name, Parser: rf.Parser, Optional: rf.Optional, Values: rf.Values, MaxLen: rf.MaxLen,
			})
		}
	}
	return f, nil
}

var notFoundRe = regexp.MustCompile(`field (\S+) not found in type \S+`)

// oneLine flattens the YAML library's multi-line errors and words its
// unknown-key message for people editing the file.
func oneLine(err error) string {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for i, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		m = notFoundRe.ReplaceAllString(m, `unknown key "$1"`)
		msgs[i] = strings.Join(strings.Fields(m), " ")
	}
	return strings.Join(msgs, "; ")
}
