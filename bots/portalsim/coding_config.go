package portalsim

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Defaults and limits for Config.
const (
	SeedDefault        int64 = 1
	AccountsDefault          = 120
	AccountsMax              = 200_000 // bounds memory (about 2 KB per account)
	PageSizeDefault          = 25
	PageSizeMin              = 10
	PageSizeMax              = 100
	UsernameDefault          = "coder"
	PasswordDefault          = "demo-password"
	SessionTTLDefault        = 30 * time.Minute
	RenderDelayDefault       = 150 * time.Millisecond
	LayoutV1                 = "v1"
	LayoutV2                 = "v2"
)

// Config configures a simulated portal. Zero values take the documented
// default.
type Config struct {
	// Seed selects the generated data set; default SeedDefault (1). The
	// same seed and clock always yield the same accounts.
	Seed int64
	// Accounts is how many accounts the worklist holds; default 120, at
	// most AccountsMax.
	Accounts int
	// PageSize is the number of worklist rows per page; default 25,
	// allowed 10–100.
	PageSize int
	// Username and Password are the one valid login; default "coder" and
	// "demo-password".
	Username string
	Password string
	// SessionTTL is how long a login session lives without a request;
	// default 30 minutes.
	SessionTTL time.Duration
	// Latency is added to every request; default none. See SetLatency.
	Latency time.Duration
	// FailRate is the share of requests (0–1) answered with a server error
	// (500, 502 or 503); default 0. See SetFailRate.
	FailRate float64
	// TOTPSecret is the base32 secret of the TOTP second factor (see
	// NewTOTPSecret); default "", no second factor. See
	// CodingWorklist.TOTPSecret.
	TOTPSecret string
	// Maintenance serves the maintenance page for every request; default
	// off. See SetMaintenance.
	Maintenance bool
	// Layout is the markup version served: LayoutV1 (default) or LayoutV2
	// (renamed ids and classes, moved and renamed columns, other date
	// formats, same data). See SetLayout.
	Layout string
	// RenderDelay is how long the worklist's JSON endpoint takes before it
	// answers, while the page shows a spinner; default 150ms, negative
	// for none.
	RenderDelay time.Duration
	// Variant serves one of the layout variants (see Variants) instead of
	// Layout's markup: same accounts and value formats as LayoutV1, other
	// markup and navigation. Default "", none. Layout must stay LayoutV1.
	Variant string
	// Silent are the "silently wrong" fault knobs: a list that ends early,
	// a count that says more, a broken next control, a shifted hold reason
	// row, an undeclared interstitial. Default none. See SetSilentFaults.
	Silent SilentFaults
	// Malformed is how many accounts carry malformed data (missing fields,
	// bad dates and codes, a 1 MB note, markup in text, extra columns),
	// spread over the worklist and cycling through MalformedKinds; default
	// none. See MalformedAccounts.
	Malformed int
	// BadNumbers replace the account numbers of as many accounts, spread
	// over the worklist, as a broken interface feed leaves them (a 1 MB
	// number, one with control or bidirectional characters); default
	// none. The worklist and the account pages show them as they are. See
	// BadNumberAccounts.
	BadNumbers []string
	// Now is the portal's clock; default time.Now. Discharge dates are
	// fixed relative to Now at construction and days since discharge age
	// as the clock moves.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Seed == 0 {
		c.Seed = SeedDefault
	}
	if c.Accounts == 0 {
		c.Accounts = AccountsDefault
	}
	if c.PageSize == 0 {
		c.PageSize = PageSizeDefault
	}
	if c.Username == "" {
		c.Username = UsernameDefault
	}
	if c.Password == "" {
		c.Password = PasswordDefault
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = SessionTTLDefault
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Layout == "" {
		c.Layout = LayoutV1
	}
	if c.RenderDelay == 0 {
		c.RenderDelay = RenderDelayDefault
	}
	if c.RenderDelay < 0 {
		c.RenderDelay = 0
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Accounts < 1 || c.Accounts > AccountsMax:
		return fmt.Errorf("portalsim: accounts %d out of range 1–%d", c.Accounts, AccountsMax)
	case c.PageSize < PageSizeMin || c.PageSize > PageSizeMax:
		return fmt.Errorf("portalsim: page size %d out of range %d–%d", c.PageSize, PageSizeMin, PageSizeMax)
	case c.SessionTTL < 0:
		return errors.New("portalsim: session TTL is negative")
	case c.Malformed < 0 || c.Malformed > c.Accounts:
		return fmt.Errorf("portalsim: malformed %d out of range 0–%d", c.Malformed, c.Accounts)
	case len(c.BadNumbers) > c.Accounts:
		return fmt.Errorf("portalsim: %d bad numbers for %d accounts", len(c.BadNumbers), c.Accounts)
	}
	if err := validateLayout(c.Layout); err != nil {
		return err
	}
	if err := validateVariant(c.Variant); err != nil {
		return err
	}
	if c.Variant != "" && c.Layout != LayoutV1 {
		return fmt.Errorf("portalsim: variant %q needs layout %s, not %s", c.Variant, LayoutV1, c.Layout)
	}
	if err := c.Silent.validate(); err != nil {
		return err
	}
	if err := validateLatency(c.Latency); err != nil {
		return err
	}
	return validateFailRate(c.FailRate)
}

func validateLayout(l string) error {
	if l != LayoutV1 && l != LayoutV2 {
		return fmt.Errorf("portalsim: layout %q is not %s or %s", l, LayoutV1, LayoutV2)
	}
	return nil
}

func validateLatency(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("portalsim: latency %s is negative", d)
	}
	return nil
}

func validateFailRate(r float64) error {
	if math.IsNaN(r) || r < 0 || r > 1 {
		return fmt.Errorf("portalsim: fail rate %v out of range 0–1", r)
	}
	return nil
}
