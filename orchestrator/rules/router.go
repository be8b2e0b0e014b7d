package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Rule kinds: what a rule looks at.
const (
	OnItem       = "item"
	OnRunFailure = "run_failure"
)

// Router is an orchestrator.Router compiled from a routing file. It is
// immutable and safe for concurrent use.
type Router struct {
	queues   *orchestrator.Queues
	item     []rule
	failure  []rule
	sampling SamplingSpec
	samplePr orchestrator.Priority
	problems ProblemsSpec
	problPr  orchestrator.Priority
}

var _ orchestrator.Router = (*Router)(nil)

type rule struct {
	spec       RuleSpec
	priority   orchestrator.Priority
	when       *vm.Program
	clockStart *vm.Program // nil when the queue's clock starts now
	due        *vm.Program
}

// Queues are the file's team queues and calendar.
func (r *Router) Queues() *orchestrator.Queues { return r.queues }

// RuleNames lists the rules in evaluation order, item rules first.
func (r *Router) RuleNames() []string {
	var names []string
	for _, ru := range append(append([]rule{}, r.item...), r.failure...) {
		names = append(names, ru.spec.Name)
	}
	return names
}

func newRouter(f File, queues *orchestrator.Queues) (*Router, error) {
	r := &Router{queues: queues, sampling: f.Sampling, problems: f.Problems}
	var err error
	if r.sampling.Rate < 0 || r.sampling.Rate > 1 {
		return nil, &Error{Where: "sampling", Msg: fmt.Sprintf("rate %g: want 0 to 1", r.sampling.Rate)}
	}
	if r.sampling.Rate > 0 {
		if r.sampling.Seed == "" {
			return nil, &Error{Where: "sampling", Msg: "a seed is required so the sample can be reproduced"}
		}
		if _, ok := queues.Queue(r.sampling.Queue); !ok {
			return nil, &Error{Where: "sampling", Msg: fmt.Sprintf("queue %q is not defined", r.sampling.Queue)}
		}
	}
	if r.samplePr, err = priorityOr(r.sampling.Priority, orchestrator.PriorityLow); err != nil {
		return nil, &Error{Where: "sampling", Msg: err.Error()}
	}
	if r.problems.Queue != "" {
		if _, ok := queues.Queue(r.problems.Queue); !ok {
			return nil, &Error{Where: "problems", Msg: fmt.Sprintf("queue %q is not defined", r.problems.Queue)}
		}
	}
	if r.problPr, err = priorityOr(r.problems.Priority, orchestrator.PriorityHigh); err != nil {
		return nil, &Error{Where: "problems", Msg: err.Error()}
	}
	seen := map[string]bool{}
	for i, spec := range f.Rules {
		where := fmt.Sprintf("rule %d", i+1)
		if spec.Name != "" {
			where = fmt.Sprintf("rule %q", spec.Name)
		}
		ru, err := compileRule(spec, queues)
		if err != nil {
			return nil, &Error{Where: where, Msg: err.Error()}
		}
		if seen[spec.Name] {
			return nil, &Error{Where: where, Msg: "another rule has this name"}
		}
		seen[spec.Name] = true
		if ru.spec.On == OnRunFailure {
			r.failure = append(r.failure, ru)
		} else {
			r.item = append(r.item, ru)
		}
	}
	return r, nil
}

func priorityOr(s string, def orchestrator.Priority) (orchestrator.Priority, error) {
	if s == "" {
		return def, nil
	}
	p, err := orchestrator.ParsePriority(s)
	if err != nil {
		return "", errors.New(strings.TrimPrefix(err.Error(), "invalid: "))
	}
	return p, nil
}

func compileRule(spec RuleSpec, queues *orchestrator.Queues) (rule, error) {
	ru := rule{spec: spec}
	switch {
	case spec.Name == "":
		return ru, errors.New("name is required")
	case strings.HasPrefix(spec.Name, "qa_sample") || spec.Name == orchestrator.ReasonFieldProblems:
		return ru, fmt.Errorf("name %q is reserved", spec.Name)
	case strings.TrimSpace(spec.When) == "":
		return ru, errors.New("when is required")
	}
	if _, ok := queues.Queue(spec.Queue); !ok {
		return ru, fmt.Errorf("queue %q is not defined (queues: %s)", spec.Queue, strings.Join(queues.Names(), ", "))
	}
	var err error
	if ru.priority, err = priorityOr(spec.Priority, orchestrator.PriorityNormal); err != nil {
		return ru, err
	}
	var env map[string]any
	switch spec.On {
	case "", OnItem:
		ru.spec.On, env = OnItem, itemEnv(evalFuncs{})
	case OnRunFailure:
		env = failureEnv(evalFuncs{})
		if spec.MoveItem || spec.ClockStart != "" || spec.Due != "" {
			return ru, errors.New("a run_failure rule has no item: move_item, clock_start and due do not apply")
		}
	default:
		return ru, fmt.Errorf("on %q: want item or run_failure", spec.On)
	}
	if ru.when, err = expr.Compile(spec.When, expr.Env(env), expr.AsBool()); err != nil {
		return ru, fmt.Errorf("when: %s", oneLine(err))
	}
	if spec.ClockStart != "" {
		if ru.clockStart, err = expr.Compile(spec.ClockStart, expr.Env(env)); err != nil {
			return ru, fmt.Errorf("clock_start: %s", oneLine(err))
		}
	}
	if spec.Due != "" {
		if ru.due, err = expr.Compile(spec.Due, expr.Env(env)); err != nil {
			return ru, fmt.Errorf("due: %s", oneLine(err))
		}
	}
	return ru, nil
}

