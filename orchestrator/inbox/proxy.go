package inbox

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the addresses of TLS-terminating proxies in front of
// Docket. Only a request whose peer is one of them has its
// X-Forwarded-For and X-Forwarded-Proto headers believed; anyone else's
// are ignored, so a client cannot pick its own source address (and with
// it a fresh login budget) or pretend it came over TLS.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads addresses and CIDR prefixes ("10.0.0.0/8",
// "192.0.2.7", "::1").
func ParseTrustedProxies(list []string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("inbox: trusted proxy %q: want an address (192.0.2.7, ::1) or a CIDR prefix (10.0.0.0/8)", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (tp TrustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range tp {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address the connection came from.
func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// ClientAddr is the request's source address: the peer, or when the peer
// is a trusted proxy, the nearest address in X-Forwarded-For that is not
// one (read right to left: the left part is whatever the client sent).
func (tp TrustedProxies) ClientAddr(r *http.Request) netip.Addr {
	a := peer(r)
	if !tp.trusts(a) {
		return a
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(hops[i])
		if err != nil {
			return a // garbage from here on: stop at the last good hop
		}
		a = h.Unmap()
		if !tp.trusts(a) {
			return a
		}
	}
	return a
}

func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, part := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(part))
		}
	}
	return hops
}

// HTTPS reports whether the client's request came over TLS: to this
// server, or to a trusted proxy that says so in X-Forwarded-Proto (its
// last value, the one the proxy itself set).
func (tp TrustedProxies) HTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !tp.trusts(peer(r)) {
		return false
	}
	vals := r.Header.Values("X-Forwarded-Proto")
	if len(vals) == 0 {
		return false
	}
	parts := strings.Split(vals[len(vals)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
}
