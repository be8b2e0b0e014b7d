package flow

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
)

// Packs that are not embedded (testdata/packs/<variant>) read the
// portalsim layout variants: every record exact against the portal's
// ground truth, and every silently-wrong scenario fails closed with its
// reason.

// variantPack loads testdata/packs/<name>.
func variantPack(t *testing.T, name string) *Pack {
	t.Helper()
	ps, err := Load("testdata/packs")
	if err != nil {
		t.Fatalf("load testdata/packs: %v", err)
	}
	for _, p := range ps {
		if strings.HasSuffix(p.Source, "/"+name) {
			return p
		}
	}
	t.Fatalf("no pack %s in testdata/packs", name)
	return nil
}

func variantBot(t *testing.T, pack string, flow ...string) *Bot {
	t.Helper()
	name := "coding-holds"
	if len(flow) > 0 {
		name = flow[0]
	}
	b, err := New(Config{Pack: variantPack(t, pack), Flow: name, Backoff: 5 * time.Millisecond, PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkEveryRecord compares every observation with the ground truth.
func checkEveryRecord(t *testing.T, rec *memRecorder, truth []portalsim.Account) {
	t.Helper()
	if len(rec.Obs) != len(truth) {
		t.Fatalf("observed %d accounts, portal has %d", len(rec.Obs), len(truth))
	}
	for i, a := range truth {
		o := rec.Obs[i]
		if o.ExternalID != a.Number || o.Kind != orchestrator.KindCodingHold || len(o.Problems) != 0 {
			t.Errorf("observation %d: %s %s, problems %v", i, o.ExternalID, o.Kind, o.Problems)
		}
		got, ok := o.Data.(orchestrator.CodingHold)
		if !ok {
			t.Fatalf("observation %d data is %T", i, o.Data)
		}
		if w := want(a); !reflect.DeepEqual(got, w) {
			t.Errorf("account %s:\n got %+v\nwant %+v", a.Number, got, w)
		}
	}
}

// failsClosed checks that a run failed with a reason naming what went
// wrong and a screenshot, never "succeeded".
func failsClosed(t *testing.T, rec *memRecorder, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("run succeeded with %d records; want it to fail closed (%s)", len(rec.Obs), reason)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Errorf("error %q does not say %q", err, reason)
	}
	if len(rec.Captures(orchestrator.EvidenceScreenshot)) == 0 {
		t.Error("no screenshot of the failure")
	}
}

func TestFramesVariantPack(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantFrames, Accounts: 34, PageSize: 10}, nil)
	rec, err := runBot(t, variantBot(t, "frames"), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryRecord(t, rec, fx.portal.Accounts())
	if rec.Pages != 4 {
		t.Errorf("%d list pages read, want 4", rec.Pages)
	}
}

func TestFramesVariantFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent portalsim.SilentFaults
		reason string
		step   time.Duration
	}{
		{"end early", portalsim.SilentFaults{EndEarly: 13}, "says it holds 34 records, but the run read 13", 0},
		{"count extra", portalsim.SilentFaults{CountExtra: 5}, "says it holds 39 records, but the run read 34", 0},
		{"broken next", portalsim.SilentFaults{BrokenNext: true}, "HTTP 404", 0},
		{"shifted group", portalsim.SilentFaults{ShiftedGroup: true}, "shift", 0},
		{"survey", portalsim.SilentFaults{Survey: true}, "unexpected page", 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantFrames, Accounts: 34, PageSize: 10, Silent: tc.silent}, nil)
			rec, err := runBot(t, variantBot(t, "frames"), fx.target, tc.step)
			t.Logf("failed closed: %v", err)
			failsClosed(t, rec, err, tc.reason)
		})
	}
}

// TestShiftedGroupFailsClosed: the built-in pack on layouts v1 and v2,
// whose hold reason rows leave out an empty physician's cell, fails the
// run instead of reading the note as the physician.
func TestShiftedGroupFailsClosed(t *testing.T) {
	for _, layout := range []string{portalsim.LayoutV1, portalsim.LayoutV2} {
		t.Run(layout, func(t *testing.T) {
			fx := newFixture(t, portalsim.Config{Accounts: 30, Layout: layout, Silent: portalsim.SilentFaults{ShiftedGroup: true}}, nil)
			rec, err := runBot(t, newBot(t), fx.target, 0)
			t.Logf("failed closed: %v", err)
			failsClosed(t, rec, err, "cells under 6 headers: read by position, a value would shift into another's place")
		})
	}
}

