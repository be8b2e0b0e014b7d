package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestImage checks deploy/Dockerfile: the build stage builds docket from the
// repository with the Go of go.mod and without cgo, and the image runs that
// binary non-root under tini, with the browser the bots look for.
func TestImage(t *testing.T) {
	t.Parallel()
	d, err := parseDockerfile()
	if err != nil {
		t.Fatal(err)
	}
	st, build, words, err := d.goBuild()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("go version", func(t *testing.T) {
		gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
		if m == nil {
			t.Fatal("go.mod: no go directive")
		}
		if want := "golang:" + string(m[1]) + "-"; !strings.HasPrefix(st.image, want) {
			t.Errorf("deploy/Dockerfile:%d: build stage FROM %s: want %s* (go.mod says go %s)", st.line, st.image, want, m[1])
		}
	})

	t.Run("go build", func(t *testing.T) {
		if !slices.Contains(words, "CGO_ENABLED=0") {
			t.Errorf("%s: go build without CGO_ENABLED=0: the binary would need the build stage's libc", build.where())
		}
		pkg := words[len(words)-1]
		main, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(pkg), "main.go"))
		if err != nil || !strings.Contains(string(main), "\npackage main\n") {
			t.Errorf("%s: %s is not the docket command (no package main in %s/main.go)", build.where(), pkg, pkg)
		}
		// The build context holds what this command needs.
		if err := buildContextError(d, t.TempDir()); err != nil {
			t.Error(err)
		}
	})

	i := slices.Index(words, "-o")
	if i < 0 || i+1 >= len(words) {
		t.Fatalf("%s: go build has no -o: the binary's path is unknown", build.where())
	}
	out := words[i+1]
	bin, ok := d.binaryIn(st, out)
	if !ok {
		t.Fatalf("deploy/Dockerfile: the image never copies %s from stage %q", out, st.name)
	}

	t.Run("entrypoint", func(t *testing.T) {
		in, ok := d.runtime().last("entrypoint")
		if !ok || !in.json {
			t.Fatal("deploy/Dockerfile: the image needs an exec-form ENTRYPOINT")
		}
		want := []string{"/usr/bin/tini", "--", bin}
		if !slices.Equal(in.args, want) {
			t.Errorf("%s: %q, want %q (tini as PID 1 reaps Chromium's helpers)", in.where(), in.args, want)
		}
		if !d.aptPackages()["tini"] {
			t.Errorf("deploy/Dockerfile: ENTRYPOINT runs /usr/bin/tini but the image does not apt-get install tini")
		}
		cmd, ok := d.runtime().last("cmd")
		if !ok {
			t.Fatal("deploy/Dockerfile: no CMD: `docker run IMAGE` would print docket's help and exit")
		}
		if err := commandError(t, cmd.args); err != nil {
			t.Errorf("%s: %v", cmd.where(), err)
		}
	})

	t.Run("browser", func(t *testing.T) {
		// bots.FindChromium tries /usr/lib/chromium/chromium-headless-shell
		// first, which this Debian package installs.
		if !d.aptPackages()["chromium-headless-shell"] {
			t.Errorf("deploy/Dockerfile: the image does not apt-get install chromium-headless-shell, the workers' browser")
		}
		for _, p := range []string{"ca-certificates", "fonts-liberation"} {
			if !d.aptPackages()[p] {
				t.Errorf("deploy/Dockerfile: the image does not apt-get install %s", p)
			}
		}
	})

	t.Run("user", func(t *testing.T) {
		uid, _, err := d.imageUser()
		if err != nil {
			t.Fatal(err)
		}
		if uid == 0 {
			t.Error("deploy/Dockerfile: USER 0: Chromium would run without its sandbox")
		}
	})

	t.Run("environment", func(t *testing.T) {
		env := d.runtime().env()
		if err := configError(t, []string{"serve"}, env); err != nil {
			t.Errorf("deploy/Dockerfile: ENV: %v", err)
		}
		if addr := env["DOCKET_HTTP_ADDR"]; addr != "" && !d.exposed()[port(t, "deploy/Dockerfile: DOCKET_HTTP_ADDR", addr)] {
			t.Errorf("deploy/Dockerfile: DOCKET_HTTP_ADDR %s is not EXPOSEd", addr)
		}
	})
}
