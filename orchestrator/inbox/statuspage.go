package inbox

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"
)

// principalKey carries the request's principal, so pages rendered outside
// a route's handler (refusals, errors, not found) keep the navigation.
type principalKey struct{}

func withPrincipal(ctx context.Context, p *principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalIn is the principal the guard found for the request; nil when
// anonymous.
func principalIn(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// statusTitle is the heading of a status page, in words.
func statusTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusConflict:
		return "Changed meanwhile"
	case http.StatusBadRequest:
		return "Cannot do that"
	case http.StatusRequestEntityTooLarge:
		return "Too much at once"
	case http.StatusServiceUnavailable:
		return "Not available right now"
	case http.StatusInternalServerError:
		return "Something went wrong"
	}
	return http.StatusText(status)
}

// statusLink is where a status page sends people on.
type statusLink struct {
	Href, Text string
}

// statusHelp says what to do next on a status page and links there.
type statusHelp struct {
	Message string // what happened: the refusal or the error, for people
	Advice  string
	Links   []statusLink
}

func newStatusHelp(status int, p *principal) statusHelp {
	var h statusHelp
	switch status {
	case http.StatusNotFound:
		h.Advice = "The address may be mistyped, or what it pointed to is gone."
	case http.StatusForbidden:
		h.Advice = "Ask an administrator if you need this."
	case http.StatusConflict:
		h.Advice = "Someone else changed it after you opened the page. Open it again to see what it is now."
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
		h.Advice = "Nothing you did caused this. Try again in a moment."
	}
	switch {
	case p == nil:
		h.Links = append(h.Links, statusLink{"/login", "Log in"})
	case p.Can(staff):
		h.Links = append(h.Links, statusLink{"/inbox", "Go to the inbox"}, statusLink{"/", "Overview"})
	default:
		h.Links = append(h.Links, statusLink{"/", "Go to the overview"})
	}
	return h
}

// notFoundMessage says what a page could not find, in words: the store's
// "view task 9: task 9: not found" is for the log and the API.
func notFoundMessage(r *http.Request) string {
	id := r.PathValue("id")
	if utf8.RuneCountInString(id) > 40 {
		id = string([]rune(id)[:40]) + "…"
	}
	switch {
	case id == "":
	case strings.HasPrefix(r.Pattern, "GET /tasks/"), strings.HasPrefix(r.Pattern, "POST /tasks/"):
		return "There is no task " + id + "."
	case strings.HasPrefix(r.Pattern, "GET /runs/"):
		return "There is no run " + id + "."
	case strings.HasPrefix(r.Pattern, "GET /evidence/"):
		return "There is no evidence record " + id + "."
	}
	return "There is nothing at this address."
}

// notFound answers every GET for an address no route has: a page with the
// navigation for people, JSON for the API.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, _ *principal) {
	s.deny(w, r, http.StatusNotFound, "There is no page at this address.")
}

// notFoundRoute is registered after every route; it is not in Routes (the
// role matrix and the API document list the real routes).
func (s *Server) notFoundRoute() Route {
	return Route{Method: http.MethodGet, Pattern: "/", Role: public, handle: s.notFound}
}
