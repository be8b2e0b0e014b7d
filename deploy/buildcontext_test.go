package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// binary is the docket binary the command and configuration checks run,
// built once per test run.
var binary struct {
	once sync.Once
	path string
	err  error
}

// docketBinary builds the package deploy/Dockerfile builds, from the
// working tree with the environment's Go settings, so that it shares the
// build cache with the rest of the test run. TestImage checks separately
// that the Dockerfile's own build context and command hold the same build.
func docketBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		d, err := parseDockerfile()
		if err != nil {
			binary.err = err
			return
		}
		_, build, words, err := d.goBuild()
		if err != nil {
			binary.err = err
			return
		}
		out := filepath.Join(scratch, "docket")
		pkg := words[len(words)-1]
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
		cmd.Dir = repoRoot
		if b, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("%s: go build -o %s %s: %v\n%s", build.where(), out, pkg, err, b)
			return
		}
		binary.path = out
	})
	if binary.err != nil {
		t.Fatalf("building docket: %v", binary.err)
	}
	return binary.path
}

// buildContextError replays the build stage of d into dir: its WORKDIRs,
// the COPYs from the build context (the repository minus what the
// .dockerignore excludes) and then its go build command as a dry run
// (go build -n): a package or embedded file left out of the COPY list or
// excluded, a bad flag or a missing package fails here as in docker build,
// without compiling everything again.
func buildContextError(d *dockerfile, dir string) error {
	ignore, err := dockerignore()
	if err != nil {
		return err
	}
	st, build, words, err := d.goBuild()
	if err != nil {
		return err
	}
	workdir := "/"
	for _, in := range st.instrs {
		if in.line >= build.line {
			break
		}
		switch in.cmd {
		case "workdir":
			workdir = path.Join(workdir, in.args[0])
		case "copy", "add":
			if _, ok := in.flag("from"); ok {
				continue
			}
			if err := copyFromContext(in, ignore, dir, workdir); err != nil {
				return err
			}
		}
	}
	env := os.Environ()
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env = append(env, words[0])
		words = words[1:]
	}
	if len(words) < 3 || words[0] != "go" || words[1] != "build" {
		return fmt.Errorf("%s: want [VAR=value...] go build ..., got %q", build.where(), words)
	}
	if i := slices.Index(words, "-o"); i < 0 || i+1 >= len(words) {
		return fmt.Errorf("%s: go build has no -o: the binary's path is unknown", build.where())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-n"}, words[2:]...)...)
	cmd.Dir = filepath.Join(dir, filepath.FromSlash(workdir))
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %s in the build context: %v\n%s", build.where(), strings.Join(words, " "), err, tail(out.String(), 2000))
	}
	return nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// dockerignore reads the ignore file BuildKit uses for deploy/Dockerfile:
// Dockerfile.dockerignore beside it, else .dockerignore in the context.
func dockerignore() (*patternmatcher.PatternMatcher, error) {
	for _, p := range []string{dockerfilePath + ".dockerignore", filepath.Join(repoRoot, ".dockerignore")} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		patterns, err := ignorefile.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return patternmatcher.New(patterns)
	}
	return patternmatcher.New(nil)
}

// copyFromContext performs one COPY from the build context into dir.
func copyFromContext(in instruction, ignore *patternmatcher.PatternMatcher, dir, workdir string) error {
	if len(in.args) < 2 {
		return fmt.Errorf("%s: needs a source and a destination", in.where())
	}
	srcs, dest := in.args[:len(in.args)-1], in.args[len(in.args)-1]
	toDir := strings.HasSuffix(dest, "/") || dest == "." || len(srcs) > 1
	if !path.IsAbs(dest) {
		dest = path.Join(workdir, dest)
	}
	for _, src := range srcs {
		matches, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(src)))
		if err != nil {
			return fmt.Errorf("%s: %s: %w", in.where(), src, err)
		}
		copied := 0
		for _, m := range matches {
			rel, _ := filepath.Rel(repoRoot, m)
			fi, err := os.Stat(m)
			if err != nil {
				return err
			}
			target := filepath.Join(dir, filepath.FromSlash(dest))
			if !fi.IsDir() && toDir {
				target = filepath.Join(target, fi.Name())
			}
			n, err := copyTree(m, rel, target, ignore)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", in.where(), src, err)
			}
			copied += n
		}
		if copied == 0 {
			return fmt.Errorf("%s: source %q is not in the build context (missing, or excluded by the .dockerignore)", in.where(), src)
		}
	}
	return nil
}

// copyTree copies src (rel in the context) to target, leaving out what the
// ignore patterns exclude; it returns how many files it copied.
func copyTree(src, rel string, target string, ignore *patternmatcher.PatternMatcher) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, p)
		ctxPath := filepath.ToSlash(filepath.Join(rel, r))
		if excluded, err := ignore.MatchesOrParentMatches(ctxPath); err != nil || excluded {
			return err
		}
		if e.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		to := filepath.Join(target, r)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(to, data, 0o644)
	})
	return n, err
}
