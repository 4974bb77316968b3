package backends

import (
	"errors"
	"fmt"
	"strings"
)

// filter is one of the study's post-processing rules, kept as data in the
// catalogue. All its conditions must hold for a name (or a certificate
// record) to be kept:
//
//	drop_if_contains      none of these substrings occurs
//	require_contains      at least one of these substrings occurs
//	when_contains         the two above apply only when this occurs
//	direct_subdomains_of  a name under a template (iot.*.amazonaws.com, where
//	                      * is one label) must be exactly one label below it
type filter struct {
	drop     []string
	require  []string
	when     string
	template [][]string // labels of each direct_subdomains_of template
}

func compileFilters(specs []filterSpec) ([]filter, error) {
	var out []filter
	for _, s := range specs {
		f := filter{when: strings.ToLower(s.WhenContains)}
		for _, list := range []struct {
			src []string
			dst *[]string
		}{{s.DropIfContains, &f.drop}, {s.RequireContains, &f.require}} {
			for _, v := range list.src {
				v = strings.ToLower(v)
				if v == "" || strings.Contains(v, ";") {
					return nil, fmt.Errorf("line %d: %q: substrings must be non-empty and without ';'", s.line, v)
				}
				*list.dst = append(*list.dst, v)
			}
		}
		for _, t := range s.DirectSubdomainsOf {
			n, ok := normalizeName(t)
			if !ok {
				return nil, fmt.Errorf("line %d: direct_subdomains_of %q is not a name template", s.line, t)
			}
			f.template = append(f.template, strings.Split(n, "."))
		}
		if len(f.drop) == 0 && len(f.require) == 0 && len(f.template) == 0 {
			return nil, fmt.Errorf("line %d: %w", s.line, errors.New("a filter needs drop_if_contains, require_contains or direct_subdomains_of"))
		}
		if f.when != "" && len(f.drop) == 0 && len(f.require) == 0 {
			return nil, fmt.Errorf("line %d: when_contains needs drop_if_contains or require_contains", s.line)
		}
		out = append(out, f)
	}
	return out, nil
}

// allow applies every filter to s (a lower-case name, or a certificate's
// names joined with ';').
func allow(filters []filter, s string) bool {
	for i := range filters {
		if !filters[i].allows(s) {
			return false
		}
	}
	return true
}

func (f *filter) allows(s string) bool {
	if f.when == "" || strings.Contains(s, f.when) {
		for _, d := range f.drop {
			if strings.Contains(s, d) {
				return false
			}
		}
		if len(f.require) > 0 && !containsAny(s, f.require) {
			return false
		}
	}
	for _, t := range f.template {
		// A certificate record holds several names: each is checked.
		for name := range strings.SplitSeq(s, ";") {
			if !directSubdomainOK(name, t) {
				return false
			}
		}
	}
	return true
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// directSubdomainOK is false when name lies under the template (its last
// labels match it, * matching any one label) but is not exactly one label
// below it. Names elsewhere are not this filter's business. It walks the
// labels from the end without allocating (it runs for every AWS name).
func directSubdomainOK(name string, template []string) bool {
	rest := name
	for i := len(template) - 1; i >= 0; i-- {
		if rest == "" {
			return true // shorter than the template
		}
		label := rest
		if dot := strings.LastIndexByte(rest, '.'); dot >= 0 {
			label, rest = rest[dot+1:], rest[:dot]
		} else {
			rest = ""
		}
		if template[i] != "*" && template[i] != label {
			return true
		}
	}
	// Under the template: exactly one more label, without dots.
	return rest != "" && strings.IndexByte(rest, '.') < 0 && len(rest) < len(name)
}
