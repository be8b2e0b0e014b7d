package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/crypto/bcrypt"
)

// loginFrom posts a login as if from source (sent as X-Forwarded-For;
// believed only when the server trusts the test's loopback peer) and
// returns the status and Retry-After in seconds.
func (e *env) loginFrom(t *testing.T, c *http.Client, source, name, password string) (int, int) {
	t.Helper()
	req := form(t, "POST", e.http.URL+"/login", url.Values{"name": {name}, "password": {password}})
	if source != "" {
		req.Header.Set("X-Forwarded-For", source)
	}
	resp, _ := do(t, c, req)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, retry
}

func trustLoopback(c *Config) {
	c.TrustedProxies = TrustedProxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// After five wrong passwords the account waits, even with the right
// password, but seconds, not 15 minutes; other accounts are not slowed.
func TestLoginThrottleSlowsWithoutLockingOut(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *Config) { c.Now = clock.Now })
	for i := range accountLimit.Free {
		if got, _ := e.loginFrom(t, e.client(), "", "staff", "wrong-"+strconv.Itoa(i)); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, got)
		}
	}
	got, retry := e.loginFrom(t, e.client(), "", "STAFF", testPasswords["staff"])
	if got != http.StatusTooManyRequests || retry < 1 || retry > int(accountLimit.Max.Seconds()) {
		t.Fatalf("right password after %d failures: %d, Retry-After %d; want 429 within %s", accountLimit.Free, got, retry, accountLimit.Max)
	}
	if got, _ := e.loginFrom(t, e.client(), "", "staff2", testPasswords["staff2"]); got != http.StatusSeeOther {
		t.Fatalf("another user: %d", got)
	}
	clock.Add(time.Duration(retry) * time.Second)
	if got, _ := e.loginFrom(t, e.client(), "", "staff", testPasswords["staff"]); got != http.StatusSeeOther {
		t.Fatalf("after Retry-After: %d", got)
	}
}

// The attack that worked: 40 guesses at once were all checked against a
// limit of 5. Charged before bcrypt, at most 5 reach it. The account's
// hash has the default cost, as real ones do, so checks take as long.
func TestLoginGuessesInParallel(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testLoginGuessesInParallel(t, newEnvOn(t, dialect, nil))
		})
	}
}

func testLoginGuessesInParallel(t *testing.T, e *env) {
	hash, err := bcrypt.GenerateFromPassword([]byte("a-real-password"), bcrypt.DefaultCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateUser(context.Background(), orchestrator.User{Name: "ana", Role: orchestrator.RoleStaff, PasswordHash: string(hash)}); err != nil {
		t.Fatal(err)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status = map[int]int{}
	)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := form(t, "POST", e.http.URL+"/login", url.Values{"name": {"ana"}, "password": {"guess-" + strconv.Itoa(i)}})
			resp, err := e.client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			status[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if status[http.StatusUnauthorized] > accountLimit.Free || status[http.StatusUnauthorized]+status[http.StatusTooManyRequests] != 40 {
		t.Fatalf("40 parallel guesses: %v; want at most %d checked (401), the rest 429", status, accountLimit.Free)
	}
}

// Two serve processes on one database share one budget: the second does
// not check five more.
func TestLoginBudgetSharedAcrossServers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.srv.cfg
	second, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(second.Handler())
	t.Cleanup(other.Close)
	for i := range accountLimit.Free {
		if got, _ := e.loginFrom(t, e.client(), "", "staff", "wrong-"+strconv.Itoa(i)); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, got)
		}
	}
	resp, _ := do(t, e.client(), form(t, "POST", other.URL+"/login", url.Values{"name": {"staff"}, "password": {"wrong-on-the-second"}}))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a guess at the second server: %d, want 429", resp.StatusCode)
	}
}

// Spraying one password over many names from one address is slowed too,
// and a forged X-Forwarded-For from an untrusted peer does not buy a new
// address.
func TestLoginSprayFromOneAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	checked := 0
	for i := range 40 {
		got, _ := e.loginFrom(t, e.client(), fmt.Sprintf("203.0.113.%d", i+1), fmt.Sprintf("user%d", i), "Spring2026!")
		if got == http.StatusUnauthorized {
			checked++
		}
	}
	if checked != addressLimit.Free {
		t.Fatalf("%d of 40 names checked from one address, want %d", checked, addressLimit.Free)
	}
}

