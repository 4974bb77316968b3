package knowledge

import (
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// SplitDomain returns the SLD and TLD of a host name exactly as the
// destination-analysis seed computes them with tldextract's defaults: only
// the ICANN section of the Public Suffix List counts (private entries such as
// s3.amazonaws.com or github.io are ignored), TLD is the public suffix and
// SLD the one label before it.
//
//	conn-i-1.ws.sonos.com → ("sonos", "com")
//	a.b.co.uk             → ("b", "co.uk")
//	x.s3.amazonaws.com    → ("amazonaws", "com")
//
// Edge cases follow tldextract 3.1.2: an IP literal is its own SLD with an
// empty TLD ("1.2.3.4" → ("1.2.3.4", "")); a name whose last label is no
// ICANN suffix has that last label as SLD and an empty TLD
// ("foo.bar.invalidtld" → ("invalidtld", ""), "localhost" → ("localhost",
// "")); a bare suffix has an empty SLD ("com" → ("", "com")). Matching is
// case-insensitive and the results keep the input's case; surrounding
// spaces, trailing dots and a ":port" are removed first. One deviation: an
// IPv6 literal is kept whole ("2001:db8::1" → ("2001:db8::1", "")) where
// tldextract cuts it at the first colon.
func SplitDomain(name string) (sld, tld string) {
	name = stripPort(trimName(name))
	if name == "" {
		return "", ""
	}
	if isIPLiteral(name) {
		return name, ""
	}
	n := suffixLabels(name)
	if n == 0 {
		return lastLabel(name), ""
	}
	labels := strings.Split(name, ".")
	if n >= len(labels) {
		return "", name
	}
	split := len(labels) - n
	return labels[split-1], strings.Join(labels[split:], ".")
}

// suffixLabels returns how many trailing labels of name form its ICANN
// public suffix (0: none). Internationalised names are compared in their
// ASCII (punycode) form, as the compiled list stores them; the label count
// is the same in both forms.
func suffixLabels(name string) int {
	suffix := icannSuffix(toASCII(strings.ToLower(name)))
	if suffix == "" {
		return 0
	}
	return strings.Count(suffix, ".") + 1
}

// stripPort drops a ":port" suffix ("bridge.meethue.com:80", as HTTP Host
// headers carry it), like tldextract does; IPv6 literals keep their colons
// and lose only their brackets.
func stripPort(name string) string {
	if strings.HasPrefix(name, "[") {
		if end := strings.IndexByte(name, ']'); end > 0 {
			return name[1:end]
		}
	}
	host, port, ok := strings.Cut(name, ":")
	if ok && !strings.Contains(port, ":") && isDigits(port) {
		return host
	}
	return name
}

// RegistrableDomain returns the ICANN eTLD+1 of name ("a.b.co.uk" →
// "b.co.uk", "x.s3.amazonaws.com" → "amazonaws.com"), lower-cased; it is
// empty when SplitDomain gives an empty SLD or TLD (IP literals, bare
// suffixes, unknown suffixes, single labels).
func RegistrableDomain(name string) string {
	sld, tld := SplitDomain(name)
	if sld == "" || tld == "" {
		return ""
	}
	return strings.ToLower(sld + "." + tld)
}

// PublicSuffixListVersion names the snapshot of the Public Suffix List
// compiled into the binary (from golang.org/x/net/publicsuffix).
func PublicSuffixListVersion() string { return publicsuffix.List.String() }

// icannSuffix returns the longest ICANN public suffix of the lower-case name,
// or "" when its last label is no ICANN suffix. x/net's PublicSuffix also
// knows private rules; when one wins, the search starts again from the
// parent of that private suffix, which is what a list without the private
// section would have matched.
func icannSuffix(name string) string {
	s := name
	for s != "" {
		suffix, icann := publicsuffix.PublicSuffix(s)
		if icann {
			return suffix
		}
		dot := strings.IndexByte(suffix, '.')
		if dot < 0 {
			return "" // the implicit "*" rule: an unknown top-level label
		}
		s = suffix[dot+1:]
	}
	return ""
}

func trimName(name string) string {
	return strings.TrimRight(strings.TrimSpace(name), ".")
}

func lastLabel(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isIPLiteral(name string) bool {
	if strings.IndexByte(name, ':') < 0 && (name[len(name)-1] < '0' || name[len(name)-1] > '9') {
		return false // fast path: host names end in a letter far more often
	}
	_, err := netip.ParseAddr(name)
	return err == nil
}
