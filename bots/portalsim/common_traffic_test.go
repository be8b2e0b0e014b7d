package portalsim

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// The counters judge the fleet's politeness, so they must see what
// happened: overlapping sessions, and bursts within one second.
func TestTrafficCounts(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	tr := NewTraffic("sid")
	srv := httptest.NewServer(tr.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(arrived)
			<-release
		}
	})))
	t.Cleanup(srv.Close)
	get := func(path, sid string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if sid != "" {
			req.AddCookie(&http.Cookie{Name: "sid", Value: sid})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	}

	// Sessions a and b overlap (a's slow request spans b's); c comes after
	// both ended.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); get("/slow", "a") }()
	<-arrived
	get("/", "b")
	close(release)
	wg.Wait()
	get("/", "c")
	get("/", "") // before sign-in: counted as a request, not a session
	if n := tr.MaxSessions(); n != 2 {
		t.Errorf("MaxSessions = %d, want 2", n)
	}
	if n := tr.Sessions(); n != 3 {
		t.Errorf("Sessions = %d, want 3", n)
	}
	if n := tr.MaxPerSecond(); n != 4 {
		t.Errorf("MaxPerSecond = %d, want 4 (all within a second)", n)
	}
	if n := tr.Requests(); n != 4 {
		t.Errorf("Requests = %d, want 4", n)
	}
}

// A window is one second wide: requests a second apart are not in it.
func TestTrafficWindow(t *testing.T) {
	tr := NewTraffic("sid")
	base := time.Now()
	for _, ms := range []int{0, 500, 999, 1000, 1500, 2600} {
		tr.times = append(tr.times, base.Add(time.Duration(ms)*time.Millisecond))
	}
	if n := tr.MaxPerSecond(); n != 3 { // [0,1000): 0, 500, 999; [500,1500): 500, 999, 1000
		t.Errorf("MaxPerSecond = %d, want 3", n)
	}
}
