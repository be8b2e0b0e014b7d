package portalsim

import (
	"fmt"
	"time"
)

// Defaults and limits for ScrubberConfig.
const (
	ScrubberClaimsDefault   = 80
	ScrubberClaimsMax       = 100_000 // bounds memory (about 3 KB per claim)
	ScrubberPageSizeMin     = 5       // the scrubber offers 5 rows a page; PageSizeMax is its maximum too
	ScrubberUsernameDefault = "biller"
	ScrubberPasswordDefault = "demo-password"
	scrubberCookie          = "cx_session"
)

// ScrubberConfig configures the claim scrubber portal. Zero values take the
// documented default.
type ScrubberConfig struct {
	// Seed selects the generated data set; default SeedDefault (1).
	Seed int64
	// Claims is how many claims with edits the scrubber holds; default 80,
	// at most ScrubberClaimsMax.
	Claims int
	// PageSize is the number of rows per list page (batches, claims);
	// default PageSizeDefault (25), allowed ScrubberPageSizeMin–PageSizeMax.
	PageSize int
	// Username and Password are the one valid login; default "biller" and
	// "demo-password".
	Username string
	Password string
	// TOTPSecret turns on the second factor (see NewTOTPSecret); default
	// none.
	TOTPSecret string
	// SessionTTL is how long a login session lives without a request;
	// default SessionTTLDefault.
	SessionTTL time.Duration
	// Latency is added to every request; default none.
	Latency time.Duration
	// FailRate is the share of requests (0–1) answered 500, 502 or 503;
	// default 0.
	FailRate float64
	// Maintenance serves the maintenance page for every request.
	Maintenance bool
	// Layout is the markup version served: LayoutV1 (default) or LayoutV2
	// (renamed ids and classes, moved columns, renamed labels; same data).
	Layout string
	// BadClaimIDs replace the claim ids of as many claims, spread over the
	// claim list, as a broken interface feed leaves them (a 1 MB id, one
	// with control or bidirectional characters); default none. The lists,
	// the claim pages and the export show them as they are. See
	// BadClaimPositions.
	BadClaimIDs []string
	// Now is the portal's clock; default time.Now. Dates of service are
	// fixed relative to Now at construction; edit ages move with it.
	Now func() time.Time
}

func (c ScrubberConfig) withDefaults() ScrubberConfig {
	if c.Seed == 0 {
		c.Seed = SeedDefault
	}
	if c.Claims == 0 {
		c.Claims = ScrubberClaimsDefault
	}
	if c.PageSize == 0 {
		c.PageSize = PageSizeDefault
	}
	if c.Username == "" {
		c.Username = ScrubberUsernameDefault
	}
	if c.Password == "" {
		c.Password = ScrubberPasswordDefault
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = SessionTTLDefault
	}
	if c.Layout == "" {
		c.Layout = LayoutV1
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c ScrubberConfig) validate() error {
	switch {
	case c.Claims < 1 || c.Claims > ScrubberClaimsMax:
		return fmt.Errorf("portalsim: claims %d out of range 1–%d", c.Claims, ScrubberClaimsMax)
	case c.PageSize < ScrubberPageSizeMin || c.PageSize > PageSizeMax:
		return fmt.Errorf("portalsim: page size %d out of range %d–%d", c.PageSize, ScrubberPageSizeMin, PageSizeMax)
	case len(c.BadClaimIDs) > c.Claims:
		return fmt.Errorf("portalsim: %d bad claim ids for %d claims", len(c.BadClaimIDs), c.Claims)
	}
	return validateLayout(c.Layout)
}
