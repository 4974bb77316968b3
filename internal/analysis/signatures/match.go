package signatures

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/profile"
)

// MatchOptions configure Compile.
type MatchOptions struct {
	// Window is how close in time an interaction's steps must be (from the
	// first matched step to the last); DefaultWindow when zero.
	Window time.Duration
	// MinSteps is the share of an interaction's steps that must occur in
	// order for a detection (0 < MinSteps <= 1); DefaultMinSteps when zero.
	MinSteps float64
	Idle     time.Duration // flow idle timeout; DefaultIdle when zero
	// IPs and MAC replace the profile's device-info addresses when set
	// (the same device under another DHCP lease).
	IPs []netip.Addr
	MAC *decode.MAC
	// Aliases give addresses to host aliases the captures cannot teach
	// (phone), or override learned ones (gateway).
	Aliases map[string][]netip.Addr
}

// Defaults of MatchOptions.
const (
	DefaultWindow   = 60 * time.Second
	DefaultMinSteps = 0.5
)

// Matcher is a profile compiled for matching flows.
type Matcher struct {
	device       Device
	rules        []*rule
	interactions []interaction
	window       int64
	minSteps     float64
	idle         int64
	aliases      map[string][]netip.Addr
	// Unchecked lists the profile fields a capture cannot show (TLS record
	// fields, MQTT, CoAP): their policies are matched on the other layers.
	Unchecked []string
}

type interaction struct {
	name  string
	steps []int // rule indices, in order
}

// rule is one compiled policy.
type rule struct {
	name        string
	interaction int // -1 for single policies
	step        int // position in the interaction
	family      int // 4, 6, or 0 when the policy names no IP layer
	transport   string
	src, dst    []hostMatch // nil: any host
	sport       []int
	dport       []int
	app         appMatch
	bidir       bool
}

type hostKind uint8

const (
	hostSelf hostKind = iota
	hostAlias
	hostPrefix
	hostName
	hostSuffix
)

type hostMatch struct {
	kind   hostKind
	alias  string
	prefix netip.Prefix
	name   string
}

type appMatch struct {
	layer      string
	qtypes     []string
	names      []hostMatch
	response   bool
	dhcpTypes  []string
	clientSelf bool
	clientMACs []decode.MAC
	methods    []string
	uris       []string
	icmpTypes  []int
	igmpVers   []int
	igmpTypes  []string
	igmpGroups []netip.Addr
}

// Compile prepares a profile (with includes resolved) for matching.
func Compile(p *profile.Profile, opt MatchOptions) (*Matcher, error) {
	m := &Matcher{window: int64(opt.Window), minSteps: opt.MinSteps, idle: idleNanos(opt.Idle), aliases: opt.Aliases}
	if m.window <= 0 {
		m.window = int64(DefaultWindow)
	}
	if m.minSteps <= 0 || m.minSteps > 1 {
		m.minSteps = DefaultMinSteps
	}
	if err := m.setDevice(p.DeviceInfo, opt); err != nil {
		return nil, err
	}
	unchecked := map[string]bool{}
	for _, np := range profile.Flatten(p.SinglePolicies) {
		r, err := compileRule(np, -1, unchecked)
		if err != nil {
			return nil, err
		}
		m.rules = append(m.rules, r)
	}
	for ii, it := range p.Interactions {
		if it.Include != "" {
			return nil, fmt.Errorf("interaction %s: unresolved !include %s", it.Name, it.Include)
		}
		in := interaction{name: it.Name}
		for _, np := range profile.Flatten(it.Steps) {
			np.Name = it.Name + "." + np.Name
			r, err := compileRule(np, ii, unchecked)
			if err != nil {
				return nil, err
			}
			r.step = len(in.steps)
			in.steps = append(in.steps, len(m.rules))
			m.rules = append(m.rules, r)
		}
		m.interactions = append(m.interactions, in)
	}
	for u := range unchecked {
		m.Unchecked = append(m.Unchecked, u)
	}
	slices.Sort(m.Unchecked)
	return m, nil
}

// Device is the device the profile describes.
func (m *Matcher) Device() Device { return m.device }

