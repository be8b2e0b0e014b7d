package bots

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestTargetBlocksResourcesAndSetsUserAgent(t *testing.T) {
	var mu sync.Mutex
	requested := map[string]string{} // path → user agent
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested[r.URL.Path] = r.UserAgent()
		mu.Unlock()
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<img src="/logo.png"><link rel=stylesheet href="/site.css"><p id=out>ok</p>`)
		case "/site.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, "p{color:red}")
		default:
			w.Header().Set("Content-Type", "image/png")
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := newTestPool(t, PoolConfig{})
	ctx := context.Background()
	s, err := p.Session(ctx, Target{Portal: "sim", Block: []string{"images", "analytics"}, UserAgent: "PortalBot/2.0"})
	if err != nil {
		t.Fatal(err)
	}
	if got := visit(t, s, srv.URL+"/page"); got != "ok" {
		t.Fatalf("page text = %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := requested["/logo.png"]; ok {
		t.Error("blocked image was requested")
	}
	if _, ok := requested["/site.css"]; !ok {
		t.Error("stylesheet (not blocked) was not requested")
	}
	if ua := requested["/page"]; ua != "PortalBot/2.0" {
		t.Errorf("user agent = %q, want the portal's override", ua)
	}

	if _, err := p.Session(ctx, Target{Portal: "sim", Block: []string{"tracking-pixels"}}); err == nil {
		t.Fatal("unknown resource kind accepted")
	}
}
