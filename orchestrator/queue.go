package orchestrator

import (
	"fmt"
	"sort"
)

// AssignStrategy is how a queue's new tasks find a person.
type AssignStrategy string

// Assignment strategies.
const (
	AssignSelfClaim   AssignStrategy = "self_claim"   // tasks wait unassigned until someone claims one (default)
	AssignRoundRobin  AssignStrategy = "round_robin"  // members in turn
	AssignLeastLoaded AssignStrategy = "least_loaded" // the member with the fewest open tasks
)

// Outcome is one way a person may resolve a task in a queue.
type Outcome struct {
	Name  string // stored on the task, e.g. "query_sent"
	Label string // shown to people, e.g. "Query sent"
	// WriteBack makes the resolution enqueue a write-back run that acts on
	// the portal; the task then shows that run's result and evidence.
	WriteBack bool
	// ItemStatus, when set, ends the task's work item with this status
	// (ItemSuccessful, or ItemFailed as a business failure).
	ItemStatus ItemStatus
	// Review, when set, moves the item's review status (a QA sample that
	// passed becomes ReviewVerified).
	Review ReviewStatus
}

// QueueConfig is a team queue: its people, SLA and resolutions.
type QueueConfig struct {
	Name       string
	Label      string
	Members    []string // user names for round-robin and least-loaded assignment
	Assignment AssignStrategy
	SLA        SLAPolicy
	Outcomes   []Outcome
}

// Outcome finds a resolution outcome by name.
func (q QueueConfig) Outcome(name string) (Outcome, bool) {
	for _, o := range q.Outcomes {
		if o.Name == name {
			return o, true
		}
	}
	return Outcome{}, false
}

// Validate reports the first unusable field, naming the queue.
func (q QueueConfig) Validate() error {
	if q.Name == "" {
		return fmt.Errorf("%w: a queue has no name", ErrInvalid)
	}
	switch q.Assignment {
	case "", AssignSelfClaim:
	case AssignRoundRobin, AssignLeastLoaded:
		if len(q.Members) == 0 {
			return fmt.Errorf("%w: queue %s: %s assignment needs members", ErrInvalid, q.Name, q.Assignment)
		}
	default:
		return fmt.Errorf("%w: queue %s: assignment %q: want self_claim, round_robin or least_loaded", ErrInvalid, q.Name, q.Assignment)
	}
	if err := q.SLA.Validate(q.Name); err != nil {
		return err
	}
	if len(q.Outcomes) == 0 {
		return fmt.Errorf("%w: queue %s: no resolution outcomes", ErrInvalid, q.Name)
	}
	seen := map[string]bool{}
	for _, o := range q.Outcomes {
		switch {
		case o.Name == "":
			return fmt.Errorf("%w: queue %s: an outcome has no name", ErrInvalid, q.Name)
		case seen[o.Name]:
			return fmt.Errorf("%w: queue %s: outcome %s is listed twice", ErrInvalid, q.Name, o.Name)
		case o.ItemStatus != "" && o.ItemStatus != ItemSuccessful && o.ItemStatus != ItemFailed:
			return fmt.Errorf("%w: queue %s: outcome %s: item_status %q: want successful or failed", ErrInvalid, q.Name, o.Name, o.ItemStatus)
		case o.Review != "" && o.Review != ReviewVerified && o.Review != ReviewNone && o.Review != ReviewInReview:
			return fmt.Errorf("%w: queue %s: outcome %s: review %q: want none, in_review or verified", ErrInvalid, q.Name, o.Name, o.Review)
		}
		seen[o.Name] = true
	}
	return nil
}

// Queues are the configured team queues and the calendar their clocks use.
type Queues struct {
	Calendar *Calendar
	byName   map[string]QueueConfig
}

// NewQueues validates every queue; cal nil means weekends off in UTC with
// no holidays.
func NewQueues(cal *Calendar, qs ...QueueConfig) (*Queues, error) {
	if cal == nil {
		c, err := NewCalendar(CalendarConfig{})
		if err != nil {
			return nil, err
		}
		cal = c
	}
	out := &Queues{Calendar: cal, byName: make(map[string]QueueConfig, len(qs))}
	for _, q := range qs {
		if err := q.Validate(); err != nil {
			return nil, fmt.Errorf("orchestrator: %w", err)
		}
		if _, dup := out.byName[q.Name]; dup {
			return nil, fmt.Errorf("orchestrator: %w: queue %s is defined twice", ErrInvalid, q.Name)
		}
		out.byName[q.Name] = q
	}
	return out, nil
}

// Queue finds a queue by name.
func (qs *Queues) Queue(name string) (QueueConfig, bool) {
	q, ok := qs.byName[name]
	return q, ok
}

// Names lists the queues, sorted.
func (qs *Queues) Names() []string {
	names := make([]string, 0, len(qs.byName))
	for n := range qs.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultQueues are Docket's five team queues with the resolutions each
// team uses; deploy/rules.example.yaml spells out the same and more.
func DefaultQueues() []QueueConfig {
	notIssue := Outcome{Name: "not_an_issue", Label: "Not an issue", ItemStatus: ItemSuccessful}
	return []QueueConfig{
		{Name: QueueCoding, Label: "Coding", SLA: SLAPolicy{TargetDays: 2}, Outcomes: []Outcome{
			{Name: "code_corrected", Label: "Code corrected", WriteBack: true},
			{Name: "modifier_appended", Label: "Modifier appended", WriteBack: true},
			{Name: "query_needed", Label: "Physician query needed"},
			notIssue,
		}},
		{Name: QueueCDI, Label: "Clinical documentation", SLA: SLAPolicy{TargetDays: 3, OnBreach: BreachEscalate,
			Escalation: []EscalationStep{{AfterDays: 0, Role: "cdi_specialist"}, {AfterDays: 3, Role: "physician_advisor"}, {AfterDays: 5, Role: "director"}}},
			Outcomes: []Outcome{
				{Name: "query_sent", Label: "Query sent"},
				{Name: "documentation_received", Label: "Documentation received", ItemStatus: ItemSuccessful},
				notIssue,
			}},
		{Name: QueueBilling, Label: "Billing", SLA: SLAPolicy{TargetDays: 2}, Outcomes: []Outcome{
			{Name: "units_corrected", Label: "Units corrected", WriteBack: true},
			{Name: "write_back_approved", Label: "Write-back approved", WriteBack: true},
			{Name: "claim_held", Label: "Claim held for payer", ItemStatus: ItemFailed},
			notIssue,
		}},
		{Name: QueueRevenueIntegrity, Label: "Revenue integrity", SLA: SLAPolicy{TargetDays: 5}, Outcomes: []Outcome{
			{Name: "sample_passed", Label: "Sample passed", Review: ReviewVerified},
			{Name: "sample_failed", Label: "Sample failed: finding recorded", Review: ReviewNone},
			notIssue,
		}},
		{Name: QueueAutomation, Label: "Automation", SLA: SLAPolicy{TargetHours: 4, OnBreach: BreachReassign}, Outcomes: []Outcome{
			{Name: "bot_fixed", Label: "Bot fixed"},
			{Name: "portal_down", Label: "Portal was down"},
			notIssue,
		}},
	}
}