func (m *Matcher) setDevice(d profile.DeviceInfo, opt MatchOptions) error {
	m.device.Name = d.Name
	for _, s := range []string{d.IPv4, d.IPv6} {
		if s == "" {
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("device-info: %w", err)
		}
		m.device.IPs = append(m.device.IPs, ip)
	}
	if d.MAC != "" {
		mac, err := decode.ParseMAC(d.MAC)
		if err != nil {
			return fmt.Errorf("device-info mac: %w", err)
		}
		m.device.MAC, m.device.HasMAC = mac, true
	}
	if len(opt.IPs) > 0 {
		m.device.IPs = opt.IPs
	}
	if opt.MAC != nil {
		m.device.MAC, m.device.HasMAC = *opt.MAC, true
	}
	if len(m.device.IPs) == 0 && !m.device.HasMAC {
		return fmt.Errorf("profile of %q has no ipv4, ipv6 or mac in device-info: cannot find its traffic (give --ip or --mac)", d.Name)
	}
	return nil
}

func compileRule(np profile.NamedPolicy, interactionIdx int, unchecked map[string]bool) (*rule, error) {
	r := &rule{name: np.Name, interaction: interactionIdx, bidir: np.Policy.IsBidirectional()}
	for _, l := range np.Policy.Protocols {
		var err error
		switch l.Name {
		case "ipv4", "ipv6":
			r.family = 4
			if l.Name == "ipv6" {
				r.family = 6
			}
			r.src, err = hostsOf(&l, "src")
			if err == nil {
				r.dst, err = hostsOf(&l, "dst")
			}
		case "tcp", "udp":
			r.transport = l.Name
			r.sport, r.dport = intsOf(&l, "src-port"), intsOf(&l, "dst-port")
		default:
			err = r.app.compile(&l, unchecked)
			if r.transport == "" {
				switch l.Name {
				case "icmp", "icmpv6", "igmp":
					r.transport = l.Name
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", np.Name, err)
		}
	}
	return r, nil
}

func texts(v profile.Value) []string {
	out := make([]string, 0, len(v.Items))
	for _, s := range v.Items {
		out = append(out, s.Text)
	}
	return out
}

func intsOf(l *profile.Layer, key string) []int {
	v, ok := l.Field(key)
	if !ok {
		return nil
	}
	var out []int
	for _, s := range v.Items {
		if n, ok := s.IntValue(); ok {
			out = append(out, n)
		}
	}
	return out
}

func hostsOf(l *profile.Layer, key string) ([]hostMatch, error) {
	v, ok := l.Field(key)
	if !ok {
		return nil, nil
	}
	var out []hostMatch
	for _, s := range v.Items {
		if s.Kind == profile.KindInclude {
			return nil, fmt.Errorf("unresolved !include %s", s.Text)
		}
		out = append(out, hostOf(s.Text))
	}
	return out, nil
}

func hostOf(h string) hostMatch {
	if h == "self" {
		return hostMatch{kind: hostSelf}
	}
	if _, ok := profile.IPv4Aliases[h]; ok {
		return hostMatch{kind: hostAlias, alias: h}
	}
	if _, ok := profile.IPv6Aliases[h]; ok {
		return hostMatch{kind: hostAlias, alias: h}
	}
	if p, err := netip.ParsePrefix(h); err == nil {
		return hostMatch{kind: hostPrefix, prefix: p.Masked()}
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return hostMatch{kind: hostPrefix, prefix: netip.PrefixFrom(a, a.BitLen())}
	}
	if strings.HasPrefix(h, "$") {
		return hostMatch{kind: hostSuffix, name: strings.ToLower(h[1:])}
	}
	return hostMatch{kind: hostName, name: strings.ToLower(h)}
}

func (a *appMatch) compile(l *profile.Layer, unchecked map[string]bool) error {
	a.layer = l.Name
	for _, f := range l.Fields {
		vals := texts(f.Value)
		switch l.Name + "." + f.Key {
		case "dns.qtype", "mdns.qtype":
			a.qtypes = upper(vals)
		case "dns.domain-name", "mdns.domain-name":
			for _, v := range vals {
				a.names = append(a.names, hostOf(v))
			}
		case "dns.response", "mdns.response", "http.response", "ssdp.response":
			a.response = vals[0] == "true"
		case "dhcp.type":
			a.dhcpTypes = lower(vals)
		case "dhcp.client-mac":
			for _, v := range vals {
				if v == "self" {
					a.clientSelf = true
					continue
				}
				mac, err := decode.ParseMAC(v)
				if err != nil {
					return fmt.Errorf("dhcp client-mac %q: %w", v, err)
				}
				a.clientMACs = append(a.clientMACs, mac)
			}
		case "http.method", "ssdp.method":
			a.methods = upper(vals)
		case "http.uri":
			a.uris = vals
		case "icmp.type":
			for _, v := range vals {
				for n, name := range icmpTypeNames {
					if name == v {
						a.icmpTypes = append(a.icmpTypes, n)
					}
				}
			}
		case "igmp.version":
			for _, v := range vals {
				n, _ := strconv.Atoi(v)
				a.igmpVers = append(a.igmpVers, n)
			}
		case "igmp.type":
			a.igmpTypes = lower(vals)
		case "igmp.group":
			for _, v := range vals {
				if g, ok := profile.IGMPGroups[v]; ok {
					v = g
				}
				if ip, err := netip.ParseAddr(v); err == nil {
					a.igmpGroups = append(a.igmpGroups, ip)
				}
			}
		default:
			unchecked[l.Name+"."+f.Key] = true
		}
	}
	return nil
}

func upper(s []string) []string {
	for i := range s {
		s[i] = strings.ToUpper(s[i])
	}
	return s
}

func lower(s []string) []string {
	for i := range s {
		s[i] = strings.ToLower(s[i])
	}
	return s
}

// end is one side of a flow direction.
type end struct {
	ep     netip.AddrPort
	device bool
}

// matches reports whether the packets of f going from a to b are allowed
// by r, read forwards or, for a bidirectional policy, backwards.
func (m *Matcher) matches(r *rule, f *Flow, tr *Trace, a, b end) bool {
	if r.family != 0 && f.Family() != r.family || r.transport != "" && r.transport != f.Transport {
		return false
	}
	fromInitiator := a.device == f.DeviceInitiated
	if m.hosts(r.src, a, f, tr) && m.hosts(r.dst, b, f, tr) && ports(r.sport, a.ep) && ports(r.dport, b.ep) &&
		m.app(&r.app, f, tr, !fromInitiator) {
		return true
	}
	return r.bidir && m.hosts(r.src, b, f, tr) && m.hosts(r.dst, a, f, tr) && ports(r.sport, b.ep) && ports(r.dport, a.ep) &&
		m.app(&r.app, f, tr, fromInitiator)
}

func ports(want []int, ep netip.AddrPort) bool {
	return want == nil || slices.Contains(want, int(ep.Port()))
}

func (m *Matcher) hosts(hs []hostMatch, e end, f *Flow, tr *Trace) bool {
	if hs == nil {
		return true
	}
	for i := range hs {
		if m.host(&hs[i], e, f, tr) {
			return true
		}
	}
	return false
}

func (m *Matcher) host(h *hostMatch, e end, f *Flow, tr *Trace) bool {
	ip := e.ep.Addr()
	switch h.kind {
	case hostSelf:
		return e.device && !ip.IsUnspecified() && ip != broadcast4
	case hostPrefix:
		return h.prefix.Contains(ip)
	case hostName, hostSuffix:
		return !e.device && f.hasName(h)
	}
	if addrs, ok := m.aliases[h.alias]; ok {
		return slices.Contains(addrs, ip)
	}
	return aliasMatches(h.alias, ip, tr)
}

// aliasMatches resolves the firewall's host aliases against the capture:
// gateway is the gateway learned from DHCP or DNS, local and external
// split private from public addresses, the multicast groups are fixed.
func aliasMatches(alias string, ip netip.Addr, tr *Trace) bool {
	switch alias {
	case "gateway", "gateway-local":
		return tr.IsGateway(ip)
	case "local":
		return inventory.IsLocal(ip) && !ip.IsMulticast()
	case "external":
		return !inventory.IsLocal(ip)
	case "broadcast":
		return ip == broadcast4
	case "udp-broadcast":
		return ip.Is4() && ip.As4()[3] == 255 && ip != broadcast4 && inventory.IsLocal(ip)
	case "default":
		return ip.IsUnspecified()
	case "phone":
		return false // only known from MatchOptions.Aliases
	}
	if s := profile.IPv4Aliases[alias]; s != "" {
		a, err := netip.ParseAddr(s)
		return err == nil && a == ip
	}
	return false
}

func (f *Flow) hasName(h *hostMatch) bool {
	match := func(n string) bool {
		if h.kind == hostSuffix {
			return strings.HasSuffix(n, h.name)
		}
		return n == h.name
	}
	for _, names := range [][]string{f.RemoteNames, f.RemoteAliases} {
		for _, n := range names {
			if match(n) {
				return true
			}
		}
	}
	return f.SNI != "" && match(f.SNI)
}

// app checks the application fields; response tells whether the packets
// checked are the responses of the exchange.
func (m *Matcher) app(a *appMatch, f *Flow, tr *Trace, response bool) bool {
	switch a.layer {
	case "":
		return true
	case "dns", "mdns":
		if f.App != a.layer || f.DNSName == "" || a.response != response {
			return false
		}
		if a.qtypes != nil && !slices.Contains(a.qtypes, f.DNSType) {
			return false
		}
		if a.names == nil {
			return true
		}
		for i := range a.names {
			if n := &a.names[i]; n.kind == hostSuffix && strings.HasSuffix(f.DNSName, n.name) || n.name == f.DNSName {
				return true
			}
		}
		return false
	case "dhcp":
		return f.DHCPType != "" && (a.dhcpTypes == nil || slices.Contains(a.dhcpTypes, f.DHCPType)) && m.dhcpClient(a, f, tr)
	case "http":
		return f.HTTPMethod != "" && a.response == response && (a.methods == nil || slices.Contains(a.methods, strings.ToUpper(f.HTTPMethod))) &&
			uriMatches(a.uris, f.HTTPPath)
	case "ssdp":
		if a.response {
			return f.SSDPMethod == "response"
		}
		return f.SSDPMethod != "" && f.SSDPMethod != "response" && (a.methods == nil || slices.Contains(a.methods, strings.ToUpper(f.SSDPMethod)))
	case "icmp", "icmpv6":
		return f.ICMPType >= 0 && (a.icmpTypes == nil || slices.Contains(a.icmpTypes, f.ICMPType))
	case "igmp":
		return f.HasIGMP && (a.igmpVers == nil || slices.Contains(a.igmpVers, f.IGMP.Version)) &&
			(a.igmpTypes == nil || slices.Contains(a.igmpTypes, f.IGMP.Type)) &&
			(a.igmpGroups == nil || slices.Contains(a.igmpGroups, f.IGMP.Group))
	case "arp":
		return false // flows carry IP traffic only
	}
	return true // tls, mqtt, coap: checked on the other layers only
}

func (m *Matcher) dhcpClient(a *appMatch, f *Flow, tr *Trace) bool {
	if !a.clientSelf && a.clientMACs == nil {
		return true
	}
	if slices.Contains(a.clientMACs, f.DHCPClient) {
		return true
	}
	if !a.clientSelf {
		return false
	}
	if m.device.HasMAC {
		return f.DHCPClient == m.device.MAC
	}
	return tr.DeviceMAC != "" && f.DHCPClient.String() == tr.DeviceMAC
}

// uriMatches: exact, or a prefix when the pattern ends with * or $.
func uriMatches(uris []string, path string) bool {
	if uris == nil {
		return true
	}
	for _, u := range uris {
		if p, ok := strings.CutSuffix(u, "*"); ok && strings.HasPrefix(path, p) {
			return true
		}
		if p, ok := strings.CutSuffix(u, "$"); ok && strings.HasPrefix(path, p) {
			return true
		}
		if u == path {
			return true
		}
	}
	return false
}
