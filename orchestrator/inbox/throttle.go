package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/netip"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// Login throttling. Every attempt is charged, before the password is
// checked, to counters in the shared database (orchestrator.LoginThrottle):
// one for the account and one for the source address, all or none, so
// concurrent guesses and a second serve process draw on the same budget.
// A counter past its free attempts makes the next attempt wait, doubling
// per attempt up to a cap: guessing slows to about one try a minute per
// account and per address, while the real user is never locked out for
// longer than the cap. A browser that has logged in as the user before
// carries a device cookie and is charged to its own counter instead of the
// account's, so an attacker's guesses do not slow it at all (OWASP's
// "device cookies"). A success resets the account (or device) counter and
// takes back its charge to the address; it does not reset the address, so
// logging in to one's own account does not buy more guesses at others.
var (
	// accountLimit: 5 tries, then 2 s doubling to 1 min (at most about
	// 60 guesses an hour per account: ASVS 2.2.1 asks for under 100).
	accountLimit = orchestrator.LoginLimit{Free: 5, Base: 2 * time.Second, Max: time.Minute, Window: 15 * time.Minute}
	// addressLimit: one address may try 20 names, then 1 s doubling to
	// 1 min; spraying one password over many names slows the same way.
	addressLimit = orchestrator.LoginLimit{Free: 20, Base: time.Second, Max: time.Minute, Window: 15 * time.Minute}
)

const (
	// deviceCookie marks a browser that has logged in as a user.
	deviceCookie = "docket_device"
	// deviceKeep is how long a device stays known without logging in.
	deviceKeep = 90 * 24 * time.Hour
	// loginNameMax bounds what of a typed name is kept, echoed or hashed;
	// a real name is at most 64 bytes.
	loginNameMax = 256
	// pruneEvery spaces the deletion of stale throttle rows.
	pruneEvery = time.Minute
)

// throttleKey hashes what identifies a counter, so a row is small however
// long the typed name was and holds no name at all.
func throttleKey(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return kind + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}

// addressKey is the source address's counter; an IPv6 client is counted
// by its /64, which one machine usually has whole.
func addressKey(a netip.Addr) orchestrator.LoginKey {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return orchestrator.LoginKey{Key: "addr:" + p.String(), Limit: addressLimit}
	}
	return orchestrator.LoginKey{Key: "addr:" + a.String(), Limit: addressLimit}
}

// accountKey is the counter a login as name is charged to: the device's
// own when the browser's device cookie is known for name, else the
// account's.
func (s *Server) accountKey(ctx context.Context, r *http.Request, name string, now time.Time) (orchestrator.LoginKey, error) {
	if c, err := r.Cookie(deviceCookie); err == nil && c.Value != "" && len(c.Value) <= 64 {
		key := throttleKey("device", c.Value, name)
		known, err := s.cfg.Throttle.LoginKeyKnown(ctx, key, now)
		if err != nil {
			return orchestrator.LoginKey{}, err
		}
		if known {
			return orchestrator.LoginKey{Key: key, Limit: accountLimit}, nil
		}
	}
	return orchestrator.LoginKey{Key: throttleKey("user", name), Limit: accountLimit}, nil
}

// rememberDevice gives the browser a device cookie for u (a new one when
// it has none) and makes it known.
func (s *Server) rememberDevice(ctx context.Context, w http.ResponseWriter, r *http.Request, u orchestrator.User, now time.Time) error {
	secret := ""
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) == 43 {
		secret = c.Value
	}
	if secret == "" {
		var err error
		if secret, err = newSecret(); err != nil {
			return err
		}
	}
	if err := s.cfg.Throttle.ResetLoginKey(ctx, throttleKey("device", secret, u.Name), now, deviceKeep); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: deviceCookie, Value: secret, Path: "/login", Expires: now.Add(deviceKeep), MaxAge: int(deviceKeep.Seconds()),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
	return nil
}

// pruneThrottle deletes stale throttle rows, at most once per pruneEvery
// per server: the table holds only the last window's counters and known
// devices.
func (s *Server) pruneThrottle(ctx context.Context, now time.Time) error {
	last := s.pruned.Load()
	if now.UnixNano()-last < int64(pruneEvery) || !s.pruned.CompareAndSwap(last, now.UnixNano()) {
		return nil
	}
	_, err := s.cfg.Throttle.PruneLoginThrottle(ctx, now)
	return err
}
