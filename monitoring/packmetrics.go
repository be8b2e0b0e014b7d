package monitoring

import "github.com/prometheus/client_golang/prometheus"

// PackMetrics report the portal packs a process loads (bots/flow).
type PackMetrics struct {
	// LoadErrors counts pack loads (at start or on reload) that failed
	// to load or lint; the last good version keeps running.
	LoadErrors *prometheus.CounterVec // pack
	// Info is 1 for the version (content hash, 12 hex digits) of each
	// pack running now, 0 for versions it replaced.
	Info *prometheus.GaugeVec // pack, version
}

// NewPackMetrics registers the pack metrics on reg.
func NewPackMetrics(reg prometheus.Registerer) (*PackMetrics, error) {
	m := &PackMetrics{
		LoadErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docket_pack_load_errors_total",
			Help: "Portal pack loads that failed to load or lint, by pack folder; the last good version keeps running.",
		}, []string{"pack"}),
		Info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "docket_pack_info",
			Help: "1 for the version (content hash prefix) of each portal pack running now.",
		}, []string{"pack", "version"}),
	}
	for _, c := range []prometheus.Collector{m.LoadErrors, m.Info} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Loaded records that pack runs version now.
func (m *PackMetrics) Loaded(pack, version string) {
	if len(version) > 12 {
		version = version[:12]
	}
	m.Info.DeletePartialMatch(prometheus.Labels{"pack": pack})
	m.Info.WithLabelValues(pack, version).Set(1)
}
