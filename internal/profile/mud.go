package profile

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// MUD is an RFC 8520 Manufacturer Usage Description file: the ietf-mud
// container and the ietf-access-control-list ACLs it names, as JSON.
type MUD struct {
	Container MUDContainer `json:"ietf-mud:mud"`
	ACLs      MUDACLs      `json:"ietf-access-control-list:acls"`
}

// MUDContainer is the ietf-mud:mud container (RFC 8520 section 2.1).
type MUDContainer struct {
	MUDVersion    int          `json:"mud-version"`
	MUDURL        string       `json:"mud-url"`
	LastUpdate    string       `json:"last-update"`
	CacheValidity int          `json:"cache-validity"`
	IsSupported   bool         `json:"is-supported"`
	Systeminfo    string       `json:"systeminfo,omitempty"`
	MfgName       string       `json:"mfg-name,omitempty"`
	FromDevice    *MUDPolicies `json:"from-device-policy,omitempty"`
	ToDevice      *MUDPolicies `json:"to-device-policy,omitempty"`
}

// MUDPolicies names the ACLs of one direction.
type MUDPolicies struct {
	AccessLists struct {
		AccessList []MUDACLRef `json:"access-list"`
	} `json:"access-lists"`
}

// MUDACLRef is a reference to an ACL by name.
type MUDACLRef struct {
	Name string `json:"name"`
}

// MUDACLs is the ietf-access-control-list:acls container.
type MUDACLs struct {
	ACL []MUDACL `json:"acl"`
}

// MUDACL is one access control list.
type MUDACL struct {
	Name string `json:"name"`
	Type string `json:"type"` // ipv4-acl-type or ipv6-acl-type
	ACEs struct {
		ACE []MUDACE `json:"ace"`
	} `json:"aces"`
}

// MUDACE is one access control entry.
type MUDACE struct {
	Name    string     `json:"name"`
	Matches MUDMatches `json:"matches"`
	Actions struct {
		Forwarding string `json:"forwarding"`
	} `json:"actions"`
}

// MUDMatches are the match conditions of an ACE.
type MUDMatches struct {
	IPv4 *MUDIPMatch   `json:"ipv4,omitempty"`
	IPv6 *MUDIPMatch   `json:"ipv6,omitempty"`
	TCP  *MUDPortMatch `json:"tcp,omitempty"`
	UDP  *MUDPortMatch `json:"udp,omitempty"`
	MUD  *MUDMUDMatch  `json:"ietf-mud:mud,omitempty"`
}

// MUDIPMatch matches the network layer.
type MUDIPMatch struct {
	Protocol    int    `json:"protocol,omitempty"`
	DstDNSName  string `json:"ietf-acldns:dst-dnsname,omitempty"`
	SrcDNSName  string `json:"ietf-acldns:src-dnsname,omitempty"`
	DstNetwork4 string `json:"destination-ipv4-network,omitempty"`
	SrcNetwork4 string `json:"source-ipv4-network,omitempty"`
	DstNetwork6 string `json:"destination-ipv6-network,omitempty"`
	SrcNetwork6 string `json:"source-ipv6-network,omitempty"`
}

// MUDPortMatch matches TCP or UDP ports.
type MUDPortMatch struct {
	DirectionInitiated string        `json:"ietf-mud:direction-initiated,omitempty"`
	SourcePort         *MUDPortEqual `json:"source-port,omitempty"`
	DestinationPort    *MUDPortEqual `json:"destination-port,omitempty"`
}

// MUDPortEqual is a port equality ("operator": "eq").
type MUDPortEqual struct {
	Operator string `json:"operator"`
	Port     int    `json:"port"`
}

// MUDMUDMatch holds the MUD abstractions (RFC 8520 section 8).
type MUDMUDMatch struct {
	Controller    string `json:"controller,omitempty"`
	LocalNetworks []any  `json:"local-networks,omitempty"`
}

// MUDOptions are the MUD fields a profile does not carry.
type MUDOptions struct {
	URL           string    // used when device-info has no mud-url
	LastUpdate    time.Time // written as RFC 3339
	CacheValidity int       // hours (1..168); 48 when zero
	MfgName       string
}

// Well-known controller URNs of RFC 8520 section 8.
const (
	mudControllerDNS = "urn:ietf:params:mud:dns"
	mudControllerNTP = "urn:ietf:params:mud:ntp"
)

