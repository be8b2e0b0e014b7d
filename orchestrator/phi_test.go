package orchestrator

import (
	"strings"
	"testing"
	"time"
)

// TestRedactURL: addresses in fetch errors keep the portal and the kind of
// page, not the account number or claim id in the path or the query.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080/accounts/1004261520":           "http://127.0.0.1:8080/accounts/•••",
		"https://portal.example/accounts/1004261520?mrn=M123": "https://portal.example/accounts/•••",
		"https://portal.example/claims/CLM0407/edits/2#x":     "https://portal.example/claims/•••",
		"https://portal.example/worklist?page=2":              "https://portal.example/worklist",
		"https://portal.example":                              "https://portal.example/",
		"not a url 1004261520":                                "•••",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestObservationErrorsNameNoExternalID: errors travel to run records that
// viewers read and to worker logs, so they name the portal, never the
// account number an observation carries.
func TestObservationErrorsNameNoExternalID(t *testing.T) {
	const acct = "1004261520"
	for _, obs := range []Observation{
		{Portal: "coding-worklist", ExternalID: acct, Queue: "coding"},
		{Portal: "coding-worklist", ExternalID: acct, Kind: KindCodingHold},
		{Portal: "coding-worklist", ExternalID: acct, Kind: KindCodingHold, Queue: "coding", Data: func() {}},
	} {
		_, err := NewItemUpsert("run", time.Now(), obs)
		if err == nil || strings.Contains(err.Error(), acct) || !strings.Contains(err.Error(), "coding-worklist") {
			t.Errorf("NewItemUpsert = %v; want an error naming the portal, not the account", err)
		}
	}
}
