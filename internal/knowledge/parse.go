package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// fileSpec is a knowledge file: the built-in data/knowledge.yaml or a user
// overrides file (same keys; `domains` is the user's own section).
type fileSpec struct {
	Version              int              `yaml:"version"`
	Manufacturers        []manufacturerSp `yaml:"manufacturers"`
	ChipVendors          []string         `yaml:"chip_vendors"`
	Support              []supportSp      `yaml:"support"`
	TrackerOrganizations []trackerOrgSp   `yaml:"tracker_organizations"`
	Domains              []overrideSp     `yaml:"domains"`
}

type manufacturerSp struct {
	line         int
	Name         string   `yaml:"name"`
	Organization string   `yaml:"organization"`
	Parent       string   `yaml:"parent"`
	Aliases      []string `yaml:"aliases"`
	OUI          []string `yaml:"oui"`
	Domains      []string `yaml:"domains"`
	CertOrgs     []string `yaml:"cert_orgs"`
	Source       []string `yaml:"source"`
}

type supportSp struct {
	line         int
	Category     string   `yaml:"category"`
	Organization string   `yaml:"organization"`
	Domains      []string `yaml:"domains"`
	CertOrgs     []string `yaml:"cert_orgs"`
	Source       []string `yaml:"source"`
}

type trackerOrgSp struct {
	line         int
	Organization string   `yaml:"organization"`
	Domains      []string `yaml:"domains"`
	Source       []string `yaml:"source"`
}

type overrideSp struct {
	line         int
	Pattern      string `yaml:"pattern"`
	CIDR         string `yaml:"cidr"`
	Category     string `yaml:"category"`
	Organization string `yaml:"organization"`
	Note         string `yaml:"note"`
}

// supportCategories are the kinds of support infrastructure.
var supportCategories = []string{"cdn", "cloud", "ntp", "dns", "connectivity", "update", "ca"}

func (s *manufacturerSp) UnmarshalYAML(n *yaml.Node) error {
	type plain manufacturerSp
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "name", "organization", "parent", "aliases", "oui", "domains", "cert_orgs", "source")
}

func (s *supportSp) UnmarshalYAML(n *yaml.Node) error {
	type plain supportSp
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "category", "organization", "domains", "cert_orgs", "source")
}

func (s *trackerOrgSp) UnmarshalYAML(n *yaml.Node) error {
	type plain trackerOrgSp
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "organization", "domains", "source")
}

func (s *overrideSp) UnmarshalYAML(n *yaml.Node) error {
	type plain overrideSp
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "pattern", "cidr", "category", "organization", "note")
}

// decodeStrict decodes a mapping node, refusing keys not in allowed: a
// misspelt key would otherwise be silently ignored.
func decodeStrict(n *yaml.Node, v any, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return fmt.Errorf("line %d: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
	}
	return n.Decode(v)
}

// decodeFile parses YAML strictly. yaml.v3 has panicked on some malformed
// documents in the past; a knowledge file is user input, so a panic becomes
// an error.
func decodeFile(data []byte) (spec fileSpec, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil && !errors.Is(err, io.EOF) {
		return spec, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return spec, errors.New("more than one YAML document")
	}
	return spec, nil
}

// parse builds a KB from a knowledge file, on top of base (nil for the
// built-in file itself).
func parse(data []byte, name string, base *KB) (*KB, error) {
	spec, err := decodeFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if spec.Version != 0 && spec.Version != 1 {
		return nil, fmt.Errorf("%s: version %d is not supported (want 1)", name, spec.Version)
	}
	kb := newKB()
	if base != nil {
		kb = base.clone()
	}
	kb.files = append(kb.files, name)
	b := builder{kb: kb, file: name}
	steps := []func(*fileSpec) error{b.manufacturers, b.chipVendors, b.support, b.trackerOrgs, b.overrides}
	for _, step := range steps {
		if err := step(&spec); err != nil {
			return nil, err
		}
	}
	if err := kb.link(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return kb, nil
}

// builder adds one file's entries to a KB.
type builder struct {
	kb   *KB
	file string
}

func (b builder) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...))
}