// BuildMUD derives a MUD file from the policies of p (single policies and
// interaction steps; patterns are templates and are skipped). Each policy
// becomes an ACE in the from-device ACL when the device sends (src self,
// or 0.0.0.0 before it has an address) and in the to-device ACL when it
// receives; bidirectional policies get the mirrored ACE too. Policies MUD
// cannot express (no ipv4/ipv6 layer, unresolved includes, hosts that are
// neither the device nor reachable by name, address or "local-networks")
// are returned in skipped with the reason.
func BuildMUD(p *Profile, opt MUDOptions) (m *MUD, skipped []string) {
	b := &mudBuilder{prefix: "mud-" + mudID(p.DeviceInfo.Name), aces: map[string][]MUDACE{}, seen: map[string]bool{}}
	policies := Flatten(p.SinglePolicies)
	for _, it := range p.Interactions {
		for _, np := range Flatten(it.Steps) {
			policies = append(policies, NamedPolicy{Name: it.Name + "." + np.Name, Policy: np.Policy})
		}
	}
	for _, np := range policies {
		if reason := b.policy(np); reason != "" {
			skipped = append(skipped, np.Name+": "+reason)
		}
	}
	m = &MUD{Container: MUDContainer{
		MUDVersion: 1, MUDURL: p.DeviceInfo.MUDURL, CacheValidity: opt.CacheValidity, IsSupported: true,
		Systeminfo: p.DeviceInfo.Name, MfgName: opt.MfgName, LastUpdate: opt.LastUpdate.UTC().Format(time.RFC3339),
	}}
	if m.Container.MUDURL == "" {
		m.Container.MUDURL = opt.URL
	}
	if m.Container.CacheValidity <= 0 {
		m.Container.CacheValidity = 48
	}
	b.fill(m)
	return m, skipped
}

type mudBuilder struct {
	prefix string
	order  []string // ACL names in first-use order
	aces   map[string][]MUDACE
	seen   map[string]bool // ACE match signatures already emitted per ACL
}

// mudEnd is one side of a policy as MUD sees it.
type mudEnd struct {
	self     bool
	dnsName  string
	network  string
	local    bool
	gateway  bool
	anywhere bool
}

func (b *mudBuilder) policy(np NamedPolicy) string {
	p := np.Policy
	family, ipLayer := 4, p.Layer("ipv4")
	if ipLayer == nil {
		family, ipLayer = 6, p.Layer("ipv6")
	}
	if ipLayer == nil {
		return "no ipv4 or ipv6 layer (MUD ACLs match IP traffic only)"
	}
	srcs, err := mudEnds(ipLayer, "src", family)
	if err != "" {
		return err
	}
	dsts, err := mudEnds(ipLayer, "dst", family)
	if err != "" {
		return err
	}
	proto, transport := mudProtocol(p)
	sports, dports := ports(transport, "src-port"), ports(transport, "dst-port")
	emitted := false
	for _, s := range srcs {
		for _, d := range dsts {
			switch {
			case s.self && !d.self:
				b.ace(np.Name, family, true, d, proto, transport, sports, dports, "from-device", p.IsBidirectional())
				emitted = true
			case d.self && !s.self:
				b.ace(np.Name, family, false, s, proto, transport, sports, dports, "to-device", p.IsBidirectional())
				emitted = true
			}
		}
	}
	if !emitted {
		return "neither end is the device"
	}
	return ""
}

// mudEnds reads src or dst of an ip layer; a missing key matches any host.
func mudEnds(l *Layer, key string, family int) ([]mudEnd, string) {
	v, ok := l.Field(key)
	if !ok {
		return []mudEnd{{anywhere: true}}, ""
	}
	var out []mudEnd
	for _, s := range v.Items {
		if s.Kind == KindInclude {
			return nil, "unresolved !include " + s.Text
		}
		out = append(out, mudEndOf(s.Text, family))
	}
	return out, ""
}

func mudEndOf(h string, family int) mudEnd {
	switch h {
	case "self":
		return mudEnd{self: true}
	case "0.0.0.0", "default", "::":
		// DHCP before the device has an address: it is the device talking.
		return mudEnd{self: true}
	case "external":
		return mudEnd{anywhere: true}
	case "gateway", "gateway-local":
		return mudEnd{gateway: true, local: true}
	}
	if _, alias := IPv4Aliases[h]; alias && family == 4 {
		return mudEnd{local: true}
	}
	if _, alias := IPv6Aliases[h]; alias && family == 6 {
		return mudEnd{local: true}
	}
	if pfx, err := netip.ParsePrefix(h); err == nil {
		return mudEnd{network: pfx.Masked().String()}
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			return mudEnd{local: true}
		}
		return mudEnd{network: netip.PrefixFrom(a, a.BitLen()).String()}
	}
	return mudEnd{dnsName: strings.TrimPrefix(h, "$.")}
}

func mudProtocol(p *Policy) (int, *Layer) {
	switch {
	case p.Layer("tcp") != nil:
		return 6, p.Layer("tcp")
	case p.Layer("udp") != nil:
		return 17, p.Layer("udp")
	case p.Layer("icmp") != nil:
		return 1, nil
	case p.Layer("icmpv6") != nil:
		return 58, nil
	case p.Layer("igmp") != nil:
		return 2, nil
	}
	return 0, nil
}

