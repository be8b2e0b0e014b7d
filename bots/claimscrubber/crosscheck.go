package claimscrubber

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/docket-rpa/docket/orchestrator"
)

// crossCheck compares an edit read from the screens with the same edit in
// the CSV export. Every field both sources define is compared; a
// disagreement is a problem on that field. Where the screen could not be
// read and the export could, the export's value is used (the problem
// stays); an edit the export lacks is flagged.
func (r *run) crossCheck(screen *parsedEdit) *parsedEdit {
	switch x, ok := r.export.byKey[screen.key]; {
	case r.export.broken:
		screen.problem(fieldExport, problemExportBroken)
	case !ok:
		screen.problem(fieldEdit, problemNotInExport)
	default:
		r.export.matched[screen.key] = true
		compare(screen, x, r.bot.sharedFields())
	}
	return screen
}

// sharedFields are the field names both the screens (claim header and edit
// table) and the export define, sorted.
func (b *Bot) sharedFields() []string {
	onScreen := map[string]bool{}
	for _, g := range []string{groupClaim, groupEdit} {
		for _, f := range b.fields[g] {
			onScreen[f.Name] = true
		}
	}
	var out []string
	for _, f := range b.fields[groupExport] {
		if onScreen[f.Name] {
			out = append(out, f.Name)
		}
	}
	slices.Sort(out)
	return out
}

func compare(screen, export *parsedEdit, names []string) {
	for _, name := range names {
		_, sBad := screen.failed(name)
		xRule, xBad := export.failed(name)
		switch {
		case sBad && xBad:
		case sBad:
			if v, ok := export.values[name]; ok {
				screen.values[name] = v
			}
		case xBad:
			screen.problem(name, problemExportPrefix+xRule)
		case !sameValue(screen.values[name], export.values[name]):
			screen.problem(name, problemDisagree)
		}
	}
	for _, p := range export.problems {
		if p.Field == "edit_id" { // repeats in the export
			screen.problem(p.Field, problemExportPrefix+p.Problem)
		}
	}
}

// sameValue compares parsed values by their JSON form, so int64 and
// []string compare by content and absent equals absent.
func sameValue(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// observe reports one edit; where names it in errors without its claim id.
func (r *run) observe(ctx context.Context, e *parsedEdit, evidenceID int64, where string) error {
	ce, err := claimEdit(e.values)
	if err != nil {
		// New checked the field names; a value of the wrong type is a
		// defect of the bot, not of the page.
		return fmt.Errorf("claimscrubber: %s: %w", where, err)
	}
	err = r.rec.Observe(ctx, orchestrator.Observation{
		Portal: r.s.Target.Portal, ExternalID: e.key, Kind: orchestrator.KindClaimEdit,
		Queue: QueueFor(ce.OwnerTeam), Data: ce, EvidenceID: evidenceID, Problems: e.problems,
	})
	if err != nil {
		return fmt.Errorf("claimscrubber: %s: observe: %w", where, err)
	}
	return nil
}

// observeExportOnly reports the edits the export lists but the screens did
// not show, flagged, with the export as their evidence.
func (r *run) observeExportOnly(ctx context.Context) error {
	for i, key := range r.export.order {
		if r.export.matched[key] || r.seen[key] {
			continue
		}
		e := r.export.byKey[key]
		if id, _ := e.values["claim_id"].(string); orchestrator.CheckExternalID(id) != nil {
			if err := r.badClaim(ctx, id, fmt.Sprintf("edit %d of the export", i+1)); err != nil {
				return err
			}
			continue
		}
		r.seen[key] = true
		e.problem(fieldEdit, problemOnlyInExport)
		if err := r.observe(ctx, e, r.export.evidenceID, fmt.Sprintf("edit %d of the export", i+1)); err != nil {
			return err
		}
	}
	return nil
}
