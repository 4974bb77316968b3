package knowledge

import (
	"fmt"
	"path"
	"strings"
)

// suffixIndex finds the most specific domain pattern that covers a name. A
// pattern covers itself and every name under it, on a dot boundary, so
// "sonos.com" covers "ws.sonos.com" but never "notsonos.com". A '*' in a
// pattern label matches any run of characters inside that one label
// ("time*.google.com", "*.iot.meethue.com").
type suffixIndex[V any] struct {
	exact map[string]indexed[V]
	globs []indexed[V]
}

type indexed[V any] struct {
	pattern string
	labels  int
	value   V
}

// add indexes pattern (already validated and lower-case); the first value
// added for a pattern wins.
func (ix *suffixIndex[V]) add(pattern string, v V) {
	e := indexed[V]{pattern: pattern, labels: strings.Count(pattern, ".") + 1, value: v}
	if strings.Contains(pattern, "*") {
		for _, g := range ix.globs {
			if g.pattern == pattern {
				return
			}
		}
		ix.globs = append(ix.globs, e)
		return
	}
	if ix.exact == nil {
		ix.exact = map[string]indexed[V]{}
	}
	if _, dup := ix.exact[pattern]; !dup {
		ix.exact[pattern] = e
	}
}

// lookup returns the pattern with the most labels that covers name (a
// normalised, lower-case host name); an exact pattern beats a glob of the
// same length.
func (ix *suffixIndex[V]) lookup(name string) (indexed[V], bool) {
	var best indexed[V]
	found := false
	if name == "" {
		return best, false
	}
	for s := name; ; {
		if e, ok := ix.exact[s]; ok {
			best, found = e, true
			break
		}
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			break
		}
		s = s[dot+1:]
	}
	for _, g := range ix.globs {
		if (!found || g.labels > best.labels) && globCovers(g.pattern, name) {
			best, found = g, true
		}
	}
	return best, found
}

// globCovers reports whether the last labels of name match the pattern's
// labels one by one.
func globCovers(pattern, name string) bool {
	for {
		pi, ni := strings.LastIndexByte(pattern, '.'), strings.LastIndexByte(name, '.')
		pl, nl := pattern[pi+1:], name[ni+1:]
		if ok, _ := path.Match(pl, nl); !ok {
			return false
		}
		if pi < 0 {
			return true
		}
		if ni < 0 {
			return false
		}
		pattern, name = pattern[:pi], name[:ni]
	}
}

// normalizeName lower-cases a host name and drops surrounding spaces and
// trailing dots, the form every index is keyed by.
func normalizeName(name string) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(name), "."))
}

// validatePattern checks a domain pattern from a knowledge file and returns
// its normal form.
func validatePattern(p string) (string, error) {
	n := normalizeName(p)
	if n == "" {
		return "", fmt.Errorf("empty domain pattern")
	}
	if len(n) > 253 {
		return "", fmt.Errorf("domain pattern %.40q... is longer than 253 characters", n)
	}
	for label := range strings.SplitSeq(n, ".") {
		if label == "" {
			return "", fmt.Errorf("domain pattern %q has an empty label", p)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '*') {
				return "", fmt.Errorf("domain pattern %q: character %q is not allowed (letters, digits, '-', '_', '*')", p, c)
			}
		}
	}
	if n == "*" {
		return "", fmt.Errorf("domain pattern %q would match every name", p)
	}
	return n, nil
}
