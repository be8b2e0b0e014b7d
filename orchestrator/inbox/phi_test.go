package inbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestViewerSeesNoIdentifiers is issue 13's finding: the viewer role saw
// account numbers in run evidence lists and run errors. A failed run whose
// error and evidence name accounts (as bots wrote them before) is added to
// the fixtures; then every GET route a viewer may use is requested as a
// viewer, by session and by API token, and no answer may carry an account
// number, MRN, encounter id, patient name or portal address of an item.
// Staff, asked the same, still see the identifiers (so the scan can see
// them at all).
func TestViewerSeesNoIdentifiers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	other := e.items[1].ExternalID
	now := time.Now().UTC()
	run, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@phi", Bot: e.bot.Name,
		Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, run.ID, "w1", now); err != nil {
		t.Fatal(err)
	}
	for _, acct := range []string{e.account, other} {
		if _, err := e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
			Content: []byte("<p>" + acct + "</p>"), URL: "http://portal.test/accounts/" + acct + "?mrn=MRN-" + acct,
			Bot: e.bot.Name, RunID: run.ID, ItemRef: acct}); err != nil {
			t.Fatal(err)
		}
	}
	// How bots wrote errors before: the account number, and a fetch error
	// with the page's address. Run lists mask addresses and digit runs
	// (account numbers, MRNs); the run's own page also masks every
	// external id its evidence names, whatever its shape.
	runErr := "codingholds: account " + e.account + " detail page answered HTTP 404 (bots: fetch http://portal.test/accounts/" +
		other + "?mrn=MRN-" + other + ": refused)"
	runPageErr := runErr + "; also account " + other
	if err := e.store.FinishAttempt(ctx, run.ID, orchestrator.RunFailed, runErr, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	// The run page: a second, older run whose error names an account
	// with no digits to spot, only its evidence.
	pageRun, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@phi-page", Bot: e.bot.Name,
		Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: now.Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, pageRun.ID, "w1", now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
		Content: []byte("<p>x</p>"), URL: "http://portal.test/accounts/" + other, Bot: e.bot.Name, RunID: pageRun.ID, ItemRef: other}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishAttempt(ctx, pageRun.ID, orchestrator.RunFailed, runPageErr, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/runs/" + pageRun.ID, "/api/v1/runs/" + pageRun.ID} {
		_, body := e.getAs(t, "viewer", "session", path)
		if strings.Contains(body, other) || !strings.Contains(body, "also account") {
			t.Errorf("GET %s as viewer: want the error with %s masked:\n%s", path, other, around(body, "also account"))
		}
	}
	e.run, err = e.store.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}

	var identifiers []string
	for _, it := range e.items {
		var h orchestrator.CodingHold
		if err := json.Unmarshal(it.Data, &h); err != nil {
			t.Fatal(err)
		}
		identifiers = append(identifiers, it.ExternalID, h.MRN, h.PatientName, h.EncounterID, "/accounts/"+it.ExternalID)
	}
	scanned := 0
	for _, rt := range e.srv.Routes() {
		if rt.Method != http.MethodGet || rt.Pattern == "/static/{file}" || !orchestrator.RoleViewer.Includes(rt.Role) {
			continue
		}
		for _, auth := range []string{"session", "token"} {
			if auth == "token" && !rt.API {
				continue
			}
			status, body := e.getAs(t, "viewer", auth, e.samplePath(t, rt.Pattern, 0))
			if status != http.StatusOK {
				t.Errorf("GET %s as viewer via %s: status %d", rt.Pattern, auth, status)
			}
			for _, id := range identifiers {
				if strings.Contains(body, id) {
					t.Errorf("GET %s as viewer via %s shows %q:\n%s", rt.Pattern, auth, id, around(body, id))
				}
			}
			scanned++
		}
	}
	if scanned < 12 {
		t.Fatalf("scanned only %d answers", scanned)
	}
	for _, path := range []string{"/runs/" + run.ID, "/api/v1/runs/" + run.ID, "/bots", "/api/v1/runs"} {
		status, body := e.getAs(t, "viewer", "session", path)
		if status != http.StatusOK || !strings.Contains(body, "detail page answered HTTP 404") {
			t.Errorf("GET %s as viewer: status %d, the run's error is gone (want it masked, not hidden)", path, status)
		}
	}
	for _, path := range []string{"/runs/" + run.ID, "/api/v1/runs/" + run.ID} {
		if _, body := e.getAs(t, "staff", "session", path); !strings.Contains(body, e.account) || !strings.Contains(body, other) {
			t.Errorf("GET %s as staff: the account numbers are missing; staff see them as before", path)
		}
	}
	t.Logf("scanned %d viewer answers for %d identifiers", scanned, len(identifiers))
}

// getAs GETs path as who, through a session or an API token, and returns
// the status and body.
func (e *env) getAs(t *testing.T, who, auth, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth == "token" {
		secret, _ := newSecret()
		bearer := apiTokenPrefix + secret
		if _, err := e.store.CreateAPIToken(context.Background(), orchestrator.APIToken{UserID: e.users[who].ID, Name: "phi",
			TokenHash: hashSecret(bearer), Prefix: "dkt_"}); err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+bearer)
	} else {
		cookie, _ := e.session(who)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	}
	resp, err := e.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// around is the text near the first s in body.
func around(body, s string) string {
	i := strings.Index(body, s)
	return body[max(0, i-120):min(len(body), i+len(s)+120)]
}