// patterns validates a list of domain patterns.
func (b builder) patterns(line int, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, d := range list {
		p, err := validatePattern(d)
		if err != nil {
			return nil, b.errorf(line, "%v", err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (b builder) manufacturers(spec *fileSpec) error {
	for _, s := range spec.Manufacturers {
		name := strings.TrimSpace(s.Name)
		if name == "" {
			return b.errorf(s.line, "manufacturer without a name")
		}
		domains, err := b.patterns(s.line, s.Domains)
		if err != nil {
			return err
		}
		m := b.kb.manufacturerNamed(name)
		if m == nil {
			m = &manufacturer{name: name, certOrgs: map[string]bool{}}
			b.kb.manufacturers = append(b.kb.manufacturers, m)
		}
		if s.Organization != "" {
			m.organization = strings.TrimSpace(s.Organization)
		}
		if m.organization == "" {
			m.organization = name
		}
		if s.Parent != "" {
			m.parentName = strings.TrimSpace(s.Parent)
		}
		for _, a := range s.Aliases {
			if k := joined(a); k != "" && !slices.Contains(m.aliases, k) {
				m.aliases = append(m.aliases, k)
			}
		}
		for _, o := range s.OUI {
			if ws := words(o); len(ws) > 0 {
				m.oui = append(m.oui, ws)
			}
		}
		for _, d := range domains {
			if !slices.Contains(m.domains, d) {
				m.domains = append(m.domains, d)
			}
		}
		for _, c := range s.CertOrgs {
			if k := orgKey(c); k != "" {
				m.certOrgs[k] = true
			}
		}
		m.sources = append(m.sources, s.Source...)
	}
	return nil
}

func (b builder) chipVendors(spec *fileSpec) error {
	for _, c := range spec.ChipVendors {
		if ws := words(c); len(ws) > 0 {
			b.kb.chipVendors = append(b.kb.chipVendors, ws)
		}
	}
	return nil
}

func (b builder) support(spec *fileSpec) error {
	for _, s := range spec.Support {
		cat := strings.ToLower(strings.TrimSpace(s.Category))
		if !slices.Contains(supportCategories, cat) {
			return b.errorf(s.line, "support category %q is not one of %s", s.Category, strings.Join(supportCategories, ", "))
		}
		if strings.TrimSpace(s.Organization) == "" {
			return b.errorf(s.line, "support entry without an organization")
		}
		domains, err := b.patterns(s.line, s.Domains)
		if err != nil {
			return err
		}
		e := &supportEntry{category: cat, organization: strings.TrimSpace(s.Organization)}
		for _, d := range domains {
			b.kb.support.add(d, e)
		}
		for _, c := range s.CertOrgs {
			if k := orgKey(c); k != "" {
				if _, dup := b.kb.supportCerts[k]; !dup {
					b.kb.supportCerts[k] = e
				}
			}
		}
	}
	return nil
}

func (b builder) trackerOrgs(spec *fileSpec) error {
	for _, s := range spec.TrackerOrganizations {
		org := strings.TrimSpace(s.Organization)
		if org == "" {
			return b.errorf(s.line, "tracker organization entry without an organization")
		}
		domains, err := b.patterns(s.line, s.Domains)
		if err != nil {
			return err
		}
		for _, d := range domains {
			b.kb.trackerOrgs.add(d, org)
		}
	}
	return nil
}

// overrides adds the user's own rules. A user's rule for a pattern replaces
// an earlier one for the same pattern (files are applied in order), so the
// new entries go into a fresh index first.
func (b builder) overrides(spec *fileSpec) error {
	fresh := suffixIndex[*override]{}
	var nets []netOverride
	for _, s := range spec.Domains {
		party, ok := ParseParty(s.Category)
		if !ok {
			return b.errorf(s.line, "category %q is not one of First-party, Support-party, Third-party, Platform-party, Local", s.Category)
		}
		o := &override{party: party, organization: strings.TrimSpace(s.Organization)}
		switch {
		case s.Pattern != "" && s.CIDR != "":
			return b.errorf(s.line, "give either pattern or cidr, not both")
		case s.Pattern != "":
			p, err := validatePattern(s.Pattern)
			if err != nil {
				return b.errorf(s.line, "%v", err)
			}
			o.rule = "override:" + p
			fresh.add(p, o)
		case s.CIDR != "":
			prefix, err := parsePrefix(s.CIDR)
			if err != nil {
				return b.errorf(s.line, "%v", err)
			}
			o.rule = "override:" + prefix.String()
			nets = append(nets, netOverride{prefix: prefix, override: *o})
		default:
			return b.errorf(s.line, "override without pattern or cidr")
		}
	}
	copyIndex(&fresh, &b.kb.overrides)
	b.kb.overrides = fresh
	b.kb.overrideNets = append(nets, b.kb.overrideNets...)
	return nil
}

// parsePrefix accepts a CIDR prefix or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("cidr %q is not an address or prefix", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("cidr %q is not an address or prefix", s)
	}
	if p.Addr().Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("cidr %q: IPv4-mapped prefix shorter than /96", s)
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