func ports(l *Layer, key string) []int {
	if l == nil {
		return []int{-1}
	}
	v, ok := l.Field(key)
	if !ok {
		return []int{-1}
	}
	var out []int
	for _, s := range v.Items {
		if n, ok := s.IntValue(); ok {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return []int{-1}
	}
	return out
}

// ace adds the ACE for traffic between the device and other, and its
// mirror when the policy is bidirectional.
func (b *mudBuilder) ace(name string, family int, fromDevice bool, other mudEnd, proto int, transport *Layer,
	sports, dports []int, initiated string, bidir bool) {
	for _, sp := range sports {
		for _, dp := range dports {
			b.add(name, family, fromDevice, other, proto, transport, sp, dp, initiated)
			if bidir {
				b.add(name, family, !fromDevice, other, proto, transport, dp, sp, initiated)
			}
		}
	}
}

func (b *mudBuilder) add(name string, family int, fromDevice bool, other mudEnd, proto int, transport *Layer, sport, dport int, initiated string) {
	dir, suffix := "to", "todev"
	if fromDevice {
		dir, suffix = "fr", "frdev"
	}
	acl := fmt.Sprintf("%s-v%d%s", b.prefix, family, dir)
	ip := &MUDIPMatch{Protocol: proto}
	var mm *MUDMUDMatch
	switch {
	case other.dnsName != "" && fromDevice:
		ip.DstDNSName = other.dnsName
	case other.dnsName != "":
		ip.SrcDNSName = other.dnsName
	case other.network != "":
		setNetwork(ip, family, fromDevice, other.network)
	case other.gateway && (dport == 53 || sport == 53):
		mm = &MUDMUDMatch{Controller: mudControllerDNS}
	case other.gateway && (dport == 123 || sport == 123):
		mm = &MUDMUDMatch{Controller: mudControllerNTP}
	case other.local:
		mm = &MUDMUDMatch{LocalNetworks: []any{nil}}
	}
	ace := MUDACE{Name: name + "-" + suffix}
	ace.Actions.Forwarding = "accept"
	ace.Matches.MUD = mm
	if family == 4 {
		ace.Matches.IPv4 = ip
	} else {
		ace.Matches.IPv6 = ip
	}
	if transport != nil {
		pm := &MUDPortMatch{}
		if sport >= 0 {
			pm.SourcePort = &MUDPortEqual{Operator: "eq", Port: sport}
		}
		if dport >= 0 {
			pm.DestinationPort = &MUDPortEqual{Operator: "eq", Port: dport}
		}
		if transport.Name == "tcp" {
			pm.DirectionInitiated = initiated
			ace.Matches.TCP = pm
		} else {
			ace.Matches.UDP = pm
		}
	}
	// The same match from two policies (a DNS query allowed twice) is one ACE.
	sig, _ := json.Marshal(ace.Matches)
	key := acl + string(sig)
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	if _, ok := b.aces[acl]; !ok {
		b.order = append(b.order, acl)
	}
	ace.Name = uniqueACEName(b.aces[acl], ace.Name)
	b.aces[acl] = append(b.aces[acl], ace)
}

func setNetwork(ip *MUDIPMatch, family int, fromDevice bool, network string) {
	switch {
	case family == 4 && fromDevice:
		ip.DstNetwork4 = network
	case family == 4:
		ip.SrcNetwork4 = network
	case fromDevice:
		ip.DstNetwork6 = network
	default:
		ip.SrcNetwork6 = network
	}
}

func uniqueACEName(existing []MUDACE, name string) string {
	taken := map[string]bool{}
	for _, a := range existing {
		taken[a.Name] = true
	}
	if !taken[name] {
		return name
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s-%d", name, i); !taken[n] {
			return n
		}
	}
}

func (b *mudBuilder) fill(m *MUD) {
	for _, name := range b.order {
		acl := MUDACL{Name: name, Type: "ipv4-acl-type"}
		if strings.Contains(name, "-v6") {
			acl.Type = "ipv6-acl-type"
		}
		acl.ACEs.ACE = b.aces[name]
		m.ACLs.ACL = append(m.ACLs.ACL, acl)
		ref := MUDACLRef{Name: name}
		if strings.HasSuffix(name, "fr") {
			if m.Container.FromDevice == nil {
				m.Container.FromDevice = &MUDPolicies{}
			}
			m.Container.FromDevice.AccessLists.AccessList = append(m.Container.FromDevice.AccessLists.AccessList, ref)
		} else {
			if m.Container.ToDevice == nil {
				m.Container.ToDevice = &MUDPolicies{}
			}
			m.Container.ToDevice.AccessLists.AccessList = append(m.Container.ToDevice.AccessLists.AccessList, ref)
		}
	}
	if m.ACLs.ACL == nil {
		m.ACLs.ACL = []MUDACL{}
	}
}

// mudID makes an ACL-name-safe identifier of a device name.
func mudID(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		return "device"
	}
	return id
}
