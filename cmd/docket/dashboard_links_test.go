package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/monitoring/dashboards"
	"github.com/docket-rpa/docket/orchestrator/inbox"
)

// TestDashboardLinksUseInboxFilters: a dashboard link into the inbox
// whose parameter the inbox refuses (an SLA state the inbox does not
// know, such as the metrics' due_soon) or drops (a misspelt key) does not
// open the list it promises. Each link, with a real label value in place of the clicked one,
// must keep every parameter through the inbox's own parser.
func TestDashboardLinksUseInboxFilters(t *testing.T) {
	clicked := strings.NewReplacer("${__field.labels.queue}", "coding", "${__field.labels.reason}", "bot_failure",
		"${__field.labels.bot}", "coding-holds")
	n := 0
	for _, l := range dashboards.AllLinks(dashboards.All()) {
		u, err := url.Parse(clicked.Replace(l.Path))
		if err != nil || strings.Contains(u.String(), "${") {
			t.Errorf("link %q: %s is not a URL once a value is clicked (%v)", l.Title, l.Path, err)
			continue
		}
		if u.Path != "/inbox" {
			continue
		}
		n++
		tq, err := inbox.ParseTaskQuery(u.Query())
		if err != nil {
			t.Errorf("link %q: the inbox refuses it: %v", l.Title, err)
			continue
		}
		kept := tq.Values()
		for k, v := range u.Query() {
			if kept.Get(k) != v[0] {
				t.Errorf("link %q: the inbox drops %s=%s (keeps %q)", l.Title, k, v[0], kept.Get(k))
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d links into the inbox", n)
	}
}
