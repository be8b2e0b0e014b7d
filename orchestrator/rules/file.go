package rules

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"go.yaml.in/yaml/v3"
)

// File is the routing file as written (deploy/rules.example.yaml).
type File struct {
	Calendar CalendarSpec `yaml:"calendar"`
	Queues   []QueueSpec  `yaml:"queues"`
	Sampling SamplingSpec `yaml:"sampling"`
	Problems ProblemsSpec `yaml:"problems"`
	Rules    []RuleSpec   `yaml:"rules"`
}

// CalendarSpec is the business calendar.
type CalendarSpec struct {
	Timezone string            `yaml:"timezone"`
	Weekend  []string          `yaml:"weekend"` // day names; default saturday, sunday
	Holidays map[string]string `yaml:"holidays"`
}

// QueueSpec is one team queue.
type QueueSpec struct {
	Name       string        `yaml:"name"`
	Label      string        `yaml:"label"`
	Members    []string      `yaml:"members"`
	Assignment string        `yaml:"assignment"`
	SLA        SLASpec       `yaml:"sla"`
	Outcomes   []OutcomeSpec `yaml:"outcomes"`
}

// SLASpec is a queue's SLA policy.
type SLASpec struct {
	TargetDays     int        `yaml:"target_days"`
	TargetHours    int        `yaml:"target_hours"`
	AtRiskDays     int        `yaml:"at_risk_days"`
	AtRiskFraction float64    `yaml:"at_risk_fraction"`
	OnBreach       string     `yaml:"on_breach"`
	Escalation     []StepSpec `yaml:"escalation"`
}

// StepSpec is one rung of an escalation ladder.
type StepSpec struct {
	AfterDays int    `yaml:"after_days"`
	Role      string `yaml:"role"`
	Assignee  string `yaml:"assignee"`
}

// OutcomeSpec is one resolution outcome.
type OutcomeSpec struct {
	Name       string `yaml:"name"`
	Label      string `yaml:"label"`
	WriteBack  bool   `yaml:"writeback"`
	ItemStatus string `yaml:"item_status"`
	Review     string `yaml:"review"`
}

// SamplingSpec is the audit sample of cleanly handled items.
type SamplingSpec struct {
	Rate     float64  `yaml:"rate"` // 0 to 1; 0 turns sampling off
	Seed     string   `yaml:"seed"`
	Queue    string   `yaml:"queue"`
	Priority string   `yaml:"priority"`
	Kinds    []string `yaml:"kinds"` // empty: every kind
}

// ProblemsSpec routes items whose fields the bot could not read.
type ProblemsSpec struct {
	Queue    string `yaml:"queue"` // default: the item's own queue
	Priority string `yaml:"priority"`
}

// RuleSpec is one routing rule.
type RuleSpec struct {
	Name       string `yaml:"name"`
	On         string `yaml:"on"`   // item (default) or run_failure
	When       string `yaml:"when"` // expr, must be boolean
	Queue      string `yaml:"queue"`
	Priority   string `yaml:"priority"`
	Detail     string `yaml:"detail"`
	ClockStart string `yaml:"clock_start"` // expr giving a date
	Due        string `yaml:"due"`         // expr giving a date
	MoveItem   bool   `yaml:"move_item"`
	Continue   bool   `yaml:"continue"` // keep evaluating later rules after a match
}

// Error is a problem in the routing file, naming where it is.
type Error struct {
	Path  string // file path, "" when loaded from bytes
	Where string // `rule "ncci-modifier"`, `queue cdi`, `calendar`
	Msg   string
}

func (e *Error) Error() string {
	prefix := "rules"
	if e.Path != "" {
		prefix += ": " + e.Path
	}
	if e.Where != "" {
		prefix += ": " + e.Where
	}
	return prefix + ": " + e.Msg
}

// Is makes an Error match orchestrator.ErrInvalid.
func (e *Error) Is(target error) bool { return target == orchestrator.ErrInvalid }

// LoadFile reads, validates and compiles the routing file at path.
func LoadFile(path string) (*Router, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	r, err := Load(b)
	var e *Error
	if errors.As(err, &e) {
		e.Path = path
	}
	return r, err
}

// Load validates and compiles a routing file. Unknown keys are errors, so
// a misspelt key does not silently drop a rule.
func Load(b []byte) (*Router, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, &Error{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return Compile(f)
}

// Compile validates f and builds its router.
func Compile(f File) (*Router, error) {
	cal, err := f.Calendar.build()
	if err != nil {
		return nil, err
	}
	var qs []orchestrator.QueueConfig
	for _, q := range f.Queues {
		qc, err := q.build()
		if err != nil {
			return nil, err
		}
		qs = append(qs, qc)
	}
	if len(qs) == 0 {
		qs = orchestrator.DefaultQueues()
	}
	queues, err := orchestrator.NewQueues(cal, qs...)
	if err != nil {
		return nil, &Error{Where: "queues", Msg: strings.TrimPrefix(err.Error(), "orchestrator: ")}
	}
	return newRouter(f, queues)
}

func (c CalendarSpec) build() (*orchestrator.Calendar, error) {
	cfg := orchestrator.CalendarConfig{Timezone: c.Timezone, Holidays: c.Holidays}
	if c.Weekend != nil {
		cfg.Weekend = []time.Weekday{}
		for _, d := range c.Weekend {
			wd, ok := weekday(d)
			if !ok {
				return nil, &Error{Where: "calendar", Msg: fmt.Sprintf("weekend day %q is not a day of the week", d)}
			}
			cfg.Weekend = append(cfg.Weekend, wd)
		}
	}
	cal, err := orchestrator.NewCalendar(cfg)
	if err != nil {
		return nil, &Error{Where: "calendar", Msg: strings.TrimPrefix(err.Error(), "orchestrator: calendar: ")}
	}
	return cal, nil
}

func weekday(s string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(s, d.String()) || strings.EqualFold(s, d.String()[:3]) {
			return d, true
		}
	}
	return 0, false
}

func (q QueueSpec) build() (orchestrator.QueueConfig, error) {
	qc := orchestrator.QueueConfig{
		Name: q.Name, Label: q.Label, Members: q.Members, Assignment: orchestrator.AssignStrategy(q.Assignment),
		SLA: orchestrator.SLAPolicy{
			TargetDays: q.SLA.TargetDays, TargetHours: q.SLA.TargetHours, AtRiskDays: q.SLA.AtRiskDays,
			AtRiskFraction: q.SLA.AtRiskFraction, OnBreach: orchestrator.BreachAction(q.SLA.OnBreach),
		},
	}
	for _, s := range q.SLA.Escalation {
		qc.SLA.Escalation = append(qc.SLA.Escalation, orchestrator.EscalationStep{AfterDays: s.AfterDays, Role: s.Role, Assignee: s.Assignee})
	}
	for _, o := range q.Outcomes {
		oc := orchestrator.Outcome{Name: o.Name, Label: o.Label, WriteBack: o.WriteBack,
			ItemStatus: orchestrator.ItemStatus(o.ItemStatus), Review: orchestrator.ReviewStatus(o.Review)}
		if oc.Label == "" {
			oc.Label = o.Name
		}
		qc.Outcomes = append(qc.Outcomes, oc)
	}
	if err := qc.Validate(); err != nil {
		return qc, &Error{Where: "queue " + q.Name, Msg: strings.TrimPrefix(err.Error(), "invalid: ")}
	}
	return qc, nil
}
