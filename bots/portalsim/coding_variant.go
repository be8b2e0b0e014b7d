package portalsim

import (
	"fmt"
	"slices"
	"strings"
)

// Layout variants of the coding worklist. A variant serves the same
// generated accounts as layout v1 (same labels, same value formats) but
// with other markup and navigation, so a flow pack that reads a variant
// can be checked record for record against Accounts. Together the
// variants exercise every row of the flow vocabulary (docs: FLOWS.md).
const (
	// VariantCards: a consent banner that blocks clicks until accepted
	// and a facility picker after sign-in; the worklist as cards with a
	// "Load more" button; the detail in a modal dialog on the list page,
	// as definition lists (each dt/dd pair in a div, as HTML allows) with
	// one group per hold reason (a missing field is left out of its group).
	VariantCards = "cards"
	// VariantFrames: an accept-terms page after sign-in; the worklist in
	// an iframe nested in an iframe, a table with a numbered pager;
	// account links open the detail in a new tab (target=_blank), shown
	// as label/value cards.
	VariantFrames = "frames"
	// VariantScroll: a consent banner and a "continue" page after
	// sign-in; the worklist greets with alert() on load, a table that
	// loads more rows as it is scrolled (infinite scroll); opening an
	// account asks confirm() and opens a new window (window.open) showing
	// definition lists.
	VariantScroll = "scroll"
	// VariantButtons: a facility picker after sign-in; a table paged by a
	// "Next" button without an href (the script swaps the rows in place);
	// the detail as label/value cards; releasing a hold asks confirm().
	VariantButtons = "buttons"
	// VariantPaged: accept-terms then a facility picker after sign-in; a
	// server-rendered table with no next control at all, reached by the
	// page-number URL template /worklist?page=N; definition-list details;
	// an "Export CSV" link.
	VariantPaged = "paged"
)

// Variants lists every layout variant.
func Variants() []string {
	return []string{VariantCards, VariantFrames, VariantScroll, VariantButtons, VariantPaged}
}

// Interstitial pages and overlays a variant shows around sign-in.
const (
	InterstitialConsent  = "consent"  // a cookie/consent banner over every page until accepted
	InterstitialFacility = "facility" // choose a facility context after sign-in
	InterstitialTerms    = "terms"    // accept the terms of use after sign-in
	InterstitialContinue = "continue" // a message of the day with a Continue button
)

// variantSpec is what a variant changes: markup and navigation only.
type variantSpec struct {
	interstitials []string // after sign-in, in order (consent is an overlay, not a page)
	list          string   // listCards, listFrames, listScroll, listButtons, listPaged
	detail        string   // detailDL or detailCards
	alertConfirm  bool     // the worklist greets with alert(); opening an account asks confirm()
	actionConfirm bool     // releasing a hold asks confirm()
	frames        bool     // pages may be framed by the portal itself
}

const (
	detailDL    = "dl"
	detailCards = "cards"
)

var variantSpecs = map[string]variantSpec{
	VariantCards:   {interstitials: []string{InterstitialConsent, InterstitialFacility}, list: VariantCards, detail: detailDL},
	VariantFrames:  {interstitials: []string{InterstitialTerms}, list: VariantFrames, detail: detailCards, frames: true},
	VariantScroll:  {interstitials: []string{InterstitialConsent, InterstitialContinue}, list: VariantScroll, detail: detailDL, alertConfirm: true},
	VariantButtons: {interstitials: []string{InterstitialFacility}, list: VariantButtons, detail: detailCards, actionConfirm: true},
	VariantPaged:   {interstitials: []string{InterstitialTerms, InterstitialFacility}, list: VariantPaged, detail: detailDL},
}

// VariantInterstitials returns the interstitials a variant shows, in
// order; InterstitialConsent is an overlay on every page, the others are
// pages after sign-in.
func VariantInterstitials(variant string) []string {
	return slices.Clone(variantSpecs[variant].interstitials)
}

func validateVariant(v string) error {
	if v == "" {
		return nil
	}
	if _, ok := variantSpecs[v]; !ok {
		return fmt.Errorf("portalsim: variant %q is not one of %s", v, strings.Join(Variants(), ", "))
	}
	return nil
}

// Variant returns the layout variant served, "" for none.
func (w *CodingWorklist) Variant() string { return w.cfg.Variant }

func (w *CodingWorklist) spec() (variantSpec, bool) {
	s, ok := variantSpecs[w.cfg.Variant]
	return s, ok
}

func (s variantSpec) has(interstitial string) bool {
	return slices.Contains(s.interstitials, interstitial)
}
