package main

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var durationType = reflect.TypeFor[time.Duration]()

// checkYAML walks a decoded document against the type it will fill, so
// that a value of the wrong kind is reported as the environment reports it:
// the key, what is wanted and what was given ("worker.step_timeout: want a
// duration such as 30s, got 30"), not as a Go type error. Unknown keys are
// left to the decoder.
func checkYAML(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			if err := checkYAML(c, t, path); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind == 0 || n.ShortTag() == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := func(what string) error {
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: want %s, got a %s", path, what, kindName(n.Kind))
		}
		return fmt.Errorf("%s: want %s, got %s", path, what, n.Value)
	}
	switch {
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			return want("a duration such as 30s")
		}
		if _, err := parseDuration(n.Value); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return want("keys")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if f, ok := fieldByTag(t, n.Content[i].Value); ok {
				if err := checkYAML(n.Content[i+1], f.Type, joinKey(path, n.Content[i].Value)); err != nil {
					return err
				}
			}
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			return want("keys")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := checkYAML(n.Content[i+1], t.Elem(), joinKey(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return want("a list")
		}
		for i, c := range n.Content {
			if err := checkYAML(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			return want("an integer")
		}
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return want("true or false")
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			return want("text")
		}
	}
	return nil
}

// fieldByTag finds the struct field whose yaml tag names key.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}
