package endpoints

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Overrides fix the Type of endpoints by address or by name. The file is the
// knowledge base's overrides format (the same --overrides file the party
// classifier reads): a `domains:` list whose entries have a `pattern` (a
// host name; "*" matches inside one label) or a `cidr` (an address or
// prefix), a `category` (First, Support, Third, Local, Local Multicast,
// Local Broadcast, "Local (<device>)", or the knowledge base's party names)
// and optionally an `organization` and a `note`. The knowledge base's other
// sections are read by the classifier and ignored here.
type Overrides struct {
	nets  []netRule
	names []nameRule
}

type netRule struct {
	prefix netip.Prefix
	typ    string
	org    string
}

type nameRule struct {
	pattern string
	labels  []string // pattern labels, last (top-level) first
	glob    bool
	typ     string
	org     string
}

// Verdict is an override's decision.
type Verdict struct{ Type, Organization, Rule string }

type overrideFile struct {
	Domains []overrideEntry `yaml:"domains"`
}

type overrideEntry struct {
	line         int
	Pattern      string `yaml:"pattern"`
	CIDR         string `yaml:"cidr"`
	Category     string `yaml:"category"`
	Organization string `yaml:"organization"`
	Note         string `yaml:"note"`
}

var overrideKeys = map[string]bool{"pattern": true, "cidr": true, "category": true, "organization": true, "note": true}

// UnmarshalYAML decodes one entry strictly: a misspelt key would otherwise
// silently drop the user's rule.
func (e *overrideEntry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: an override is a mapping (pattern or cidr, category, organization)", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !overrideKeys[k.Value] {
			return fmt.Errorf("line %d: unknown key %q (known: pattern, cidr, category, organization, note)", k.Line, k.Value)
		}
	}
	type plain overrideEntry
	e.line = n.Line
	return n.Decode((*plain)(e))
}

// maxOverridesFile bounds the file: it is a hand-written list.
const maxOverridesFile = 8 << 20

// LoadOverrides reads an overrides file; "" gives none.
func LoadOverrides(path string) (*Overrides, error) {
	if path == "" {
		return &Overrides{}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxOverridesFile {
		return nil, fmt.Errorf("%s: %d bytes: an overrides file is a hand-written list (at most %d bytes)", path, st.Size(), maxOverridesFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseOverrides(data, path)
}

// ParseOverrides reads an overrides document; name is used in errors.
func ParseOverrides(data []byte, name string) (*Overrides, error) {
	doc, err := decodeOverrides(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ov := &Overrides{}
	for _, e := range doc.Domains {
		if err := ov.add(e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, e.line, err)
		}
	}
	return ov, nil
}

// decodeOverrides parses the YAML. yaml.v3 has panicked on malformed input
// in the past; the file is user input, so a panic becomes an error.
func decodeOverrides(data []byte) (doc overrideFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return doc, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return doc, errors.New("more than one YAML document")
	}
	return doc, nil
}

func (ov *Overrides) add(e overrideEntry) error {
	typ, ok := NormalizeType(e.Category)
	if !ok {
		return fmt.Errorf("category %q is not one of First, Support, Third, Local, Local Multicast, Local Broadcast, \"Local (<device>)\"", e.Category)
	}
	org := strings.TrimSpace(e.Organization)
	switch {
	case e.Pattern != "" && e.CIDR != "":
		return errors.New("give either pattern or cidr, not both")
	case e.CIDR != "":
		prefix, err := parsePrefix(e.CIDR)
		if err != nil {
			return err
		}
		ov.nets = append(ov.nets, netRule{prefix: prefix, typ: typ, org: org})
	case e.Pattern != "":
		p, err := validatePattern(e.Pattern)
		if err != nil {
			return err
		}
		labels := strings.Split(p, ".")
		for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
			labels[i], labels[j] = labels[j], labels[i]
		}
		ov.names = append(ov.names, nameRule{pattern: p, labels: labels, glob: strings.Contains(p, "*"), typ: typ, org: org})
	default:
		return errors.New("override without pattern or cidr")
	}
	return nil
}

// parsePrefix accepts a CIDR prefix or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("cidr %q is not an address or prefix", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("cidr %q is not an address or prefix", s)
	}
	return p.Masked(), nil
}

// validatePattern lower-cases a name pattern and checks its labels: letters,
// digits, '-', '_' and '*' (which matches inside one label).
func validatePattern(s string) (string, error) {
	p := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if p == "" || len(p) > 253 {
		return "", fmt.Errorf("pattern %q: want a host name of 1 to 253 characters", s)
	}
	for _, label := range strings.Split(p, ".") {
		if label == "" {
			return "", fmt.Errorf("pattern %q has an empty label", s)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '*') {
				return "", fmt.Errorf("pattern %q: character %q is not allowed in a host name", s, r)
			}
		}
	}
	return p, nil
}

// Empty reports whether there are no rules.
func (ov *Overrides) Empty() bool { return ov == nil || len(ov.nets) == 0 && len(ov.names) == 0 }

// Match returns the override for an endpoint: the longest matching prefix
// for its address, else the most specific name pattern covering any of its
// names (more labels win; an exact pattern beats a glob; then file order).
func (ov *Overrides) Match(ip netip.Addr, hostNames []string) (Verdict, bool) {
	if ov == nil {
		return Verdict{}, false
	}
	ip = ip.Unmap()
	best := -1
	for i := range ov.nets {
		r := &ov.nets[i]
		if r.prefix.Contains(ip) && (best < 0 || r.prefix.Bits() > ov.nets[best].prefix.Bits()) {
			best = i
		}
	}
	if best >= 0 {
		r := &ov.nets[best]
		return Verdict{r.typ, r.org, "override:" + r.prefix.String()}, true
	}
	for _, n := range hostNames {
		for i := range ov.names {
			r := &ov.names[i]
			if r.covers(n) && (best < 0 || r.moreSpecific(&ov.names[best])) {
				best = i
			}
		}
	}
	if best >= 0 {
		r := &ov.names[best]
		return Verdict{r.typ, r.org, "override:" + r.pattern}, true
	}
	return Verdict{}, false
}

func (r *nameRule) moreSpecific(o *nameRule) bool {
	if len(r.labels) != len(o.labels) {
		return len(r.labels) > len(o.labels)
	}
	return !r.glob && o.glob
}

// covers reports whether the pattern is name or a parent of it on a dot
// boundary, '*' matching any run of characters inside one label.
func (r *nameRule) covers(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	for _, pl := range r.labels {
		dot := strings.LastIndexByte(name, '.')
		label := name[dot+1:]
		if name == "" || !globLabel(pl, label) {
			return false
		}
		if dot < 0 {
			name = ""
		} else {
			name = name[:dot]
		}
	}
	return true
}

// globLabel matches one label against a pattern label where '*' is any run
// of characters (linear time: the classic greedy matcher with backtracking
// to the last star).
func globLabel(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
