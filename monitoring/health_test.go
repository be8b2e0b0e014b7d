package monitoring

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadyz(t *testing.T) {
	redisUp := true
	h := NewHealth(map[string]Check{
		"database": func(context.Context) error { return nil },
		"redis": func(context.Context) error {
			if redisUp {
				return nil
			}
			return errors.New("dial tcp 127.0.0.1:1: connection refused")
		},
	})
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Fatalf("readyz = %d %s", code, body)
	}
	redisUp = false
	code, body := get("/readyz")
	if code != 503 || !strings.Contains(body, "redis") || strings.Contains(body, "database") {
		t.Fatalf("readyz with redis down = %d %q", code, body)
	}
}
