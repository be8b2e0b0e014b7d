package flow

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/portalsim"
)

// TestRunErrorsNameNoAccount is the finding from issue 13: a run that
// failed on an account page said "account 1004… detail page answered HTTP
// 404", and that text reached the run record viewers read and the worker
// log. The error must name the worklist row instead, and no account
// number, MRN or patient name.
func TestRunErrorsNameNoAccount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(rw http.ResponseWriter)
		want   string
	}{
		{"HTTP 404", func(rw http.ResponseWriter) { http.Error(rw, "not found", http.StatusNotFound) }, "HTTP 404"},
		{"a page the selectors do not fit", func(rw http.ResponseWriter) {
			rw.Header().Set("Content-Type", "text/html")
			_, _ = rw.Write([]byte("<html><body><p>Account not on file</p></body></html>"))
		}, "selector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var victim atomic.Value
			victim.Store("")
			fx := newFixture(t, portalsim.Config{Accounts: 12, PageSize: 25}, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
					if v := victim.Load().(string); v != "" && r.URL.Path == "/accounts/"+v {
						tc.answer(rw)
						return
					}
					h.ServeHTTP(rw, r)
				})
			})
			accounts := fx.portal.Accounts()
			victim.Store(accounts[7].Number)
			_, err := runBot(t, newBot(t), fx.target, 0)
			if err == nil {
				t.Fatal("the run succeeded; want it to fail on the broken account page")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "worklist page 1 row") {
				t.Fatalf("Run = %q; want the failure (%s) and the worklist row it happened on", msg, tc.want)
			}
			for _, a := range accounts {
				for _, id := range []string{a.Number, a.MRN, a.PatientName, a.EncounterID} {
					if id != "" && strings.Contains(msg, id) {
						t.Fatalf("the run error names %q: %s", id, msg)
					}
				}
			}
			if errors.Is(err, bots.ErrMaintenance) {
				t.Fatalf("Run = %v, not a maintenance page", err)
			}
		})
	}
}
