package benchmark

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/claimscrubber"
	"github.com/docket-rpa/docket/bots/codingholds"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/selectors"
)

// workload is one bot with the portals it reads and the plain-HTTP way to
// fetch the same data (the floor).
type workload struct {
	name string
	bot  bots.Bot
	// portal serves about records records (seed varies the data), each
	// request delayed by latency, and returns what the bot should read
	// from it.
	portal func(seed int64, records int, latency time.Duration) (http.Handler, bots.Target, int, error)
	// floor fetches the portal's data over plain HTTP and returns the
	// records fetched.
	floor func(ctx context.Context, t bots.Target, h http.Handler) (int, error)
}

// The portals render without artificial delay; latency is the
// scenario's, so the figures at zero latency are Docket's own cost.
func codingWorkload(b *testing.B) workload {
	b.Helper()
	layouts, err := packs.Layouts("coding-worklist")
	if err != nil {
		b.Fatal(err)
	}
	bot, err := codingholds.New(codingholds.Config{Layouts: layouts, BatchSize: 50})
	if err != nil {
		b.Fatal(err)
	}
	return workload{
		name: "coding-holds",
		bot:  bot,
		portal: func(seed int64, records int, latency time.Duration) (http.Handler, bots.Target, int, error) {
			secret := portalsim.NewTOTPSecret(seed)
			cw, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: seed, Accounts: records, PageSize: 100,
				RenderDelay: -1, TOTPSecret: secret, Latency: latency})
			t := bots.Target{Portal: "coding-worklist", Username: portalsim.UsernameDefault,
				Password: portalsim.PasswordDefault, TOTPSecret: secret}
			return cw, t, records, err
		},
		floor: codingFloor,
	}
}

func scrubberWorkload(b *testing.B) workload {
	b.Helper()
	sel, err := selectors.LoadVersion("claim-scrubber", "v1") // the portal serves v1 by default
	if err != nil {
		b.Fatal(err)
	}
	bot, err := claimscrubber.New(claimscrubber.Config{Selectors: sel})
	if err != nil {
		b.Fatal(err)
	}
	return workload{
		name: "claim-scrubber",
		bot:  bot,
		portal: func(seed int64, records int, latency time.Duration) (http.Handler, bots.Target, int, error) {
			cfg := portalsim.ScrubberConfig{Seed: seed, PageSize: 100, Latency: latency}
			// Claims carry several edits; size the portal by edits.
			probe, err := portalsim.NewClaimScrubber(withClaims(cfg, 200))
			if err != nil {
				return nil, bots.Target{}, 0, err
			}
			perClaim := float64(countEdits(probe.Claims())) / 200
			cs, err := portalsim.NewClaimScrubber(withClaims(cfg, max(1, int(float64(records)/perClaim))))
			if err != nil {
				return nil, bots.Target{}, 0, err
			}
			user, pass := cs.Credentials()
			t := bots.Target{Portal: "claim-scrubber", Username: user, Password: pass}
			return cs, t, countEdits(cs.Claims()), nil
		},
		floor: scrubberFloor,
	}
}

func withClaims(c portalsim.ScrubberConfig, n int) portalsim.ScrubberConfig { c.Claims = n; return c }

func countEdits(claims []portalsim.Claim) int {
	n := 0
	for _, c := range claims {
		n += len(c.Edits)
	}
	return n
}

// login signs in with a cookie jar, answering the TOTP step when asked.
func login(ctx context.Context, t bots.Target) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute}
	return c, portalsim.SignIn(ctx, c, t.BaseURL, t.Username, t.Password, t.TOTPSecret)
}

func get(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, err
}

// fetchAll gets every URL, 10 at once (the bots' fetcher keeps
// bots.FetchConcurrency, 8, in flight).
func fetchAll(ctx context.Context, c *http.Client, urls []string) error {
	sem := make(chan struct{}, 10)
	errs := make(chan error, len(urls))
	for _, u := range urls {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := get(ctx, c, u)
			errs <- err
		}()
	}
	for range urls {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// codingFloor reads every worklist page from the JSON endpoint and every
// account's detail page.
func codingFloor(ctx context.Context, t bots.Target, _ http.Handler) (int, error) {
	c, err := login(ctx, t)
	if err != nil {
		return 0, err
	}
	var urls []string
	for page := 1; ; page++ {
		body, err := get(ctx, c, fmt.Sprintf("%s/api/worklist?page=%d&size=100", t.BaseURL, page))
		if err != nil {
			return 0, err
		}
		var list struct {
			Pages int `json:"pages"`
			Rows  []struct {
				Href string `json:"href"`
			} `json:"rows"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return 0, err
		}
		for _, r := range list.Rows {
			urls = append(urls, t.BaseURL+r.Href)
		}
		if page >= list.Pages {
			break
		}
	}
	return len(urls), fetchAll(ctx, c, urls)
}

// scrubberFloor fetches the batch list pages, every claim page and the CSV
// export. Claim ids come from the simulator's ground truth, which only
// flatters the floor.
func scrubberFloor(ctx context.Context, t bots.Target, h http.Handler) (int, error) {
	cs := h.(*portalsim.ClaimScrubber)
	c, err := login(ctx, t)
	if err != nil {
		return 0, err
	}
	urls := []string{t.BaseURL + "/export/edits.csv", t.BaseURL + "/batches"}
	edits := 0
	for _, cl := range cs.Claims() {
		urls = append(urls, t.BaseURL+"/claims/"+url.PathEscape(cl.ID))
		edits += len(cl.Edits)
	}
	return edits, fetchAll(ctx, c, urls)
}
