package orchestrator

import "testing"

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
