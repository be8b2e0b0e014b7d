package inbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
)

// apiError is the body of every JSON error.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: msg, Code: code})
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// deny answers a refused request: JSON for the API, a short page otherwise.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		writeJSONError(w, status, codeFor(status), msg)
		return
	}
	s.renderStatus(w, r, nil, status, msg)
}

// codeFor is the API error code of a refusal's status.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid"
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusServiceUnavailable:
		return "unavailable"
	}
	return "forbidden"
}

// statusFor maps the domain's sentinels to HTTP.
func statusFor(err error) (int, string) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, orchestrator.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, orchestrator.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, orchestrator.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	}
	return http.StatusInternalServerError, "internal"
}

// fail answers an error from the domain or a store. Expected outcomes
// (not found, conflict, invalid) show their message, which names ids and
// rules, never data; anything else is logged and shown generically.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	status, code := statusFor(err)
	msg := publicMessage(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("request failed", zap.String("method", r.Method), zap.String("path_pattern", r.Pattern), zap.Error(err))
		msg = "something went wrong on our side; try again, and tell the automation team if it persists"
	}
	if api {
		writeJSONError(w, status, code, msg)
		return
	}
	if status == http.StatusNotFound {
		msg = notFoundMessage(r)
	}
	s.renderStatus(w, r, nil, status, msg)
}

// publicMessage strips the package prefixes ("sqlstore: ", "orchestrator: ")
// a wrapped error carries.
func publicMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"sqlstore: ", "orchestrator: ", "inbox: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}
