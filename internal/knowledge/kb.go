package knowledge

import (
	_ "embed"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
)

//go:embed data/knowledge.yaml
var builtinYAML []byte

// builtinName is how errors and rules name the embedded file.
const builtinName = "internal/knowledge/data/knowledge.yaml"

// KB is a knowledge base: IoT manufacturers and their domains, support
// infrastructure, tracker operators and user overrides. It is read-only once
// built, so one KB serves any number of goroutines.
type KB struct {
	manufacturers []*manufacturer
	byAlias       map[string]*manufacturer // joined alias or name → manufacturer
	chipVendors   [][]string
	support       suffixIndex[*supportEntry]
	supportCerts  map[string]*supportEntry // orgKey → entry
	trackerOrgs   suffixIndex[string]
	overrides     suffixIndex[*override]
	overrideNets  []netOverride
	files         []string
}

type manufacturer struct {
	name, organization string
	parentName         string
	parent             *manufacturer
	aliases            []string
	oui                [][]string
	domains            []string
	match              suffixIndex[struct{}]
	certOrgs           map[string]bool
	sources            []string
}

type supportEntry struct {
	category, organization string
}

type override struct {
	party        Party
	organization string
	rule         string
}

type netOverride struct {
	prefix netip.Prefix
	override
}

var (
	defaultOnce sync.Once
	defaultKB   *KB
	defaultErr  error
)

// Default returns the built-in knowledge base. The embedded file is checked
// by the package tests, so an error here is a build defect; Default then
// returns an empty KB rather than failing the analysis.
func Default() *KB {
	defaultOnce.Do(func() {
		defaultKB, defaultErr = parse(builtinYAML, builtinName, nil)
		if defaultErr != nil {
			defaultKB = newKB()
		}
	})
	return defaultKB
}

// defaultError reports a defect in the embedded file (for tests).
func defaultError() error {
	Default()
	return defaultErr
}

// LoadOverrides returns the built-in knowledge base extended by the user
// YAML file at path (docs/knowledge.md describes its keys): domain patterns
// or address prefixes mapped to a party and organization, extra
// manufacturers (or extra domains, aliases and OUI names for built-in ones),
// support entries and tracker organizations. Errors name the file and line.
func LoadOverrides(path string) (*KB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("knowledge overrides: %w", err)
	}
	return parse(data, path, Default())
}

func newKB() *KB {
	return &KB{byAlias: map[string]*manufacturer{}, supportCerts: map[string]*supportEntry{}}
}

// clone copies the tables of kb that a user file can extend (the entries
// themselves are copied when changed, never shared mutably).
func (kb *KB) clone() *KB {
	out := newKB()
	out.files = slices.Clone(kb.files)
	for _, m := range kb.manufacturers {
		c := *m
		c.aliases, c.oui, c.domains = slices.Clone(m.aliases), slices.Clone(m.oui), slices.Clone(m.domains)
		c.certOrgs = map[string]bool{}
		for k := range m.certOrgs {
			c.certOrgs[k] = true
		}
		out.manufacturers = append(out.manufacturers, &c)
	}
	out.chipVendors = slices.Clone(kb.chipVendors)
	copyIndex(&out.support, &kb.support)
	for k, v := range kb.supportCerts {
		out.supportCerts[k] = v
	}
	copyIndex(&out.trackerOrgs, &kb.trackerOrgs)
	copyIndex(&out.overrides, &kb.overrides)
	out.overrideNets = slices.Clone(kb.overrideNets)
	return out
}

func copyIndex[V any](dst, src *suffixIndex[V]) {
	for _, e := range src.exact {
		dst.add(e.pattern, e.value)
	}
	for _, g := range src.globs {
		dst.add(g.pattern, g.value)
	}
}

// link resolves parents and rebuilds the per-manufacturer indexes after
// entries were added or merged.
func (kb *KB) link() error {
	kb.byAlias = map[string]*manufacturer{}
	for _, m := range kb.manufacturers {
		m.match = suffixIndex[struct{}]{}
		for _, d := range m.domains {
			m.match.add(d, struct{}{})
		}
		for _, key := range append([]string{joined(m.name)}, m.aliases...) {
			if _, taken := kb.byAlias[key]; !taken && key != "" {
				kb.byAlias[key] = m
			}
		}
	}
	for _, m := range kb.manufacturers {
		m.parent = nil
		if m.parentName == "" {
			continue
		}
		p := kb.manufacturerNamed(m.parentName)
		if p == nil || p == m {
			return fmt.Errorf("manufacturer %q: parent %q is not a manufacturer", m.name, m.parentName)
		}
		if p.parentName != "" {
			return fmt.Errorf("manufacturer %q: parent %q has a parent itself; one level only", m.name, m.parentName)
		}
		m.parent = p
	}
	return nil
}

