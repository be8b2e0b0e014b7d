package bots

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Limits of Fetcher.Fetch.
const (
	// FetchConcurrency is how many requests one Fetch has open at once,
	// about what a browser opens to one host.
	FetchConcurrency = 8
	// FetchBodyMax bounds one page; a bigger one is an error, not a
	// truncated read.
	FetchBodyMax = 32 << 20
)

// Fetched is one page a Fetcher asked for.
type Fetched struct {
	URL    string
	Status int // 0 when no answer came (Err says why)
	// Location is where a redirect pointed. Fetch does not follow
	// redirects: a portal sends a lapsed session to its login page, and the
	// bot has to sign in again in the browser.
	Location string
	Header   http.Header // the answer's headers
	Body     []byte
	Err      error
}

// Page sorts out a fetched answer before a bot reads it. It returns the
// parsed page of a successful (2xx) answer; nil for no answer, a redirect
// or a client error, which the bot tells apart by Err, Location and
// Status; for a server error, nil and whether the page shows the selector
// file's maintenance element. The error is for an answer that came but
// could not be taken (an oversized page) or parsed.
func (f Fetched) Page(file *selectors.File, maintenance string) (page *HTMLPage, inMaintenance bool, err error) {
	switch {
	case f.Err != nil && f.Status != 0:
		return nil, false, f.Err
	case f.Err != nil, f.Location != "", f.Status < 200, f.Status >= 300 && f.Status < 500:
		return nil, false, nil
	}
	p, err := ParseHTMLPage(file, f.Body)
	if err != nil {
		return nil, false, err
	}
	if f.Status >= 500 {
		return nil, p.Find(nil, maintenance) != nil, nil
	}
	return p, false, nil
}

// fetchTransport is shared by every session so connections to a portal are
// reused across runs.
var fetchTransport = &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	MaxIdleConnsPerHost: FetchConcurrency * 4,
	IdleConnTimeout:     90 * time.Second,
	TLSHandshakeTimeout: 10 * time.Second,
}

// Fetcher gets pages of the portal a session is signed in to without
// rendering them: over HTTP, with the browser context's cookies and the
// page's user agent, as the page's own fetch() would send them. It is for
// pages the portal renders on the server, read with ParseHTMLPage; a run
// still signs in, navigates and takes screenshots in the browser. A
// Fetcher touches no browser, so it may work in another goroutine while
// the session's page goes on; it carries the cookies of the moment it was
// made (Session.Fetcher).
type Fetcher struct {
	client    *http.Client
	userAgent string
	timeout   time.Duration
	pace      Politeness // nil: no limit
	portal    string
}

// fetchPausedRetries is how often a Fetcher asks again for a page the
// portal answered with 429 (after the fleet's pause).
const fetchPausedRetries = 3

// Fetcher takes the browser context's cookies for urls' origins (a
// browser step) and returns a Fetcher that sends them.
func (s *Session) Fetcher(ctx context.Context, urls []string) (*Fetcher, error) {
	var cookies []*proto.NetworkCookie
	err := s.Step(ctx, fmt.Sprintf("cookies for %d pages", len(urls)), func(p *rod.Page) error {
		if s.userAgent == "" {
			res, err := p.Eval(`() => navigator.userAgent`)
			if err != nil {
				return err
			}
			s.userAgent = res.Value.Str()
		}
		res, err := proto.NetworkGetCookies{Urls: urls}.Call(p)
		if err != nil {
			return err
		}
		cookies = res.Cookies
		return nil
	})
	if err != nil {
		return nil, err
	}
	client, err := fetchClient(urls, cookies)
	if err != nil {
		return nil, err
	}
	timeout := s.StepTimeout
	if timeout <= 0 {
		timeout = StepTimeoutDefault
	}
	return &Fetcher{client: client, userAgent: s.userAgent, timeout: timeout, pace: s.pace, portal: s.Target.Portal}, nil
}

