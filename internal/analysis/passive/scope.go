package passive

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
)

// LANRule names how a frame is put on the LAN or the WAN side.
type LANRule uint8

// LAN rules.
const (
	// RuleLocal: both ends are local (inventory.IsLocal: RFC 1918,
	// link-local, ULA, loopback, CGNAT, multicast, broadcast; a group
	// destination MAC counts as a local destination) or inside a --lan
	// prefix. Frames without IP stay on the LAN.
	RuleLocal LANRule = iota
	// RuleSeed: the passive-mode seed's display filter: the destination MAC
	// is a group address, or the source is private and the destination
	// private, multicast or link-local. Its site-specific IPv6 prefixes are
	// generalised to ULA (fc00::/7) plus the --lan prefixes.
	RuleSeed
)

// ParseLANRule reads "local" or "seed".
func ParseLANRule(s string) (LANRule, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "local", "":
		return RuleLocal, nil
	case "seed":
		return RuleSeed, nil
	}
	return RuleLocal, fmt.Errorf("--lan-rule %q: choose local or seed", s)
}

func (r LANRule) String() string {
	if r == RuleSeed {
		return "seed"
	}
	return "local"
}

// Scoper decides LAN or WAN for one frame.
type Scoper struct {
	Rule  LANRule
	Extra []netip.Prefix // --lan prefixes: addresses inside count as local / private
}

// ParsePrefixes reads --lan values: CIDR prefixes or single addresses.
func ParsePrefixes(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if p, err := netip.ParsePrefix(s); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("--lan %q: not a prefix (192.0.2.0/24, 2001:db8::/32) or address", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}

// IsLAN reports whether the frame of ev is LAN traffic under the rule.
func (s *Scoper) IsLAN(ev *engine.Event) bool {
	if s.Rule == RuleSeed {
		return s.seedLAN(ev.Packet)
	}
	if len(s.Extra) == 0 {
		return ev.LAN()
	}
	pk := ev.Packet
	if !pk.IsIP() {
		return true
	}
	return (ev.SrcLocal || s.inExtra(pk.SrcIP)) && (ev.DstLocal || s.inExtra(pk.DstIP))
}

func (s *Scoper) inExtra(ip netip.Addr) bool {
	if len(s.Extra) == 0 {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.Extra {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// seedLAN is `eth.dst.ig == 1 || (src private && dst private/multicast/
// link-local)`; the seed's WAN filter is its exact complement. Only the
// outer IP header is looked at (tshark would also match the addresses
// quoted inside ICMP errors).
func (s *Scoper) seedLAN(pk *decode.Packet) bool {
	if pk.HasDstMAC && pk.DstMAC.IsGroup() {
		return true
	}
	if !pk.IsIP() {
		return false
	}
	return s.seedPrivateSrc(pk.SrcIP) && s.seedPrivateDst(pk.DstIP)
}

func (s *Scoper) seedPrivateSrc(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is4() {
		return isRFC1918(ip.As4()) || s.inExtra(ip)
	}
	return isULA(ip) || s.inExtra(ip)
}

func (s *Scoper) seedPrivateDst(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is4() {
		return isRFC1918(ip.As4()) || s.inExtra(ip)
	}
	return ip.IsMulticast() || ip.IsLinkLocalUnicast() || isULA(ip) || s.inExtra(ip)
}

func isRFC1918(b [4]byte) bool {
	return b[0] == 10 || (b[0] == 172 && b[1]&0xf0 == 16) || (b[0] == 192 && b[1] == 168)
}

func isULA(ip netip.Addr) bool {
	return ip.Is6() && ip.As16()[0]&0xfe == 0xfc
}
