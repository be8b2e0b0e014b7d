package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/bots/portalsim"
)

func TestSelectorsCheck(t *testing.T) {
	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Accounts: 10, Layout: portalsim.LayoutV2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal)
	defer srv.Close()
	ctx := context.Background()

	code, out, errOut := runMain(t, ctx, nil, "selectors", "check", "coding-worklist", "--url", srv.URL+"/login")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`coding-worklist v1 .*not of this layout`),
		regexp.MustCompile(`coding-worklist v2 .*this page is of this layout`),
		regexp.MustCompile(`(?m)^  login_username +candidate 0 +css: #userId +\(1 on page\)$`),
		regexp.MustCompile(`(?m)^  login_submit +candidate 0 `),
		regexp.MustCompile(`(?m)^  worklist_rows +miss`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}

	if strings.Contains(out, "note:") {
		t.Errorf("the shipped files have candidates the page reader cannot use:\n%s", out)
	}

	// An override that renames the v2 username field falls back to the
	// second candidate.
	dir := t.TempDir()
	v2, err := os.ReadFile("../../bots/packs/coding-worklist/selectors/v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "coding-worklist"), 0o755); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(v2), `- css: "#userId"`, `- css: "#user-id-renamed"`, 1)
	// A candidate Chromium takes but the reader of fetched pages does not.
	broken = strings.Replace(broken, "  detail_field_rows:\n    candidates:\n", "  detail_field_rows:\n    candidates:\n      - css: \":is(#summary, #overview) tr\"\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "coding-worklist", "v2.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runMain(t, ctx, nil, "selectors", "check", "coding-worklist", "--url", srv.URL+"/login", "--version", "v2", "--selectors-dir", dir)
	if code != 0 || !regexp.MustCompile(`(?m)^  login_username +candidate 1 +xpath: `).MatchString(out) || strings.Contains(out, "coding-worklist v1") {
		t.Errorf("override: exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^  note: cannot be read off a fetched page: .*element detail_field_rows candidate 1 \(css: :is\(#summary, #overview\) tr\)`).MatchString(out) {
		t.Errorf("override: no note on the :is() candidate:\n%s", out)
	}

	// A page of no known layout fails.
	code, _, errOut = runMain(t, ctx, nil, "selectors", "check", "coding-worklist", "--url", srv.URL+"/static/portal.css")
	if code == 0 || !strings.Contains(errOut, "matches no layout") {
		t.Errorf("non-portal page: exit %d, %s", code, errOut)
	}
	if code, _, _ := runMain(t, ctx, nil, "selectors", "check", "coding-worklist"); code != exitUsage {
		t.Errorf("missing --url: exit %d", code)
	}
}
