package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUsersAddAndList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runIn := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append(args, "--data-dir", dir, "--log-level", "error"), nil, strings.NewReader(stdin), &out, &errb)
		return code, out.String() + errb.String()
	}
	run := func(args ...string) (int, string) { return runIn("", args...) }
	if code, out := runIn("from-stdin-pw\n", "users", "add", "carol", "--role", "viewer"); code != exitOK || !strings.Contains(out, "user carol added with role viewer") {
		t.Fatalf("add with the password on stdin: %d %s", code, out)
	}
	if code, out := run("users", "add", "Alice", "--role", "supervisor", "--password", "correct-horse"); code != exitOK || !strings.Contains(out, "user alice added with role supervisor") {
		t.Fatalf("add: %d %s", code, out)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"users", "add", "bob", "--role", "root", "--password", "correct-horse"}, exitUsage, `role "root"`},
		{[]string{"users", "add", "bob", "--role", "staff", "--password", "short"}, exitUsage, "password must be 8 to 72 bytes"},
		{[]string{"users", "add", "bo b", "--role", "staff", "--password", "correct-horse"}, exitUsage, "user name"},
		{[]string{"users", "add", "alice", "--role", "staff", "--password", "correct-horse"}, exitFailed, "conflict"},
	} {
		code, out := run(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.msg) {
			t.Errorf("%v: %d %q, want %d with %q", tc.args, code, out, tc.code, tc.msg)
		}
		if strings.Contains(out, "correct-horse") {
			t.Errorf("%v: the password is echoed: %s", tc.args, out)
		}
	}
	code, out := run("users", "list")
	if code != exitOK || !strings.Contains(out, "alice") || !strings.Contains(out, "supervisor") || !strings.Contains(out, "carol") || strings.Contains(out, "bob") {
		t.Fatalf("list: %d %s", code, out)
	}
}

func TestLoopbackAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:80": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.5:8080": false, "bad": false,
	} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}
