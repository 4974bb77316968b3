package backends

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Provider kinds.
const (
	KindIoTBackend       = "iot-backend"
	KindConsumerPlatform = "consumer-platform"
)

// Limits that keep a hostile catalogue from costing much to compile.
const (
	maxPatternLen = 4096
	maxRules      = 100000
)

//go:embed catalogue.yaml
var embedded []byte

// Catalogue is a compiled set of providers and rules. It is immutable after
// construction and safe for concurrent use.
type Catalogue struct {
	providers   []*Provider
	domainIndex map[string][]*rule
	certIndex   map[string][]*rule
}

// Provider is one backend provider or consumer platform of the catalogue.
type Provider struct {
	Name       string
	Kind       string
	StudyLabel string // the company label in the study's CSV files ("" for others)
	// WhiteLabel marks a platform that devices of other brands are built
	// on and name as their maker (Tuya): its names are Platform-party for
	// every device, the platform's own devices included.
	WhiteLabel bool
	Sources    []string // the study, or the provider's endpoint documentation
	Rules      []RuleInfo
	// filters are the study's post-processing rules, applied after a rule
	// matched: to the name for domains, to the whole certificate for names.
	domainFilters []filter
	certFilters   []filter
	compiled      []compiledRule
}

// RuleInfo describes one rule for documentation and tests.
type RuleInfo struct {
	ID              string
	Certificate     bool // a certificate-name rule (else a domain rule)
	Suffixes        []string
	Regex           string // as written in the catalogue ("" for a pure suffix rule)
	Published       string // the pattern as the source published it
	Examples        []string
	Counterexamples []string
}

type rule struct {
	id          string
	provider    *Provider
	re          *regexp.Regexp // nil: the suffix alone decides
	regionGroup int            // index of the "region" group, or -1
	region      string         // fixed region when the name does not encode one
	certificate bool
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalogue
)