func TestPagedVariantPack(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantPaged, Accounts: 34, PageSize: 10}, nil)
	rec, err := runBot(t, variantBot(t, "paged"), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryRecord(t, rec, fx.portal.Accounts())
	if rec.Pages != 4 {
		t.Errorf("%d list pages read, want 4", rec.Pages)
	}
}

func TestPagedVariantFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent portalsim.SilentFaults
		reason string
		step   time.Duration
	}{
		{"end early", portalsim.SilentFaults{EndEarly: 13}, "says it holds 34 records, but the run read 13", 0},
		{"count extra", portalsim.SilentFaults{CountExtra: 5}, "says it holds 39 records, but the run read 34", 0},
		{"broken page url", portalsim.SilentFaults{BrokenNext: true}, "worklist page 2 answered HTTP 404", 0},
		{"survey", portalsim.SilentFaults{Survey: true}, "unexpected page", 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantPaged, Accounts: 34, PageSize: 10, Silent: tc.silent}, nil)
			rec, err := runBot(t, variantBot(t, "paged"), fx.target, tc.step)
			t.Logf("failed closed: %v", err)
			failsClosed(t, rec, err, tc.reason)
		})
	}
}

// TestPagedVariantShiftedDefinitions: with ShiftedGroup the definition
// lists keep a physician's label without its value; read by label the
// physician stays missing and every record is exact.
func TestPagedVariantShiftedDefinitions(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantPaged, Accounts: 34, PageSize: 10,
		Silent: portalsim.SilentFaults{ShiftedGroup: true}}, nil)
	rec, err := runBot(t, variantBot(t, "paged"), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryRecord(t, rec, fx.portal.Accounts())
}

// TestExportCrossCheck: the paged variant read without its count, then
// cross-checked against the worklist's CSV export: a whole list passes
// with every record exact; a list that stops early, which no count on the
// page betrays here, fails the run closed.
func TestExportCrossCheck(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantPaged, Accounts: 34, PageSize: 10}, nil)
	rec, err := runBot(t, variantBot(t, "paged", "coding-holds-export"), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryRecord(t, rec, fx.portal.Accounts())

	fx = newFixture(t, portalsim.Config{Variant: portalsim.VariantPaged, Accounts: 34, PageSize: 10,
		Silent: portalsim.SilentFaults{EndEarly: 13}}, nil)
	rec, err = runBot(t, variantBot(t, "paged", "coding-holds-export"), fx.target, 0)
	t.Logf("failed closed: %v", err)
	failsClosed(t, rec, err, "the export lists 34 records, 21 of which the run did not read")
}

func TestButtonsVariantPack(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantButtons, Accounts: 34, PageSize: 10}, nil)
	rec, err := runBot(t, variantBot(t, "buttons"), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryRecord(t, rec, fx.portal.Accounts())
	if rec.Pages != 4 {
		t.Errorf("%d list pages read, want 4", rec.Pages)
	}
}

func TestButtonsVariantFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent portalsim.SilentFaults
		reason string
		step   time.Duration
	}{
		{"end early", portalsim.SilentFaults{EndEarly: 13}, "says it holds 34 records, but the run read 13", 0},
		{"count extra", portalsim.SilentFaults{CountExtra: 5}, "says it holds 39 records, but the run read 34", 0},
		{"broken next", portalsim.SilentFaults{BrokenNext: true}, "worklist page 2: the next control could not be followed", 3 * time.Second},
		{"shifted group", portalsim.SilentFaults{ShiftedGroup: true}, "a value would shift into another's place", 0},
		{"survey", portalsim.SilentFaults{Survey: true}, "unexpected page", 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, portalsim.Config{Variant: portalsim.VariantButtons, Accounts: 34, PageSize: 10, Silent: tc.silent}, nil)
			rec, err := runBot(t, variantBot(t, "buttons"), fx.target, tc.step)
			t.Logf("failed closed: %v", err)
			failsClosed(t, rec, err, tc.reason)
		})
	}
}

// TestVariantPacksLint: the variant packs pass lint, and lint names a
// page_url without its pages element.
func TestVariantPacksLint(t *testing.T) {
	for _, name := range []string{"frames", "paged", "buttons"} {
		if f := Lint(variantPack(t, name)); len(f) != 0 {
			t.Errorf("pack %s: %v", name, f)
		}
	}
	p := variantPack(t, "paged")
	for _, fl := range p.Flows {
		for _, e := range fl.Steps {
			if rl, ok := e.Step.(*readListStep); ok {
				rl.Pages = ""
			}
		}
	}
	found := false
	for _, f := range Lint(p) {
		found = found || strings.Contains(f.Msg, "page_url and pages go together")
	}
	if !found {
		t.Errorf("lint does not name a page_url without pages: %v", Lint(p))
	}
}
