package orchestrator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RecordKind declares one kind of record a bot observes: how people call
// it, where its observations go, what identifies one, its fields and which
// of them identify a patient (PHI). Views, logs, rules and exports consult
// the declaration rather than a Go type, so a portal pack can declare its
// own kinds at run time (KindRegistry) and get what a built-in kind gets.
type RecordKind struct {
	Kind  ItemKind
	Label string // for people: "Coding hold"; empty becomes the name in words
	Queue string // default queue of its observations
	// Key names the fields whose values, in order and joined by ":", make
	// the natural key (the work item's external id); see ExternalID.
	Key     []string
	Fields  []KindField
	Display []string // fields shown in inbox lists and the task summary, in order
	// PHI are the JSON names of the data's fields that identify a patient
	// or an account: name, MRN, account and encounter numbers, dates of
	// birth, member ids, claim numbers. A field declared with PHI set is
	// PHI too (PHIFields is the union).
	PHI []string
	// ExternalIDIsPHI marks kinds whose external id (the portal's key for
	// the record) is one of those identifiers: an account number, or a
	// claim id with an edit id.
	ExternalIDIsPHI bool
	Pack            string // pack that declared it; "" for built-in
}

// FieldType is how a field's value is stored in an item's data and shown.
type FieldType string

// Field types. Dates are ISO 8601 (YYYY-MM-DD), timestamps RFC 3339,
// money in integer cents.
const (
	FieldText       FieldType = "text"
	FieldInt        FieldType = "int"
	FieldMoneyCents FieldType = "money_cents"
	FieldDate       FieldType = "date"
	FieldDateTime   FieldType = "datetime"
	FieldBool       FieldType = "bool"
	FieldCode       FieldType = "code"      // a short code: a status, a DRG, a CPT code
	FieldCodeList   FieldType = "code_list" // a list of codes
	// FieldGroup is an object, or a list of objects, each with the group's
	// Fields (several hold reasons, one physician query).
	FieldGroup FieldType = "group"
)

// FieldTypes lists every field type.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldInt, FieldMoneyCents, FieldDate, FieldDateTime, FieldBool,
		FieldCode, FieldCodeList, FieldGroup}
}

// KindField declares one field of a record kind's data.
type KindField struct {
	Name  string // JSON name in the item's data
	Label string // for people; empty becomes the name in words
	Type  FieldType
	// Required fields must be read for every record; a missing one is a
	// problem of the record (FieldProblem), not a reason to drop it.
	Required bool
	PHI      bool
	Fields   []KindField // for FieldGroup: the fields of each entry
}

// ExtraKey is the top-level key of a pack record's data that keeps the
// fields a page showed but its kind does not declare, as a JSON object of
// strings. Nothing says what they hold, so they are PHI (masked for
// viewers, never logged).
const ExtraKey = "_extra"

// ProblemsKey is the top-level key of an item's data that holds the
// problems found when it was read (WorkItem.Problems).
const ProblemsKey = problemsKey

// kindName is a record kind's or a field's name.
var kindName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Field finds a top-level field by name.
func (k RecordKind) Field(name string) (KindField, bool) {
	for _, f := range k.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return KindField{}, false
}