// Default returns the embedded catalogue, parsed and compiled once. A broken
// embedded file is a build defect caught by the tests, so it panics.
func Default() *Catalogue {
	defaultOnce.Do(func() {
		c, err := Parse(embedded, "catalogue.yaml", nil)
		if err != nil {
			panic(fmt.Sprintf("backends: embedded catalogue: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// Load reads a user catalogue in the embedded format. Unless the file says
// `builtin: false`, it extends the embedded catalogue: a provider with the
// name of a built-in one replaces it, others are added.
func Load(path string) (*Catalogue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, path, Default())
}

// Providers lists the catalogue's providers in file order.
func (c *Catalogue) Providers() []*Provider { return c.providers }

// Provider returns the provider with this name, or nil.
func (c *Catalogue) Provider(name string) *Provider {
	for _, p := range c.providers {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Parse compiles a catalogue from YAML; name is used in errors. With base
// non-nil the result extends base (see Load).
func Parse(data []byte, name string, base *Catalogue) (*Catalogue, error) {
	spec, err := decodeFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var providers []*Provider
	if base != nil && (spec.Builtin == nil || *spec.Builtin) {
		providers = append(providers, base.providers...)
	}
	position := map[string]int{}
	for i, p := range providers {
		position[p.Name] = i
	}
	definedAt := map[string]int{}
	for i := range spec.Providers {
		ps := &spec.Providers[i]
		if line, dup := definedAt[ps.Name]; dup {
			return nil, fmt.Errorf("%s: line %d: provider %q is already defined at line %d", name, ps.line, ps.Name, line)
		}
		definedAt[ps.Name] = ps.line
		p, err := compileProvider(ps)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: provider %q: %w", name, ps.line, ps.Name, err)
		}
		if j, builtin := position[p.Name]; builtin {
			providers[j] = p // a user's definition replaces the built-in one
			continue
		}
		position[p.Name] = len(providers)
		providers = append(providers, p)
	}
	c, err := build(providers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// build indexes the compiled rules by suffix. Rules of later providers
// come after earlier ones under the same suffix, so file order breaks ties.
func build(providers []*Provider) (*Catalogue, error) {
	c := &Catalogue{providers: providers, domainIndex: map[string][]*rule{}, certIndex: map[string][]*rule{}}
	ids := map[string]string{}
	n := 0
	for _, p := range providers {
		for _, info := range p.Rules {
			if other, dup := ids[info.ID]; dup {
				return nil, fmt.Errorf("rule id %q is used by %q and %q", info.ID, other, p.Name)
			}
			ids[info.ID] = p.Name
		}
		for _, r := range p.compiled {
			n++
			idx := c.domainIndex
			if r.rule.certificate {
				idx = c.certIndex
			}
			for _, s := range r.suffixes {
				idx[s] = append(idx[s], r.rule)
			}
		}
	}
	if n > maxRules {
		return nil, fmt.Errorf("%d rules: more than %d", n, maxRules)
	}
	return c, nil
}

// compiledRule pairs a rule with its index keys.
type compiledRule struct {
	rule     *rule
	suffixes []string
}

func compileProvider(s *providerSpec) (*Provider, error) {
	if strings.TrimSpace(s.Name) == "" {
		return nil, errors.New("no name")
	}
	if s.Kind != KindIoTBackend && s.Kind != KindConsumerPlatform {
		return nil, fmt.Errorf("kind %q: want %q or %q", s.Kind, KindIoTBackend, KindConsumerPlatform)
	}
	if len(s.Source) == 0 {
		return nil, errors.New("no source: name the study or the provider's endpoint documentation")
	}
	p := &Provider{Name: s.Name, Kind: s.Kind, StudyLabel: s.StudyLabel, WhiteLabel: s.WhiteLabel, Sources: s.Source}
	var err error
	if p.domainFilters, err = compileFilters(s.DomainFilters); err != nil {
		return nil, fmt.Errorf("domain_filters: %w", err)
	}
	if p.certFilters, err = compileFilters(s.CertificateFilters); err != nil {
		return nil, fmt.Errorf("certificate_filters: %w", err)
	}
	var compiled []compiledRule
	for _, group := range []struct {
		specs []ruleSpec
		cert  bool
	}{{s.Domains, false}, {s.Certificates, true}} {
		for i := range group.specs {
			cr, info, err := compileRule(p, &group.specs[i], group.cert)
			if err != nil {
				return nil, fmt.Errorf("line %d: rule %q: %w", group.specs[i].line, group.specs[i].ID, err)
			}
			compiled = append(compiled, cr)
			p.Rules = append(p.Rules, info)
		}
	}
	if len(compiled) == 0 {
		return nil, errors.New("no domain or certificate rule")
	}
	p.compiled = compiled
	for _, cr := range compiled {
		if err := checkExamples(cr, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func compileRule(p *Provider, s *ruleSpec, cert bool) (compiledRule, RuleInfo, error) {
	if !validID(s.ID) {
		return compiledRule{}, RuleInfo{}, errors.New("id must be letters, digits, '-' or '_'")
	}
	suffixes := append([]string(nil), s.Suffixes...)
	if s.Suffix != "" {
		suffixes = append([]string{s.Suffix}, suffixes...)
	}
	if len(suffixes) == 0 {
		return compiledRule{}, RuleInfo{}, errors.New("no suffix: every rule needs the domain it lives under")
	}
	for i, sfx := range suffixes {
		norm, ok := normalizeName(sfx)
		if !ok || strings.Contains(norm, "*") || strings.HasPrefix(norm, ".") {
			return compiledRule{}, RuleInfo{}, fmt.Errorf("suffix %q is not a domain name", sfx)
		}
		suffixes[i] = norm
	}
	r := &rule{id: s.ID, provider: p, regionGroup: -1, region: s.Region, certificate: cert}
	if s.Regex != "" {
		if len(s.Regex) > maxPatternLen {
			return compiledRule{}, RuleInfo{}, fmt.Errorf("regex longer than %d bytes", maxPatternLen)
		}
		// Whole-name, case-insensitive: the rule never matches inside a
		// longer name, which is the bug of the study's unanchored patterns.
		re, err := regexp.Compile(`(?i)^(?:` + s.Regex + `)$`)
		if err != nil {
			return compiledRule{}, RuleInfo{}, fmt.Errorf("regex: %w", err)
		}
		r.re = re
		r.regionGroup = re.SubexpIndex("region")
	}
	info := RuleInfo{ID: s.ID, Certificate: cert, Suffixes: suffixes, Regex: s.Regex, Published: s.Published,
		Examples: s.Examples, Counterexamples: s.Counterexamples}
	return compiledRule{rule: r, suffixes: suffixes}, info, nil
}

// checkExamples verifies the rule's own examples (the rule and its
// provider's filters accept them) and counterexamples (they do not), so a
// catalogue documents and tests itself.
func checkExamples(cr compiledRule, p *Provider) error {
	accepts := func(name string) bool {
		n, ok := normalizeName(name)
		if !ok || !underAny(n, cr.suffixes) {
			return false
		}
		if cr.rule.certificate {
			_, ok := cr.rule.match(n)
			return ok && allow(p.certFilters, n)
		}
		_, ok = cr.rule.match(n)
		return ok && allow(p.domainFilters, n)
	}
	for _, e := range ruleInfo(p, cr.rule.id).Examples {
		if !accepts(e) {
			return fmt.Errorf("rule %q: example %q does not match", cr.rule.id, e)
		}
	}
	for _, e := range ruleInfo(p, cr.rule.id).Counterexamples {
		if accepts(e) {
			return fmt.Errorf("rule %q: counterexample %q matches", cr.rule.id, e)
		}
	}
	return nil
}

func ruleInfo(p *Provider, id string) RuleInfo {
	for _, r := range p.Rules {
		if r.ID == id {
			return r
		}
	}
	return RuleInfo{}
}

// underAny reports whether name equals one of the suffixes or lies under it.
func underAny(name string, suffixes []string) bool {
	for _, s := range suffixes {
		if name == s || strings.HasSuffix(name, "."+s) {
			return true
		}
	}
	return false
}

func validID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

// The YAML format. Unknown keys are errors (with their line), so a typo in
// a user catalogue does not silently disable a rule.

type fileSpec struct {
	Version   int            `yaml:"version"`
	Builtin   *bool          `yaml:"builtin"`
	Providers []providerSpec `yaml:"providers"`
}

type providerSpec struct {
	Name               string       `yaml:"name"`
	Kind               string       `yaml:"kind"`
	StudyLabel         string       `yaml:"study_label"`
	WhiteLabel         bool         `yaml:"white_label"`
	Source             []string     `yaml:"source"`
	Domains            []ruleSpec   `yaml:"domains"`
	Certificates       []ruleSpec   `yaml:"certificates"`
	DomainFilters      []filterSpec `yaml:"domain_filters"`
	CertificateFilters []filterSpec `yaml:"certificate_filters"`
	line               int
}

type ruleSpec struct {
	ID              string   `yaml:"id"`
	Suffix          string   `yaml:"suffix"`
	Suffixes        []string `yaml:"suffixes"`
	Regex           string   `yaml:"regex"`
	Region          string   `yaml:"region"`
	Published       string   `yaml:"published"`
	Source          string   `yaml:"source"`
	Note            string   `yaml:"note"`
	Examples        []string `yaml:"examples"`
	Counterexamples []string `yaml:"counterexamples"`
	line            int
}

type filterSpec struct {
	DropIfContains     []string `yaml:"drop_if_contains"`
	RequireContains    []string `yaml:"require_contains"`
	WhenContains       string   `yaml:"when_contains"`
	DirectSubdomainsOf []string `yaml:"direct_subdomains_of"`
	Seed               string   `yaml:"seed"`
	line               int
}

func (s *fileSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain fileSpec
	return decodeStrict(n, (*plain)(s), "version", "builtin", "providers")
}

func (s *providerSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain providerSpec
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "name", "kind", "study_label", "white_label", "source", "domains", "certificates",
		"domain_filters", "certificate_filters")
}

func (s *ruleSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain ruleSpec
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "id", "suffix", "suffixes", "regex", "region", "published", "source",
		"note", "examples", "counterexamples")
}

func (s *filterSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain filterSpec
	s.line = n.Line
	return decodeStrict(n, (*plain)(s), "drop_if_contains", "require_contains", "when_contains",
		"direct_subdomains_of", "seed")
}

// decodeStrict decodes a mapping node after checking its keys: yaml.v3 does
// not pass KnownFields on to custom unmarshalers.
func decodeStrict(n *yaml.Node, v any, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			if k.Value == a {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("line %d: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
	}
	return n.Decode(v)
}

func decodeFile(data []byte) (*fileSpec, error) {
	var spec fileSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&spec); err != nil {
		return nil, err
	}
	if spec.Version != 1 {
		return nil, fmt.Errorf("version %d: this iotlens reads version 1", spec.Version)
	}
	return &spec, nil
}
