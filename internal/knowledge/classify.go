package knowledge

import (
	"net/netip"
	"strings"
	"sync"

	"github.com/iotlens/iotlens/internal/inventory"
)

// Party is who a destination belongs to, seen from the device.
type Party string

// The parties, spelt as the seed's Category column spells them.
const (
	FirstParty    Party = "First-party"    // the device's manufacturer
	SupportParty  Party = "Support-party"  // CDNs, cloud hosting, NTP, DNS, connectivity checks, updates, CAs
	ThirdParty    Party = "Third-party"    // advertising, analytics, tracking, and everyone else
	PlatformParty Party = "Platform-party" // IoT backend platforms (AWS IoT Core, Tuya, ...)
	Local         Party = "Local"          // the LAN: local addresses and names
)

// ParseParty accepts a party's full name or its first word, in any case
// ("Support-party", "support", "LOCAL").
func ParseParty(s string) (Party, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimSuffix(strings.TrimSuffix(k, "-party"), " party")
	switch k {
	case "first":
		return FirstParty, true
	case "support":
		return SupportParty, true
	case "third":
		return ThirdParty, true
	case "platform":
		return PlatformParty, true
	case "local":
		return Local, true
	}
	return "", false
}

// Input is what the classifier knows about one destination of one device.
type Input struct {
	Domain  string     // the name the device used (DNS, SNI, Host...); may be empty or an address
	IP      netip.Addr // the address contacted; may be invalid when only the name is known
	CertOrg string     // subject organization of the server certificate, when seen

	DeviceName   string // inventory name: "Kasa Bulb", "TuyaPlug"
	Manufacturer string // inventory manufacturer column: "TP-Link"
	Model        string // inventory model: "Tapo C200"
	Vendor       string // IEEE OUI organization of the device's MAC
}

// Verdict is the classifier's answer and the rule that decided it, so every
// label can be explained and audited.
type Verdict struct {
	Party        Party
	Organization string // who runs the destination, when known
	Rule         string // e.g. "manufacturer-domain:sonos.com", "support:cdn:cloudfront.net"
}

// Platform is what the platform callback says about a name: the IoT
// platform it belongs to, and whether that platform is white-label (its
// names are Platform-party even for the devices that name it as maker).
type Platform struct {
	Provider   string
	WhiteLabel bool
}

// PlatformFunc recognises IoT platforms' names (the IoT-backend catalogue).
type PlatformFunc func(domain string) (Platform, bool)

// Classifier assigns a party to destinations. It is safe for concurrent use.
type Classifier struct {
	kb       *KB
	platform PlatformFunc

	mu     sync.Mutex
	makers map[deviceKey]*manufacturer
}

type deviceKey struct{ name, manufacturer, model, vendor string }

// NewClassifier returns a classifier over kb (nil: Default()). platform, if
// not nil, recognises IoT backend platforms' names (the IoT-backend
// catalogue, the one source of which names are Platform-party).
func NewClassifier(kb *KB, platform PlatformFunc) *Classifier {
	if kb == nil {
		kb = Default()
	}
	return &Classifier{kb: kb, platform: platform, makers: map[deviceKey]*manufacturer{}}
}

// Classify decides the party of one destination. The rules, first match
// wins (docs/knowledge.md):
//
//  1. Local: a local address (RFC 1918, link-local, ULA, multicast,
//     broadcast, CGNAT...) or a local name (.local, .arpa, .lan, .home,
//     .internal, .localdomain, localhost, single labels).
//  2. User override: the most specific pattern or prefix of --overrides.
//  3. White-label platform: a name of a catalogue platform marked
//     white_label (Tuya): Platform-party for every device, its own
//     included, because white-label devices name the platform as maker.
//  4. First-party: a domain of the device's manufacturer (or its parent
//     group), or a certificate organization of theirs.
//  5. Platform-party: the platform callback (IoT-backend catalogue).
//  6. Support-party: CDN, cloud hosting, NTP, DNS, connectivity check,
//     update host, certificate authority (by domain, then certificate
//     organization).
//  7. Third-party tracker: the generated EasyList/EasyPrivacy host list.
//  8. Third-party by default.
func (c *Classifier) Classify(in Input) Verdict {
	name, ip := splitHost(in.Domain, in.IP)
	if v, ok := classifyLocal(name, ip); ok {
		return v
	}
	if v, ok := c.override(name, ip); ok {
		return v
	}
	pf, isPlatform := c.platformOf(name)
	if isPlatform && pf.WhiteLabel {
		return Verdict{PlatformParty, pf.Provider, "platform:catalogue:" + pf.Provider}
	}
	if m := c.manufacturerOf(in); m != nil {
		if v, ok := firstParty(m, name, in.CertOrg); ok {
			return v
		}
	}
	if isPlatform {
		return Verdict{PlatformParty, pf.Provider, "platform:catalogue:" + pf.Provider}
	}
	if v, ok := c.support(name, in.CertOrg); ok {
		return v
	}
	if v, ok := c.tracker(name); ok {
		return v
	}
	return defaultVerdict(name, in.CertOrg)
}

func (c *Classifier) platformOf(name string) (Platform, bool) {
	if c.platform == nil || name == "" {
		return Platform{}, false
	}
	return c.platform(name)
}

