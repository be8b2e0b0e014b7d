package monitoring

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// RequestIDHeader carries a request's id in and out.
const RequestIDHeader = "X-Request-Id"

type loggerKey struct{}

// WithLogger returns ctx carrying log.
func WithLogger(ctx context.Context, log *zap.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// Logger returns the logger ctx carries (with its request or run id), or
// fallback.
func Logger(ctx context.Context, fallback *zap.Logger) *zap.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*zap.Logger); ok {
		return l
	}
	return fallback
}

// RequestLog gives every request an id (the caller's X-Request-Id when it
// is a short token, else a new one), returns it in the response, puts a
// logger with request_id in the request context and logs the request when
// it ends. It logs the ServeMux route pattern that matched ("GET
// /accounts/{account}"), never the path or query: paths carry account
// numbers and queries carry what people typed, either may be patient data.
func RequestLog(log *zap.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		rl := log.With(zap.String("request_id", id))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		r2 := r.WithContext(WithLogger(r.Context(), rl))
		next.ServeHTTP(sw, r2)
		level := zap.DebugLevel
		if sw.status >= 500 {
			level = zap.WarnLevel
		}
		route := r2.Pattern // set by the ServeMux that dispatched it
		if route == "" {
			route = "unmatched"
		}
		rl.Log(level, "http request", zap.String("method", r.Method), zap.String("route", route),
			zap.Int("status", sw.status), zap.Duration("took", time.Since(start)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		ok := c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
