package claimscrubber

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docket-rpa/docket/bots/portalsim"
)

// TestRunErrorsNameNoClaim: a run that fails on a claim page names the
// list row, never the claim id, the account, the patient control number
// or the patient (issue 13: run errors reach viewers and worker logs).
func TestRunErrorsNameNoClaim(t *testing.T) {
	var victim atomic.Value
	victim.Store("")
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if v := victim.Load().(string); v != "" && r.URL.Path == "/claims/"+v {
				http.Error(rw, "forbidden", http.StatusForbidden)
				return
			}
			h.ServeHTTP(rw, r)
		})
	})
	claims := fx.portal.Claims()
	victim.Store(claims[3].ID)
	err := runBot(t, newBot(t, "v1"), fx.target, &memRecorder{}, 0)
	if err == nil || !strings.Contains(err.Error(), "HTTP 403") || !strings.Contains(err.Error(), " row ") {
		t.Fatalf("Run = %v; want the claim page's HTTP 403 and the list row it was on", err)
	}
	for _, c := range claims {
		for _, id := range []string{c.ID, c.AccountNumber, c.ControlNumber, c.PatientName} {
			if id != "" && strings.Contains(err.Error(), id) {
				t.Fatalf("the run error names %q: %v", id, err)
			}
		}
	}
}