// PHIFields is every top-level PHI field of k: those PHI names and those
// declared with PHI set, in declaration order.
func (k RecordKind) PHIFields() []string {
	out := slices.Clone(k.PHI)
	for _, f := range k.Fields {
		if f.PHI && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// IsPHI reports whether the top-level field name identifies a patient. The
// extra fields (ExtraKey) always may.
func (k RecordKind) IsPHI(name string) bool {
	if name == ExtraKey || slices.Contains(k.PHI, name) {
		return true
	}
	f, ok := k.Field(name)
	return ok && f.PHI
}

// ExternalID is the natural key of a record of kind k: the values of its
// Key fields in data (strings or numbers), joined by ":". A missing or
// empty key field is an error naming the field, not its value.
func (k RecordKind) ExternalID(data map[string]any) (string, error) {
	if len(k.Key) == 0 {
		return "", fmt.Errorf("%w: record kind %s declares no key", ErrInvalid, k.Kind)
	}
	parts := make([]string, 0, len(k.Key))
	for _, name := range k.Key {
		var s string
		switch v := data[name].(type) {
		case string:
			s = v
		case int:
			s = strconv.Itoa(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case interface{ String() string }: // json.Number
			s = v.String()
		}
		if strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("%w: %s record has no key field %s", ErrInvalid, k.Kind, name)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ":"), nil
}

// Validate reports the first unusable part of k in one line naming the
// kind and the field: a bad name or type, a field declared twice, a Key,
// Display or PHI entry naming a field that is not declared.
func (k RecordKind) Validate() error {
	if !kindName.MatchString(string(k.Kind)) {
		return fmt.Errorf("%w: record kind name %.60q: want a lower-case letter, then up to 39 of a-z, 0-9, _", ErrInvalid, k.Kind)
	}
	if err := checkLabel(string(k.Kind), k.Label); err != nil {
		return err
	}
	if k.Queue == "" {
		return fmt.Errorf("%w: record kind %s has no queue", ErrInvalid, k.Kind)
	}
	if err := validateFields(string(k.Kind), k.Fields); err != nil {
		return err
	}
	if len(k.Key) == 0 {
		return fmt.Errorf("%w: record kind %s has no key field", ErrInvalid, k.Kind)
	}
	for _, name := range k.Key {
		f, ok := k.Field(name)
		if !ok {
			return fmt.Errorf("%w: record kind %s: key field %.60q is not declared", ErrInvalid, k.Kind, name)
		}
		if f.Type == FieldGroup || f.Type == FieldCodeList {
			return fmt.Errorf("%w: record kind %s: key field %s is a %s; want a single value", ErrInvalid, k.Kind, name, f.Type)
		}
	}
	for _, name := range k.Display {
		if _, ok := k.Field(name); !ok {
			return fmt.Errorf("%w: record kind %s: display field %.60q is not declared", ErrInvalid, k.Kind, name)
		}
	}
	for _, name := range k.PHI {
		if _, ok := k.Field(name); !ok {
			return fmt.Errorf("%w: record kind %s: PHI field %.60q is not declared", ErrInvalid, k.Kind, name)
		}
	}
	return nil
}

// validateFields checks one level of fields; where names the kind and the
// groups above them.
func validateFields(where string, fields []KindField) error {
	seen := map[string]bool{}
	for _, f := range fields {
		if !kindName.MatchString(f.Name) {
			return fmt.Errorf("%w: record kind %s: field name %.60q: want a lower-case letter, then up to 39 of a-z, 0-9, _", ErrInvalid, where, f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("%w: record kind %s: field %s is declared twice", ErrInvalid, where, f.Name)
		}
		seen[f.Name] = true
		if err := checkLabel(where+"."+f.Name, f.Label); err != nil {
			return err
		}
		if !slices.Contains(FieldTypes(), f.Type) {
			return fmt.Errorf("%w: record kind %s: field %s has type %.30q; want one of %v", ErrInvalid, where, f.Name, f.Type, FieldTypes())
		}
		if f.Type == FieldGroup {
			if len(f.Fields) == 0 {
				return fmt.Errorf("%w: record kind %s: group %s declares no fields", ErrInvalid, where, f.Name)
			}
			if err := validateFields(where+"."+f.Name, f.Fields); err != nil {
				return err
			}
		} else if len(f.Fields) > 0 {
			return fmt.Errorf("%w: record kind %s: field %s is a %s and cannot have fields", ErrInvalid, where, f.Name, f.Type)
		}
	}
	return nil
}

// labelMax bounds a label, in characters.
const labelMax = 80

// checkLabel refuses a label people could not read as one: too long, or
// holding control or invisible formatting characters (a bidi override
// would turn the page around it).
func checkLabel(where, label string) error {
	if utf8.RuneCountInString(label) > labelMax {
		return fmt.Errorf("%w: record kind %s: label is longer than %d characters", ErrInvalid, where, labelMax)
	}
	for _, r := range label {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("%w: record kind %s: label holds the character %U", ErrInvalid, where, r)
		}
	}
	return nil
}

// withDefaults is a deep copy of k with empty labels filled in.
func (k RecordKind) withDefaults() RecordKind {
	k = k.clone()
	if k.Label == "" {
		k.Label = words(string(k.Kind))
	}
	fillLabels(k.Fields)
	return k
}

func fillLabels(fields []KindField) {
	for i := range fields {
		if fields[i].Label == "" {
			fields[i].Label = words(fields[i].Name)
		}
		fillLabels(fields[i].Fields)
	}
}

// words turns a name into words for people: "total_charges_cents" becomes
// "Total charges cents".
func words(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clone is a deep copy of k, so that a registry's kinds share no slice
// with their callers.
func (k RecordKind) clone() RecordKind {
	k.Key = slices.Clone(k.Key)
	k.Display = slices.Clone(k.Display)
	k.PHI = slices.Clone(k.PHI)
	k.Fields = cloneFields(k.Fields)
	return k
}

func cloneFields(fields []KindField) []KindField {
	if fields == nil {
		return nil
	}
	out := make([]KindField, len(fields))
	for i, f := range fields {
		f.Fields = cloneFields(f.Fields)
		out[i] = f
	}
	return out
}
