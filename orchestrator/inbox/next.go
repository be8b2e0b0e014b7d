package inbox

import (
	"net/url"
	"strings"
	"unicode"
)

// nextBase is the origin a post-login target is resolved against: any
// target that resolves to another host, scheme or port leaves the site.
var nextBase = url.URL{Scheme: "https", Host: "docket.invalid"}

// safeNext keeps a post-login redirect on this site. The target is parsed,
// not matched by prefix: it must be a path-absolute reference ("/x?y")
// that resolves to this origin. Browsers drop TAB, CR and LF anywhere in a
// URL and read '\' as '/', so "/\t/evil.example" and "/\evil.example" are
// "//evil.example" to them; both are refused, as is any control character
// or backslash, raw or percent-encoded, and a path that starts "//" once
// decoded. Anything refused becomes "/".
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || strings.ContainsFunc(next, unsafeNextRune) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsFunc(u.Path, unsafeNextRune) || strings.HasPrefix(u.EscapedPath(), "//") {
		return "/"
	}
	if to := nextBase.ResolveReference(u); to.Scheme != nextBase.Scheme || to.Host != nextBase.Host {
		return "/"
	}
	return u.String()
}

// unsafeNextRune is what a browser may rewrite or drop in a URL: control
// characters (TAB, CR, LF above all), backslashes and invisible format
// characters.
func unsafeNextRune(r rune) bool {
	return r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}