func (kb *KB) manufacturerNamed(name string) *manufacturer {
	for _, m := range kb.manufacturers {
		if strings.EqualFold(m.name, name) {
			return m
		}
	}
	return nil
}

// lookupManufacturer finds a manufacturer by its name or an alias.
func (kb *KB) lookupManufacturer(name string) *manufacturer {
	if m := kb.manufacturerNamed(strings.TrimSpace(name)); m != nil {
		return m
	}
	return kb.byAlias[joined(name)]
}

// Manufacturers lists the manufacturer names of the knowledge base, in file
// order.
func (kb *KB) Manufacturers() []string {
	out := make([]string, len(kb.manufacturers))
	for i, m := range kb.manufacturers {
		out[i] = m.name
	}
	return out
}

// Files names the knowledge files kb was built from, built-in first.
func (kb *KB) Files() []string { return slices.Clone(kb.files) }

// FirstPartyDomains returns the domains the knowledge base attributes to a
// manufacturer (by name or alias, case-insensitive: "Sonos", "kasa"): its
// own, then its parent group's (Ring → Amazon), as the classifier treats
// them. An unknown manufacturer has none.
func (kb *KB) FirstPartyDomains(manufacturer string) []string {
	m := kb.lookupManufacturer(manufacturer)
	if m == nil {
		return nil
	}
	out := slices.Clone(m.domains)
	if m.parent != nil {
		for _, d := range m.parent.domains {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// Organization returns the organization that runs a manufacturer's cloud
// ("Sonos" → "Sonos, Inc."), or "".
func (kb *KB) Organization(manufacturer string) string {
	if m := kb.lookupManufacturer(manufacturer); m != nil {
		return m.organization
	}
	return ""
}

// Manufacturer maps what an inventory knows about a device to a
// manufacturer of the knowledge base. modelOrManufacturer (an inventory's
// manufacturer or model column: "TP-Link", "Tapo C200") is tried first, then
// the device name ("Kasa Bulb", "TpLinkPlug"), both by the brand words they
// contain, then the OUI vendor (the IEEE organization of the MAC:
// "Amazon Technologies Inc."). A chip or module maker's OUI (Espressif,
// Murata, AzureWave...) names no manufacturer.
func (kb *KB) Manufacturer(deviceName, vendor, modelOrManufacturer string) (string, bool) {
	m := kb.resolve(modelOrManufacturer, deviceName, vendor)
	if m == nil {
		return "", false
	}
	return m.name, true
}

func (kb *KB) resolve(texts ...string) *manufacturer {
	last := len(texts) - 1
	for i, t := range texts {
		if t == "" {
			continue
		}
		if i == last {
			return kb.byVendor(t)
		}
		if m := kb.byTokens(t); m != nil {
			return m
		}
	}
	return nil
}

// maxAliasTokens bounds how many consecutive name tokens an alias may span
// ("smart", "things" → "smartthings").
const maxAliasTokens = 4

// byTokens finds the brand word that starts earliest in text; at the same
// start the longest alias wins.
func (kb *KB) byTokens(text string) *manufacturer {
	toks := nameTokens(text)
	for i := range toks {
		var found *manufacturer
		key := ""
		for n := 0; n < maxAliasTokens && i+n < len(toks); n++ {
			key += toks[i+n]
			if m, ok := kb.byAlias[key]; ok {
				found = m
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// byVendor maps an IEEE organization name to a manufacturer: chip vendors
// first (none), then the manufacturers' OUI prefixes, then brand words.
func (kb *KB) byVendor(vendor string) *manufacturer {
	ws := words(vendor)
	for _, chip := range kb.chipVendors {
		if hasWordPrefix(ws, chip) {
			return nil
		}
	}
	for _, m := range kb.manufacturers {
		for _, p := range m.oui {
			if hasWordPrefix(ws, p) {
				return m
			}
		}
	}
	return kb.byTokens(vendor)
}
