package deploy

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is Docket's module path; the scratch modules below share it so
// the depguard rules in .golangci.yml apply to them as to the repository.
const module = "github.com/docket-rpa/docket"

// importCase is one file of ours importing one package: rules are the
// depguard rules of .golangci.yml that must refuse it, none when the
// import is allowed.
type importCase struct {
	file  string // path in the module, e.g. "orchestrator/x.go"
	imp   string // "~/" stands for the module path
	rules []string
}

// importCases holds, for every rule, imports it must refuse (so deleting
// or loosening a rule fails a case) and imports of the same files it must
// let through (so a rule that refuses too much fails one too).
var importCases = []importCase{
	// orchestrator: the domain imports nothing of ours, no queue, browser,
	// HTTP or SQL.
	{"orchestrator/x.go", "~/selectors", []string{"orchestrator"}},
	{"orchestrator/x.go", "~/orchestrator/sqlstore", []string{"orchestrator"}},
	{"orchestrator/x.go", "github.com/hibiken/asynq", []string{"orchestrator"}},
	{"orchestrator/x.go", "github.com/redis/go-redis/v9", []string{"orchestrator"}},
	{"orchestrator/x.go", "github.com/go-rod/rod", []string{"orchestrator"}},
	{"orchestrator/x.go", "net/http", []string{"orchestrator"}},
	{"orchestrator/x.go", "database/sql", []string{"orchestrator"}},
	{"orchestrator/x.go", "github.com/jackc/pgx/v5", []string{"orchestrator"}},
	{"orchestrator/x.go", "modernc.org/sqlite", []string{"orchestrator"}},
	{"orchestrator/x.go", "encoding/json", nil},
	{"orchestrator/x_test.go", "~/orchestrator/sqlstore", nil},

	// The adapters under orchestrator/: the domain only, not each other.
	{"orchestrator/sqlstore/x.go", "~/orchestrator/evidence", []string{"orchestrator-adapters"}},
	{"orchestrator/sqlstore/x.go", "~/orchestrator", nil},
	{"orchestrator/sqlstore/x.go", "github.com/jackc/pgx/v5", nil},
	{"orchestrator/evidence/x.go", "~/bots", []string{"orchestrator-adapters"}},
	{"orchestrator/inbox/x.go", "~/orchestrator/sqlstore", []string{"orchestrator-adapters"}},
	{"orchestrator/inbox/x.go", "~/tasks", []string{"orchestrator-adapters"}},
	{"orchestrator/inbox/x.go", "net/http", nil},
	{"orchestrator/inbox/x_test.go", "~/orchestrator/sqlstore", nil},
	{"orchestrator/bundle/x.go", "~/orchestrator/evidence", []string{"orchestrator-adapters"}},
	{"orchestrator/vault/x.go", "~/orchestrator/sqlstore", []string{"orchestrator-adapters"}},
	{"orchestrator/rules/x.go", "~/monitoring", []string{"orchestrator-adapters"}},

	// bots: orchestrator, selectors and the runtime; not the queue, the
	// stores, the demo portals or another bot.
	{"bots/x.go", "~/tasks", []string{"bots"}},
	{"bots/x.go", "~/orchestrator/sqlstore", []string{"bots"}},
	{"bots/x.go", "~/orchestrator/inbox", []string{"bots"}},
	{"bots/x.go", "~/selectors", nil},
	{"bots/x.go", "github.com/go-rod/rod", nil},
	{"bots/claimscrubber/x.go", "~/bots/portalsim", []string{"bots"}},
	{"bots/claimscrubber/x.go", "~/bots/codingholds", []string{"bots"}},
	{"bots/claimscrubber/x.go", "~/monitoring", []string{"bots"}},
	{"bots/claimscrubber/x.go", "~/bots", nil},
	{"bots/claimscrubber/x.go", "~/orchestrator", nil},
	{"bots/claimscrubber/x_test.go", "~/bots/portalsim", nil},
	{"bots/flow/x.go", "~/bots/packs", nil},
	{"bots/flow/x.go", "~/bots/codingholds", []string{"bots"}},
	{"bots/flow/x.go", "~/monitoring", []string{"bots"}},

	// bots/portalsim: nothing of ours, in tests too.
	{"bots/portalsim/x.go", "~/selectors", []string{"portalsim"}},
	{"bots/portalsim/x.go", "~/bots", []string{"portalsim"}},
	{"bots/portalsim/x.go", "~/orchestrator", []string{"portalsim"}},
	{"bots/portalsim/x_test.go", "~/selectors", []string{"portalsim"}},
	{"bots/portalsim/x_test.go", "~/bots/portalsim", nil},

	// tasks: orchestrator, its rules, monitoring and the bots it runs.
	{"tasks/x.go", "~/orchestrator/sqlstore", []string{"tasks"}},
	{"tasks/x.go", "~/orchestrator/inbox", []string{"tasks"}},
	{"tasks/x.go", "~/bots/portalsim", []string{"tasks"}},
	{"tasks/x.go", "~/cmd/docket", []string{"cmd", "tasks"}},
	{"tasks/x.go", "~/bots/writeback", nil},
	{"tasks/x.go", "~/orchestrator/rules", nil},
	{"tasks/x.go", "~/monitoring", nil},
	{"tasks/x.go", "github.com/hibiken/asynq", nil},
	{"tasks/x_test.go", "~/orchestrator/sqlstore", nil},

	// monitoring: the domain and itself.
	{"monitoring/x.go", "~/cmd/docket", []string{"cmd", "monitoring"}},
	{"monitoring/x.go", "~/tasks", []string{"monitoring"}},
	{"monitoring/dashboards/x.go", "~/orchestrator/sqlstore", []string{"monitoring"}},
	{"monitoring/x.go", "~/orchestrator", nil},
	{"monitoring/dashboards/cmd/gen/x.go", "~/monitoring/dashboards", nil},

	// selectors: nothing of ours, in tests too.
	{"selectors/x.go", "~/orchestrator", []string{"selectors"}},
	{"selectors/x_test.go", "~/bots", []string{"selectors"}},
	{"selectors/x_test.go", "~/selectors", nil},

	// deploy: nothing of ours.
	{"deploy/x_test.go", "~/orchestrator", []string{"deploy"}},

	// Nothing imports cmd: the rule that still holds where no other does.
	{"tasks/x_test.go", "~/cmd/docket", []string{"cmd"}},
	{"orchestrator/storetest/x.go", "~/cmd/docket", []string{"cmd"}},
	{"cmd/docket/x.go", "~/orchestrator/sqlstore", nil},
	{"cmd/docket/x.go", "~/tasks", nil},
}

