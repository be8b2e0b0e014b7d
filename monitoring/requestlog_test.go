package monitoring

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestRequestLog(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	var seen string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		Logger(r.Context(), zap.NewNop()).Info("inside")
		w.WriteHeader(http.StatusTeapot)
	})
	h := RequestLog(zap.New(core), mux)
	for _, in := range []string{"abc-123", "bad id\n", ""} {
		req := httptest.NewRequest("GET", "/items/MRN0012345?dob=1950-01-02", nil)
		if in != "" {
			req.Header.Set(RequestIDHeader, in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		seen = rec.Header().Get(RequestIDHeader)
		if in == "abc-123" && seen != in {
			t.Fatalf("request id %q not kept: %q", in, seen)
		}
		if !validRequestID(seen) || seen == "bad id\n" {
			t.Fatalf("bad request id answered: %q", seen)
		}
	}
	for _, e := range logs.All() {
		f := e.ContextMap()
		if f["request_id"] == nil || f["request_id"] == "" {
			t.Fatalf("entry %q has no request id", e.Message)
		}
		for k, v := range f {
			if s, ok := v.(string); ok && (strings.Contains(s, "MRN0012345") || strings.Contains(s, "1950")) {
				t.Fatalf("field %s = %q: paths and queries must not be logged", k, s)
			}
		}
		if r, ok := f["route"]; ok && r != "GET /items/{id}" {
			t.Fatalf("route = %q", r)
		}
		if e.Message == "http request" && f["status"] != int64(http.StatusTeapot) {
			t.Fatalf("status = %v", f["status"])
		}
	}
	if logs.Len() != 6 {
		t.Fatalf("got %d entries, want 6", logs.Len())
	}
}
