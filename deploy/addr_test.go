package deploy

import (
	"net"
	"strconv"
	"testing"
)

// listenPort returns the port of a container's listen address, which must
// be on every interface: a loopback address cannot be reached from outside
// the container, not even by its probes.
func listenPort(t *testing.T, where, addr string) int32 {
	t.Helper()
	host, _, err := net.SplitHostPort(addr)
	if err == nil && host != "" && !net.ParseIP(host).IsUnspecified() {
		t.Errorf("%s: %s listens on %s only; use 0.0.0.0", where, addr, host)
	}
	return port(t, where, addr)
}

// port returns the port of a host:port address.
func port(t *testing.T, where, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	n, perr := strconv.ParseUint(p, 10, 16)
	if err != nil || perr != nil || n == 0 {
		t.Errorf("%s: %q is not host:port", where, addr)
		return 0
	}
	return int32(n)
}
