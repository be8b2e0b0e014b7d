package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// A write-back that failed for good shows on the task page in words with
// Retry for supervisors (not staff); Retry asks for a new run through the
// outbox, and the API says action_failed.
func TestActionFailedShowsAndRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	task := e.tasks[2]
	done, err := e.svc.Resolve(ctx, task.ID, 0, "staff", orchestrator.Resolution{Outcome: "code_corrected"})
	if err != nil {
		t.Fatal(err)
	}
	const why = "The portal's page has changed and the bot no longer finds its way on it; the automation team must update its selectors."
	if _, err := e.svc.WriteBackFailed(ctx, task.ID, done.WriteBackRunID, why); err != nil {
		t.Fatal(err)
	}
	path := "/tasks/" + strconv.FormatInt(task.ID, 10)
	staff, _ := e.login("staff")
	req, _ := http.NewRequest("GET", e.http.URL+path, nil)
	_, page := do(t, staff, req)
	if !strings.Contains(page, `id="action-failed"`) || !strings.Contains(page, "Action failed:") || !strings.Contains(page, "the automation team must update its selectors") {
		t.Fatalf("staff page does not show the failed action:\n%s", page)
	}
	if strings.Contains(page, `id="retry-writeback"`) {
		t.Fatal("staff are offered Retry")
	}
	sup, csrf := e.login("supervisor")
	req, _ = http.NewRequest("GET", e.http.URL+path, nil)
	if _, page = do(t, sup, req); !strings.Contains(page, `id="retry-writeback"`) {
		t.Fatal("supervisor is not offered Retry")
	}
	req, _ = http.NewRequest("GET", e.http.URL+"/api/v1"+path, nil)
	if _, body := do(t, sup, req); !strings.Contains(body, `"action_failed": "`+why+`"`) {
		t.Fatalf("API task document lacks action_failed: %s", body)
	}
	cur, _ := e.store.Task(ctx, task.ID)
	resp, _ := rawForm(t, sup, e.http.URL+path+"/retry-writeback", "csrf_token="+url.QueryEscape(csrf)+"&version="+strconv.FormatInt(cur.Version, 10))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?ok=retried") {
		t.Fatalf("retry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	after, err := e.store.Task(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.ActionError != "" || after.WriteBackRunID == done.WriteBackRunID {
		t.Fatalf("after retry: %+v", after)
	}
	if _, err := e.store.OutboxMessage(ctx, orchestrator.JobWriteBack+":"+after.WriteBackRunID); err != nil {
		t.Fatalf("retry not in the outbox: %v", err)
	}
	// A second retry with nothing failed is refused in words.
	resp, page = rawForm(t, sup, e.http.URL+path+"/retry-writeback", "csrf_token="+url.QueryEscape(csrf))
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(page, "has no failed write-back to retry") {
		t.Fatalf("retry of nothing: %d", resp.StatusCode)
	}
}
