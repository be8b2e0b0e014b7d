package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Each command's help lists the flags it uses, typed, with their defaults,
// and not the flags of other commands.
func TestHelpListsOnlyTheCommandsFlags(t *testing.T) {
	cases := []struct {
		cmd        []string
		has, lacks []string
		maxLines   int
	}{
		{cmd: []string{"version"}, has: []string{"--config", "--data-dir"},
			lacks: []string{"--worker-", "--demo-", "--http-addr", "--metrics-addr", "--rules-file"}, maxLines: 20},
		{cmd: []string{"migrate"}, lacks: []string{"--worker-", "--http-addr", "--portal-addr", "--evidence-url"}},
		{cmd: []string{"run"}, lacks: []string{"--worker-", "--http-addr", "--demo-"}},
		{cmd: []string{"worker"}, has: []string{
			"--worker-concurrency int", "(default 1)",
			"--worker-step-timeout duration", "(default 30s)",
			"--metrics-addr string", "--log-level string", `(default "info")`,
		}, lacks: []string{"--http-addr", "--demo-", "--portal-addr"}},
		{cmd: []string{"serve"}, has: []string{"--http-addr string", `(default "127.0.0.1:8080")`, "--trusted-proxies"},
			lacks: []string{"--worker-", "--demo-", "--metrics-addr"}},
		{cmd: []string{"scheduler"}, has: []string{"--metrics-addr"}, lacks: []string{"--worker-", "--http-addr"}},
		{cmd: []string{"demo"}, has: []string{"--demo-accounts int", "(default 120)", "--demo-latency duration", "--worker-concurrency", "--http-addr"}},
		{cmd: []string{"portal"}, has: []string{"--portal-addr", "--demo-claims int"}, lacks: []string{"--worker-", "--http-addr"}},
		{cmd: []string{"audit", "verify"}, has: []string{"--ledger-verifier-key"}, lacks: []string{"--worker-", "--http-addr"}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.cmd, " "), func(t *testing.T) {
			code, stdout, stderr := runMain(t, context.Background(), nil, append(tc.cmd, "--help")...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, s := range tc.has {
				if !strings.Contains(stdout, s) {
					t.Errorf("help lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(stdout, s) {
					t.Errorf("help lists %q, which the command does not use:\n%s", s, stdout)
				}
			}
			if n := strings.Count(stdout, "\n"); tc.maxLines > 0 && n > tc.maxLines {
				t.Errorf("help is %d lines, want at most %d:\n%s", n, tc.maxLines, stdout)
			}
		})
	}
}

// Every command a setting names exists, so no flag is silently dropped by
// a typo, and every setting but the secrets has a flag somewhere.
func TestEverySettingHasAFlag(t *testing.T) {
	root := newRoot(new(Config), nil, nil, new(bytes.Buffer))
	for _, s := range settings {
		if s.secret() {
			continue
		}
		found := root.PersistentFlags().Lookup(s.flag()) != nil
		for _, name := range s.cmds {
			c, _, err := root.Find([]string{name})
			if err != nil || c == root {
				t.Errorf("setting %s names command %q, which does not exist", s.key, name)
				continue
			}
			found = found || c.PersistentFlags().Lookup(s.flag()) != nil
		}
		if !found {
			t.Errorf("setting %s has no flag", s.key)
		}
	}
}