// Behind a trusted proxy the forwarded address is the source: two
// clients of the proxy have their own budgets, and the audit log names
// them.
func TestLoginTrustedProxyAddress(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, trustLoopback)
	for i := range addressLimit.Free {
		e.loginFrom(t, e.client(), "203.0.113.9", fmt.Sprintf("user%d", i), "Spring2026!")
	}
	if got, _ := e.loginFrom(t, e.client(), "203.0.113.9", "user99", "Spring2026!"); got != http.StatusTooManyRequests {
		t.Fatalf("spraying through the proxy: %d, want 429", got)
	}
	if got, _ := e.loginFrom(t, e.client(), "198.51.100.2, 203.0.113.9", "viewer", testPasswords["viewer"]); got != http.StatusTooManyRequests {
		t.Fatalf("a client-set X-Forwarded-For entry left of the proxy's changed the source: %d", got)
	}
	if got, _ := e.loginFrom(t, e.client(), "203.0.113.9, 198.51.100.2", "viewer", testPasswords["viewer"]); got != http.StatusSeeOther {
		t.Fatalf("another client of the proxy: %d, want 303", got)
	}
	entries, err := e.store.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ok bool
	for _, a := range entries {
		ok = ok || (a.Action == "user.login" && a.Subject == "user:viewer" && a.Detail == "from 198.51.100.2")
	}
	if !ok {
		t.Fatal("no user.login entry from 198.51.100.2")
	}
}

// The real user still gets in during an attack spread over many
// addresses: at once from a browser that logged in before (its device
// counter), and within the cap from a new one.
func TestRealUserLogsInDuringAttack(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *Config) { trustLoopback(c); c.Now = clock.Now })
	usual := e.client()
	if got, _ := e.loginFrom(t, usual, "198.51.100.2", "staff", testPasswords["staff"]); got != http.StatusSeeOther {
		t.Fatalf("first login: %d", got)
	}
	for i := range 60 {
		e.loginFrom(t, e.client(), fmt.Sprintf("203.0.113.%d", i+1), "staff", "guess-"+strconv.Itoa(i))
		clock.Add(time.Second)
	}
	if got, _ := e.loginFrom(t, usual, "198.51.100.2", "staff", testPasswords["staff"]); got != http.StatusSeeOther {
		t.Fatalf("the usual browser during the attack: %d, want 303 at once", got)
	}
	fresh := e.client()
	got, retry := e.loginFrom(t, fresh, "198.51.100.3", "staff", testPasswords["staff"])
	if got == http.StatusTooManyRequests {
		if retry > int(accountLimit.Max.Seconds()) {
			t.Fatalf("a new browser waits %ds, more than %s", retry, accountLimit.Max)
		}
		clock.Add(time.Duration(retry) * time.Second)
		got, _ = e.loginFrom(t, fresh, "198.51.100.3", "staff", testPasswords["staff"])
	}
	if got != http.StatusSeeOther {
		t.Fatalf("a new browser after Retry-After: %d, want 303", got)
	}
	// A device cookie made up, or another user's, is the account's counter.
	for i := range accountLimit.Free + 1 {
		e.loginFrom(t, e.client(), "203.0.113.200", "staff2", "guess-"+strconv.Itoa(i))
	}
	u, _ := url.Parse(e.http.URL)
	usual.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "", MaxAge: -1}})
	if got, _ := e.loginFrom(t, usual, "203.0.113.200", "staff2", "another-guess"); got != http.StatusTooManyRequests {
		t.Fatalf("staff's device cookie gave a guess at staff2 its own budget: %d", got)
	}
}

// keyRecorder passes every call to the real store and remembers the
// longest key it was given and how many rows pruning removed.
type keyRecorder struct {
	orchestrator.LoginThrottle
	mu      sync.Mutex
	longest int
	pruned  int64
}

func (k *keyRecorder) TakeLoginAttempt(ctx context.Context, now time.Time, keys ...orchestrator.LoginKey) (time.Duration, error) {
	k.mu.Lock()
	for _, key := range keys {
		k.longest = max(k.longest, len(key.Key))
	}
	k.mu.Unlock()
	return k.LoginThrottle.TakeLoginAttempt(ctx, now, keys...)
}

func (k *keyRecorder) PruneLoginThrottle(ctx context.Context, now time.Time) (int64, error) {
	n, err := k.LoginThrottle.PruneLoginThrottle(ctx, now)
	k.mu.Lock()
	k.pruned += n
	k.mu.Unlock()
	return n, err
}

