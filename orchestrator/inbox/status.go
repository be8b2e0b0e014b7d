package inbox

import (
	"embed"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

//go:embed templates/*.html
var templateFS embed.FS

// Status serves the overview page: bots with their schedules, recent runs
// and work item counts. It shows no patient data.
type Status struct {
	store orchestrator.Store
	bots  []orchestrator.Bot
	tmpl  *template.Template
}

// NewStatus returns the status page over store for the configured bots.
func NewStatus(store orchestrator.Store, bots map[string]orchestrator.Bot) *Status {
	list := make([]orchestrator.Bot, 0, len(bots))
	for _, b := range bots {
		list = append(list, b)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	funcs := template.FuncMap{
		"since": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return time.Since(t).Round(time.Second).String() + " ago"
		},
		"dur": func(r orchestrator.Run) string {
			if d := r.Duration(); d > 0 {
				return d.Round(100 * time.Millisecond).String()
			}
			return "—"
		},
	}
	return &Status{
		store: store,
		bots:  list,
		tmpl:  template.Must(template.New("status.html").Funcs(funcs).ParseFS(templateFS, "templates/status.html")),
	}
}

// Register adds the page to mux at /.
func (s *Status) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.serve)
}

type statusPage struct {
	Bots   []orchestrator.Bot
	Runs   []orchestrator.Run
	Counts []orchestrator.ItemCount
	Total  int
}

func (s *Status) serve(w http.ResponseWriter, r *http.Request) {
	runs, err := s.store.Runs(r.Context(), "", 20)
	if err != nil {
		http.Error(w, "runs are unavailable", http.StatusServiceUnavailable)
		return
	}
	counts, err := s.store.CountItems(r.Context())
	if err != nil {
		http.Error(w, "work items are unavailable", http.StatusServiceUnavailable)
		return
	}
	page := statusPage{Bots: s.bots, Runs: runs, Counts: counts}
	for _, c := range counts {
		page.Total += c.Count
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.tmpl.Execute(w, page); err != nil {
		http.Error(w, "page failed to render", http.StatusInternalServerError)
	}
}