// TestImportRules lints scratch modules laid out like ours holding the
// cases' imports, with the repository's .golangci.yml, and checks that
// exactly the expected depguard rules refuse each import.
func TestImportRules(t *testing.T) {
	lint, err := filepath.Abs(filepath.Join(repoRoot, "bin", "golangci-lint"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lint); err != nil {
		t.Fatalf("golangci-lint is not in bin/ (make lint-deps installs it): %v", err)
	}
	config, err := filepath.Abs(filepath.Join(repoRoot, ".golangci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	goMod := readRepoFile(t, "go.mod")
	goSum := readRepoFile(t, "go.sum")
	// One scratch module per importing file: a single package with
	// imports cannot form an import cycle, and one run covers its cases.
	var files []string
	imports := map[string][]string{}
	var want []string
	for _, c := range importCases {
		imp := strings.Replace(c.imp, "~", module, 1)
		if slices.Contains(imports[c.file], imp) {
			t.Fatalf("%s imports %s twice in importCases", c.file, imp)
		}
		if imports[c.file] == nil {
			files = append(files, c.file)
		}
		imports[c.file] = append(imports[c.file], imp)
		for _, r := range c.rules {
			want = append(want, c.file+": "+imp+" refused by "+r)
		}
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "go.mod", goMod)
			writeFile(t, dir, "go.sum", goSum)
			writeScratch(t, dir, file, imports[file])
			got := depguardRules(t, lint, config, dir)
			var wantHere []string
			for _, w := range want {
				if strings.HasPrefix(w, file+": ") {
					wantHere = append(wantHere, w)
				}
			}
			slices.Sort(wantHere)
			if !slices.Equal(got, wantHere) {
				t.Errorf("golangci-lint reported\n  %s\nwant\n  %s",
					strings.Join(got, "\n  "), strings.Join(wantHere, "\n  "))
			}
		})
	}
}

// writeScratch writes file importing imps, and a stub package for each
// of them that is ours.
func writeScratch(t *testing.T, dir, file string, imps []string) {
	t.Helper()
	pkg := path.Base(path.Dir(file))
	if strings.HasSuffix(file, "_test.go") {
		pkg += "_test"
	}
	var src strings.Builder
	src.WriteString("package " + pkg + "\n\nimport (\n")
	for _, imp := range imps {
		src.WriteString("\t_ \"" + imp + "\"\n")
		if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
			writeFile(t, dir, path.Join(rel, "stub.go"), "package "+path.Base(rel)+"\n")
		}
	}
	src.WriteString(")\n")
	writeFile(t, dir, file, src.String())
}

// depguardRules runs golangci-lint in the module at dir and returns its
// findings as "file: import refused by rule", sorted; any other finding
// (a type-check error, another linter) fails the test.
func depguardRules(t *testing.T, lint, config, dir string) []string {
	t.Helper()
	cmd := exec.Command(lint, "run", "--config", config, "--enable-only", "depguard",
		"--max-issues-per-linter", "0", "--max-same-issues", "0", "--uniq-by-line=false",
		"--allow-parallel-runners",
		"--output.json.path", "stdout", "--show-stats=false", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// Exit status 1 means findings; anything else is a failed run.
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("golangci-lint: %v\n%s", err, stderr.String())
	}
	var report struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct{ Filename string }
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("golangci-lint output: %v\n%s\n%s", err, out, stderr.String())
	}
	var got []string
	for _, is := range report.Issues {
		// import 'PKG' is not allowed from list 'RULE': DESC
		imp, rest, ok1 := strings.Cut(strings.TrimPrefix(is.Text, "import '"), "' is not allowed from list '")
		rule, _, ok2 := strings.Cut(rest, "'")
		if is.FromLinter != "depguard" || !ok1 || !ok2 {
			t.Fatalf("unexpected finding: %s: %s (%s)", is.Pos.Filename, is.Text, is.FromLinter)
		}
		got = append(got, filepath.ToSlash(is.Pos.Filename)+": "+imp+" refused by "+rule)
	}
	slices.Sort(got)
	return got
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