// splitHost normalises the name; a name that is an address (or
// address:port, as HTTP Host headers carry) is used as the address instead.
func splitHost(domain string, ip netip.Addr) (string, netip.Addr) {
	name := normalizeName(domain)
	if name == "" {
		return "", ip.Unmap()
	}
	if a, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
		return "", a.Unmap()
	}
	if ap, err := netip.ParseAddrPort(name); err == nil {
		return "", ap.Addr().Unmap()
	}
	if host, port, ok := strings.Cut(name, ":"); ok && port != "" && isDigits(port) {
		name = host
	}
	return name, ip.Unmap()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// localSuffixes are names that never leave the LAN: mDNS, reverse zones,
// home.arpa, and the customary private pseudo-TLDs.
var localSuffixes = []string{"local", "arpa", "lan", "home", "internal", "localdomain", "localhost", "intranet", "corp"}

// localDomains are registered domains whose names stand for LAN-only
// addresses: IANA's mcast.net names multicast groups (igmp.mcast.net is
// 224.0.0.22).
var localDomains = []string{"mcast.net"}

func classifyLocal(name string, ip netip.Addr) (Verdict, bool) {
	if ip.IsValid() && inventory.IsLocal(ip) {
		return Verdict{Party: Local, Rule: "local:address"}, true
	}
	if name == "" {
		return Verdict{}, false
	}
	tld := lastLabel(name)
	for _, s := range localSuffixes {
		if tld == s {
			return Verdict{Party: Local, Rule: "local:name:." + s}, true
		}
	}
	if !strings.Contains(name, ".") {
		return Verdict{Party: Local, Rule: "local:single-label"}, true
	}
	for _, d := range localDomains {
		if name == d || strings.HasSuffix(name, "."+d) {
			return Verdict{Party: Local, Rule: "local:name:" + d}, true
		}
	}
	return Verdict{}, false
}

func (c *Classifier) override(name string, ip netip.Addr) (Verdict, bool) {
	if e, ok := c.kb.overrides.lookup(name); ok {
		o := e.value
		return Verdict{o.party, o.organization, o.rule}, true
	}
	if ip.IsValid() {
		for _, n := range c.kb.overrideNets {
			if n.prefix.Contains(ip) {
				return Verdict{n.party, n.organization, n.rule}, true
			}
		}
	}
	return Verdict{}, false
}

// manufacturerOf resolves (and remembers) the device's manufacturer: the
// inventory's manufacturer column, model, device name, then OUI vendor.
func (c *Classifier) manufacturerOf(in Input) *manufacturer {
	key := deviceKey{in.DeviceName, in.Manufacturer, in.Model, in.Vendor}
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.makers[key]
	if !ok {
		m = c.kb.resolve(in.Manufacturer, in.Model, in.DeviceName, in.Vendor)
		c.makers[key] = m
	}
	return m
}

func firstParty(m *manufacturer, name, certOrg string) (Verdict, bool) {
	for _, owner := range []*manufacturer{m, m.parent} {
		if owner == nil {
			continue
		}
		if e, ok := owner.match.lookup(name); ok {
			return Verdict{FirstParty, owner.organization, "manufacturer-domain:" + e.pattern}, true
		}
	}
	if certOrg == "" {
		return Verdict{}, false
	}
	key := orgKey(certOrg)
	for _, owner := range []*manufacturer{m, m.parent} {
		if owner != nil && key != "" && owner.certOrgs[key] {
			return Verdict{FirstParty, owner.organization, "manufacturer-cert:" + certOrg}, true
		}
	}
	return Verdict{}, false
}

func (c *Classifier) support(name, certOrg string) (Verdict, bool) {
	if e, ok := c.kb.support.lookup(name); ok {
		s := e.value
		return Verdict{SupportParty, s.organization, "support:" + s.category + ":" + e.pattern}, true
	}
	if certOrg != "" {
		if s, ok := c.kb.supportCerts[orgKey(certOrg)]; ok {
			return Verdict{SupportParty, s.organization, "support-cert:" + s.category + ":" + certOrg}, true
		}
	}
	return Verdict{}, false
}

func (c *Classifier) tracker(name string) (Verdict, bool) {
	if name == "" {
		return Verdict{}, false
	}
	t, err := loadTrackers()
	if err != nil {
		return Verdict{}, false
	}
	hit, ok := t.lookup(name)
	if !ok {
		return Verdict{}, false
	}
	org := ""
	if e, ok := c.kb.trackerOrgs.lookup(name); ok {
		org = e.value
	}
	return Verdict{ThirdParty, org, "tracker:" + hit.list + ":" + hit.category}, true
}

// defaultVerdict is Third-party: a destination that is neither the
// manufacturer's nor known infrastructure is someone else's. The rule says
// what little is known.
func defaultVerdict(name, certOrg string) Verdict {
	switch {
	case certOrg != "":
		return Verdict{ThirdParty, certOrg, "default:cert-organization"}
	case name == "":
		return Verdict{Party: ThirdParty, Rule: "default:unnamed-address"}
	}
	return Verdict{Party: ThirdParty, Rule: "default:unknown-organization"}
}