// 60 KB names grew serve from 37 to 296 MB: what was typed is kept
// nowhere, the throttle's keys stay small, and stale rows go.
//
// Not parallel: it measures the heap, which other tests would share.
func TestLoginLongNamesKeepNothing(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	rec := &keyRecorder{}
	e := newEnvWith(t, func(c *Config) {
		trustLoopback(c)
		c.Now = clock.Now
		rec.LoginThrottle = c.Throttle
		c.Throttle = rec
	})
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 200 {
		name := strconv.Itoa(i) + strings.Repeat("n", 60_000)
		if got, _ := e.loginFrom(t, e.client(), fmt.Sprintf("10.%d.%d.1", i/200, i%200), name, "pw"); got != http.StatusUnauthorized {
			t.Fatalf("login %d with a 60 KB name: %d, want 401", i, got)
		}
	}
	if grew := int64(heap()) - int64(before); grew > 6<<20 {
		t.Fatalf("200 failed logins with 60 KB names grew the heap by %d MB", grew>>20)
	}
	if rec.longest > 64 {
		t.Fatalf("a throttle key of %d bytes", rec.longest)
	}
	entries, err := e.store.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range entries {
		if len(a.Subject)+len(a.Detail) > 200 || strings.Contains(a.Subject, "nnnn") {
			t.Fatalf("audit entry keeps the typed name: %q %q", a.Subject[:min(80, len(a.Subject))], a.Detail)
		}
	}
	clock.Add(addressLimit.Window + time.Minute)
	e.loginFrom(t, e.client(), "10.9.9.9", "viewer", testPasswords["viewer"])
	if rec.pruned < 400 {
		t.Fatalf("a window later %d stale throttle rows were pruned, want the 400 of the attack", rec.pruned)
	}
}

// Failed and successful logins are audited with the user and the source
// address; a name that is not a user (it may be a password typed in the
// wrong field) is not recorded, and no password ever is.
func TestLoginAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.loginFrom(t, e.client(), "", "staff", "wrong-password-1")
	e.loginFrom(t, e.client(), "", "hunter2-typed-as-name", "x")
	e.loginFrom(t, e.client(), "", "staff", testPasswords["staff"])
	entries, err := e.store.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range entries {
		line := strings.Join([]string{a.Actor, a.Action, a.Subject, a.Detail}, " ")
		for _, secret := range []string{"wrong-password-1", "hunter2", testPasswords["staff"]} {
			if strings.Contains(line, secret) {
				t.Errorf("audit entry carries %q: %s", secret, line)
			}
		}
		if strings.HasPrefix(a.Action, "user.login") {
			got = append(got, line)
		}
	}
	want := []string{
		"anonymous user.login_failed user:staff from 127.0.0.1",
		"anonymous user.login_failed unknown user name (21 bytes) from 127.0.0.1",
		"user:staff user.login user:staff from 127.0.0.1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("login audit entries:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Logins the throttle refuses are audited too, but at most once per
// throttle key a minute: 30 refused guesses at one account make one entry
// (the user, the address, how long it is refused), not 30, and the next
// minute's refusals make one more.
func TestRefusedLoginsAuditedBounded(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *Config) { c.Now = clock.Now })
	for i := range accountLimit.Free {
		e.loginFrom(t, e.client(), "", "staff", "wrong-"+strconv.Itoa(i))
	}
	for i := range 30 {
		if got, _ := e.loginFrom(t, e.client(), "", "staff", "guess-"+strconv.Itoa(i)); got != http.StatusTooManyRequests {
			t.Fatalf("guess %d: %d", i, got)
		}
	}
	refused := func() []string {
		entries, err := e.store.AuditLog(context.Background(), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range entries {
			if a.Action == "user.login_throttled" {
				out = append(out, strings.Join([]string{a.Actor, a.Subject, a.Detail}, " "))
			}
		}
		return out
	}
	got := refused()
	if len(got) != 1 || !strings.HasPrefix(got[0], "anonymous user:staff from 127.0.0.1, refused for ") {
		t.Fatalf("refused logins audited as %q, want one entry", got)
	}
	clock.Add(refusedAuditEvery)
	for i := 0; ; i++ {
		if got, _ := e.loginFrom(t, e.client(), "", "staff", "later-"+strconv.Itoa(i)); got == http.StatusTooManyRequests {
			break
		}
		if i > accountLimit.Free {
			t.Fatal("the account is no longer throttled")
		}
	}
	if got := refused(); len(got) != 2 {
		t.Fatalf("a minute later: %q, want a second entry", got)
	}
}

// One address spraying names is one key: its refusals are audited once a
// minute whatever the names; the keys remembered are bounded.
func TestRefusedAuditGate(t *testing.T) {
	var g refusedAudit
	now := time.Now()
	if !g.allow(now, "account:a", "addr:1") || g.allow(now, "account:b", "addr:1") || g.allow(now.Add(59*time.Second), "account:c", "addr:1") {
		t.Fatal("one address was audited twice within a minute")
	}
	if !g.allow(now, "account:b", "addr:2") || !g.allow(now.Add(time.Minute), "account:c", "addr:1") {
		t.Fatal("a fresh pair of keys was not audited")
	}
	for i := range refusedAuditKeys {
		g.allow(now, "account:x"+strconv.Itoa(i))
	}
	if len(g.last) > refusedAuditKeys {
		t.Fatalf("%d keys remembered", len(g.last))
	}
	if !g.allow(now.Add(2*time.Minute), "account:late", "addr:late") || len(g.last) > refusedAuditKeys {
		t.Fatalf("stale keys were not dropped: %d", len(g.last))
	}
}
