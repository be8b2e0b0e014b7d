package rules

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// evalFuncs are the functions a condition may call, bound to the calendar
// and the evaluation's clock.
type evalFuncs struct {
	cal *orchestrator.Calendar
	now time.Time
}

func (f evalFuncs) parse(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case string:
		loc := time.UTC
		if f.cal != nil {
			loc = f.cal.Location()
		}
		if d, err := time.ParseInLocation(time.DateOnly, t, loc); err == nil {
			return d, nil
		}
		if d, err := time.Parse(time.RFC3339, t); err == nil {
			return d, nil
		}
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or RFC 3339)", t)
	case nil:
		return time.Time{}, fmt.Errorf("no date (the field is missing)")
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a date", v, v)
}

func (f evalFuncs) businessDaysSince(v any) (int, error) {
	t, err := f.parse(v)
	if err != nil {
		return 0, err
	}
	if f.cal == nil {
		return 0, nil
	}
	return f.cal.BusinessDaysBetween(t, f.now), nil
}

// businessDaysUntil counts business days from now to a future date (0
// when it has passed: use businessDaysSince for that).
func (f evalFuncs) businessDaysUntil(v any) (int, error) {
	t, err := f.parse(v)
	if err != nil {
		return 0, err
	}
	if f.cal == nil {
		return 0, nil
	}
	return f.cal.BusinessDaysBetween(f.now, t), nil
}

func (f evalFuncs) daysSince(v any) (int, error) {
	t, err := f.parse(v)
	if err != nil {
		return 0, err
	}
	return int(f.now.Sub(t).Hours() / 24), nil
}

// funcs are the callables in every environment; their signatures are what
// expressions are type-checked against.
func (f evalFuncs) funcs(env map[string]any) map[string]any {
	env["businessDaysSince"] = f.businessDaysSince
	env["businessDaysUntil"] = f.businessDaysUntil
	env["daysSince"] = f.daysSince
	env["date"] = f.parse
	return env
}

func itemEnv(f evalFuncs) map[string]any {
	return f.funcs(map[string]any{
		"kind": "", "queue": "", "portal": "", "external_id": "", "status": "", "priority": "",
		"review": "", "outcome": "", "bot": "", "run_id": "",
		"data":     map[string]any{},
		"problems": []any{},
	})
}

func failureEnv(f evalFuncs) map[string]any {
	return f.funcs(map[string]any{
		"bot": "", "run_id": "", "error": "", "attempts": 0, "portal": "", "kind": "",
	})
}

func fillItemEnv(env map[string]any, in orchestrator.RouteInput) {
	it := in.Item
	env["kind"], env["queue"], env["portal"], env["external_id"] = string(it.Kind), it.Queue, it.Portal, it.ExternalID
	env["status"], env["priority"], env["review"] = string(it.Status), string(it.Priority), string(it.Review)
	env["outcome"], env["bot"], env["run_id"] = string(in.Outcome), in.Bot, in.RunID
	data := map[string]any{}
	if len(it.Data) > 0 {
		// Non-object data leaves the map empty; rules see no fields.
		_ = json.Unmarshal(it.Data, &data)
	}
	env["data"] = data
	problems := make([]any, 0, len(in.Problems))
	for _, p := range in.Problems {
		problems = append(problems, map[string]any{"field": p.Field, "problem": p.Problem})
	}
	env["problems"] = problems
}
