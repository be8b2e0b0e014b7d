package inbox

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
)

//go:embed templates/*.html static/*
var assets embed.FS // read-only; embed needs a package-level variable

// view is what every page template gets.
type view struct {
	Title  string
	Nav    string // which menu entry is current
	P      *principal
	CSRF   string
	Flash  string // a fixed confirmation ("Task claimed.")
	Error  string
	Status int
	Data   any
}

// Can is for templates: does the viewer have role min?
func (v view) Can(min string) bool { return v.P.Can(orchestrator.Role(min)) }

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"ts": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"ago": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return humanDuration(time.Since(t)) + " ago"
		},
		"dur": humanDuration,
		"runDur": func(r orchestrator.Run) string {
			if d := r.Duration(); d > 0 {
				return d.Round(100 * time.Millisecond).String()
			}
			return "—"
		},
		"cents": func(c int64) string { return fmt.Sprintf("$%d.%02d", c/100, c%100) },
		// qset returns the current query with key set to value: sort and
		// paging links keep the filters.
		"qset": func(q url.Values, kv ...string) string {
			n := url.Values{}
			for k, v := range q {
				n[k] = append([]string(nil), v...)
			}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					n.Del(kv[i])
				} else {
					n.Set(kv[i], kv[i+1])
				}
			}
			return "?" + n.Encode()
		},
		"join":   strings.Join,
		"plural": plural,
	}
}

// humanDuration is a short, coarse duration: 45s, 12m, 5h, 3d.
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "in " + humanDuration(-d)
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// parsePages builds one template set per page: the layout plus the page.
// extra adds the functions that need the server's configuration.
func parsePages(extra template.FuncMap) (map[string]*template.Template, error) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs()).Funcs(extra).ParseFS(assets, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("inbox: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page. It renders into a buffer first so a template
// failure never leaves half a page with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, p *principal, status int, page string, v view) {
	t, ok := s.pages[page]
	if !ok {
		s.cfg.Logger.Error("no such page template", zap.String("page", page))
		http.Error(w, "page missing", http.StatusInternalServerError)
		return
	}
	v.P = p
	if p != nil && p.Session != nil {
		v.CSRF = p.Session.CSRFToken
	}
	v.Status = status
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.cfg.Logger.Error("page failed to render", zap.String("page", page), zap.Error(err))
		http.Error(w, "page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderStatus shows a message page (not found, forbidden, conflict...)
// with the navigation of whoever asked, so people find their way on.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, p *principal, status int, msg string) {
	if p == nil {
		p = principalIn(r.Context())
	}
	h := newStatusHelp(status, p)
	h.Message = msg
	s.render(w, r, p, status, "message", view{Title: statusTitle(status), Data: h})
}

// flashes are the confirmations a redirect may ask for by key, so no
// text from the URL is ever shown.
var flashes = map[string]string{
	"claimed":   "Task claimed. It is yours until you resolve or release it.",
	"nonext":    "Nothing left to work: no task is assigned to you and none is waiting unclaimed in your queues.",
	"released":  "Task released back to the queue.",
	"assigned":  "Task assigned.",
	"commented": "Comment added.",
	"resolved":  "Task resolved.",
	"next":      "Task resolved. This is your next task.",
	"lastdone":  "Task resolved. Nothing left to work: no task is assigned to you and none is waiting unclaimed in your queues.",
	"retried":   "Write-back requested again.",
	"paused":    "Schedule paused.",
	"resumed":   "Schedule resumed.",
	"started":   "Run enqueued.",
	"token":     "Token created. Copy it now: it is not shown again.",
	"revoked":   "Token revoked.",
	"user":      "User saved.",
}

func flash(r *http.Request) string { return flashes[r.URL.Query().Get("ok")] }