// Fetch gets urls, at most FetchConcurrency at once, and calls read once
// per address, with its index, as each page arrives, from the fetching
// goroutines (so reading overlaps the fetching). The error is ctx's.
func (f *Fetcher) Fetch(ctx context.Context, urls []string, read func(i int, f Fetched)) error {
	sem := make(chan struct{}, FetchConcurrency)
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			read(i, f.get(ctx, u))
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// ReadPages fetches urls with f and reads each page with read as it
// arrives, several at once; it returns what read made of each, in the
// order of urls, or every error read and ctx gave.
func ReadPages[T any](ctx context.Context, f *Fetcher, urls []string, read func(Fetched) (T, error)) ([]T, error) {
	out := make([]T, len(urls))
	errs := make([]error, len(urls)+1)
	errs[len(urls)] = f.Fetch(ctx, urls, func(i int, page Fetched) { out[i], errs[i] = read(page) })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadPage fetches the one page at u over s's session (a Fetcher of now)
// and reads it with read.
func ReadPage[T any](ctx context.Context, s *Session, u string, read func(Fetched) (T, error)) (T, error) {
	var zero T
	f, err := s.Fetcher(ctx, []string{u})
	if err != nil {
		return zero, err
	}
	out, err := ReadPages(ctx, f, []string{u}, read)
	if err != nil {
		return zero, err
	}
	return out[0], nil
}

// fetchClient is a client whose cookie jar holds the browser's cookies,
// so each request carries only the cookies the browser would send to
// that address.
func fetchClient(urls []string, cookies []*proto.NetworkCookie) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	seen := map[string]bool{}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("bots: fetch: %q is not an http(s) address", raw)
		}
		origin := u.Scheme + "://" + u.Host
		if seen[origin] {
			continue
		}
		seen[origin] = true
		var hc []*http.Cookie
		for _, c := range cookies {
			h := &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HttpOnly: c.HTTPOnly}
			if strings.HasPrefix(c.Domain, ".") {
				h.Domain = c.Domain // a domain cookie; without a dot it is host-only
			} else if !strings.EqualFold(c.Domain, u.Hostname()) {
				continue
			}
			hc = append(hc, h)
		}
		jar.SetCookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}, hc)
	}
	return &http.Client{
		Transport: fetchTransport,
		Jar:       jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// get fetches u within the portal's request budget; a 429 (or a 503
// with Retry-After) pauses the whole fleet for the portal and, for a 429,
// asks again after the pause.
func (f *Fetcher) get(ctx context.Context, u string) Fetched {
	for attempt := 0; ; attempt++ {
		if f.pace != nil {
			if err := f.pace.Request(ctx, f.portal); err != nil {
				return Fetched{URL: u, Err: fmt.Errorf("bots: fetch %s: %w", orchestrator.RedactURL(u), err)}
			}
		}
		out := f.getOnce(ctx, u)
		if f.pace == nil {
			return out
		}
		if d := RetryAfter(out.Status, out.Header, time.Now()); d > 0 {
			if err := f.pace.Pause(ctx, f.portal, d); err != nil {
				return out
			}
		}
		if out.Status != http.StatusTooManyRequests || attempt >= fetchPausedRetries {
			return out
		}
	}
}

func (f *Fetcher) getOnce(ctx context.Context, u string) Fetched {
	out := Fetched{URL: u}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		out.Err = fmt.Errorf("bots: fetch %s: not an address", orchestrator.RedactURL(u))
		return out
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the address, query and all
		}
		out.Err = fmt.Errorf("bots: fetch %s: %w", orchestrator.RedactURL(u), err)
		return out
	}
	defer resp.Body.Close()
	out.Status, out.Header = resp.StatusCode, resp.Header
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		out.Location = resp.Header.Get("Location")
		if out.Location == "" {
			out.Location = u
		}
		return out
	}
	out.Body, err = io.ReadAll(io.LimitReader(resp.Body, FetchBodyMax+1))
	switch {
	case err != nil:
		out.Status, out.Body, out.Err = 0, nil, fmt.Errorf("bots: fetch %s: body: %w", orchestrator.RedactURL(u), err)
	case len(out.Body) > FetchBodyMax:
		out.Body, out.Err = nil, fmt.Errorf("bots: fetch %s: page larger than %d MB", orchestrator.RedactURL(u), FetchBodyMax>>20)
	}
	return out
}