// oneLine keeps an expr error's message and position, dropping the
// source excerpt it draws under it.
func oneLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// Route evaluates the item rules in order: the first match wins unless it
// says continue. An item with field problems goes to a person first
// (problems.queue, default its own queue). An item the bots handled
// cleanly (created or updated, no rule matched) is sampled for QA review
// at the sampling rate, reproducibly. A rule that fails at run time (a
// missing field) does not match; its *orchestrator.RuleError is returned
// beside the decisions so the caller can open a task for it.
func (r *Router) Route(_ context.Context, in orchestrator.RouteInput, now time.Time) ([]orchestrator.RouteDecision, error) {
	var out []orchestrator.RouteDecision
	if len(in.Problems) > 0 {
		q := r.problems.Queue
		if q == "" {
			q = in.Item.Queue
		}
		fields := make([]string, 0, len(in.Problems))
		for _, p := range in.Problems {
			fields = append(fields, p.Field+" ("+p.Problem+")")
		}
		out = append(out, orchestrator.RouteDecision{
			Rule: orchestrator.ReasonFieldProblems, Queue: q, Priority: r.problPr,
			Detail: "the bot could not read: " + strings.Join(fields, ", "),
		})
	}
	f := evalFuncs{cal: r.queues.Calendar, now: now}
	env := itemEnv(f)
	fillItemEnv(env, in)
	var errs []error
	for _, ru := range r.item {
		d, ok, err := ru.eval(env, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		out = append(out, d)
		if !ru.spec.Continue {
			break
		}
	}
	if len(out) == 0 && len(errs) == 0 && r.sample(in) {
		out = append(out, orchestrator.RouteDecision{
			Rule: orchestrator.ReasonQASample, Queue: r.sampling.Queue, Priority: r.samplePr,
			Detail: fmt.Sprintf("audit sample: rate %g, seed %q", r.sampling.Rate, r.sampling.Seed),
		})
	}
	return out, errors.Join(errs...)
}

func (r *Router) sample(in orchestrator.RouteInput) bool {
	if r.sampling.Rate <= 0 || in.Outcome == orchestrator.UpsertUnchanged {
		return false
	}
	if len(r.sampling.Kinds) > 0 {
		found := false
		for _, k := range r.sampling.Kinds {
			found = found || k == string(in.Item.Kind)
		}
		if !found {
			return false
		}
	}
	return orchestrator.Sampled(r.sampling.Seed, SampleKey(in.Item), r.sampling.Rate)
}

// SampleKey is the key an item is sampled by: stable across runs and
// databases, so an auditor can recompute the sample from an export.
func SampleKey(it orchestrator.WorkItem) string { return it.Portal + "/" + it.ExternalID }

// RouteFailure evaluates the run_failure rules for a failed run.
func (r *Router) RouteFailure(_ context.Context, fl orchestrator.RunFailure, now time.Time) ([]orchestrator.RouteDecision, error) {
	f := evalFuncs{cal: r.queues.Calendar, now: now}
	env := failureEnv(f)
	env["bot"], env["run_id"], env["error"], env["attempts"] = fl.Run.Bot, fl.Run.ID, fl.Run.Error, fl.Run.Attempts
	env["portal"], env["kind"] = fl.Bot.Portal, fl.Bot.Kind
	var (
		out  []orchestrator.RouteDecision
		errs []error
	)
	for _, ru := range r.failure {
		d, ok, err := ru.eval(env, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			out = append(out, d)
			if !ru.spec.Continue {
				break
			}
		}
	}
	return out, errors.Join(errs...)
}

func (ru rule) eval(env map[string]any, f evalFuncs) (orchestrator.RouteDecision, bool, error) {
	v, err := expr.Run(ru.when, env)
	if err != nil {
		return orchestrator.RouteDecision{}, false, &orchestrator.RuleError{Rule: ru.spec.Name, Part: "when", Err: errors.New(oneLine(err))}
	}
	if match, _ := v.(bool); !match {
		return orchestrator.RouteDecision{}, false, nil
	}
	d := orchestrator.RouteDecision{
		Rule: ru.spec.Name, Queue: ru.spec.Queue, Priority: ru.priority, Detail: ru.spec.Detail, MoveItem: ru.spec.MoveItem,
	}
	if d.Detail == "" {
		d.Detail = "rule " + ru.spec.Name
	}
	if ru.clockStart != nil {
		if d.ClockStart, err = runDate(ru.clockStart, env, f); err != nil {
			return d, false, &orchestrator.RuleError{Rule: ru.spec.Name, Part: "clock_start", Err: err}
		}
	}
	if ru.due != nil {
		if d.DueAt, err = runDate(ru.due, env, f); err != nil {
			return d, false, &orchestrator.RuleError{Rule: ru.spec.Name, Part: "due", Err: err}
		}
	}
	return d, true, nil
}

func runDate(p *vm.Program, env map[string]any, f evalFuncs) (time.Time, error) {
	v, err := expr.Run(p, env)
	if err != nil {
		return time.Time{}, errors.New(oneLine(err))
	}
	if v == nil {
		return time.Time{}, nil
	}
	return f.parse(v)
}
