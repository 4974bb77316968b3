package backends

import (
	"slices"
	"strings"
)

// Match is what the catalogue says about one name.
type Match struct {
	Provider string
	Kind     string // KindIoTBackend or KindConsumerPlatform
	Region   string // from the name when it encodes one, else the rule's fixed region, else ""
	Rule     string // id of the rule that decided
	// WhiteLabel: the provider is a white-label platform (Provider.WhiteLabel).
	WhiteLabel bool
}

// MatchDomain attributes a DNS name or TLS SNI: case-insensitive, a trailing
// dot ignored. Suffixes are tried from the longest (the name itself) to the
// shortest, so the most specific rule wins; under one suffix, catalogue
// order decides. A rule that matches but whose provider's filters reject the
// name does not stop the search.
func (c *Catalogue) MatchDomain(name string) (Match, bool) {
	n, ok := normalizeName(name)
	if !ok {
		return Match{}, false
	}
	return c.matchNormalized(n, c.domainIndex, nil)
}

// MatchCertName attributes one certificate name (CN or SAN) as a whole name;
// a leading "*." wildcard label is allowed. The certificate filters are
// applied to this name alone: use MatchCertificate for a certificate with
// several names.
func (c *Catalogue) MatchCertName(name string) (Match, bool) {
	ms := c.MatchCertificate([]string{name})
	if len(ms) == 0 {
		return Match{}, false
	}
	return ms[0].Match, true
}

// CertMatch is one provider's share of a certificate: the names its rules
// matched (normalized) and the first match.
type CertMatch struct {
	Match
	Names   []string
	Regions []string // distinct regions over Names, sorted
}

// MatchCertificate attributes a certificate by its names (CN and SANs). Each
// name is matched as a whole; the study's certificate filters then apply to
// the record as a whole, as its post-processing did (AWS keeps a certificate
// only when one of its names contains "*.iot", SAP drops any containing
// "sapns2"). Results come in the order of each provider's first name.
func (c *Catalogue) MatchCertificate(names []string) []CertMatch {
	norm := make([]string, 0, len(names))
	for _, n := range names {
		if v, ok := normalizeName(n); ok && !slices.Contains(norm, v) {
			norm = append(norm, v)
		}
	}
	if len(norm) == 0 {
		return nil
	}
	record := strings.Join(norm, ";")
	var out []CertMatch
	for _, n := range norm {
		m, ok := c.matchNormalized(n, c.certIndex, &record)
		if !ok {
			continue
		}
		i := slices.IndexFunc(out, func(cm CertMatch) bool { return cm.Provider == m.Provider })
		if i < 0 {
			out = append(out, CertMatch{Match: m})
			i = len(out) - 1
		}
		out[i].Names = append(out[i].Names, n)
		if m.Region != "" && !slices.Contains(out[i].Regions, m.Region) {
			out[i].Regions = append(out[i].Regions, m.Region)
		}
	}
	for i := range out {
		slices.Sort(out[i].Regions)
	}
	return out
}

// matchNormalized walks the label-aligned suffixes of n. For certificate
// rules, record (all the certificate's names) is what the filters see.
func (c *Catalogue) matchNormalized(n string, index map[string][]*rule, record *string) (Match, bool) {
	for i := 0; ; {
		for _, r := range index[n[i:]] {
			region, ok := r.match(n)
			if !ok {
				continue
			}
			if record != nil {
				ok = allow(r.provider.certFilters, *record)
			} else {
				ok = allow(r.provider.domainFilters, n)
			}
			if ok {
				return Match{Provider: r.provider.Name, Kind: r.provider.Kind, Region: region, Rule: r.id, WhiteLabel: r.provider.WhiteLabel}, true
			}
		}
		j := strings.IndexByte(n[i:], '.')
		if j < 0 {
			return Match{}, false
		}
		i += j + 1
	}
}

// match runs the rule's regular expression (the suffix already matched).
func (r *rule) match(n string) (string, bool) {
	if r.re == nil {
		return r.region, true
	}
	if r.regionGroup < 0 {
		return r.region, r.re.MatchString(n)
	}
	loc := r.re.FindStringSubmatchIndex(n)
	if loc == nil {
		return "", false
	}
	if g := 2 * r.regionGroup; loc[g] >= 0 && loc[g+1] > loc[g] {
		return n[loc[g]:loc[g+1]], true
	}
	return r.region, true
}

// maxNameLen is the longest DNS name in presentation form (253) with room
// for escapes; longer input is not a name.
const maxNameLen = 1024

// normalizeName lower-cases ASCII letters and drops one trailing dot and
// surrounding spaces. It allocates only when the name has upper-case
// letters. Empty names, and names with empty labels, are refused.
func normalizeName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > maxNameLen || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s), true
		}
	}
	return s, true
}
