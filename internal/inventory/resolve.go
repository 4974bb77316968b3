package inventory

import (
	"bytes"
	"cmp"
	"net/netip"
	"slices"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/oui"
)

// Host is a LAN host found in the traffic.
type Host struct {
	MAC               decode.MAC
	IPs               []Binding // ordered by First, then address
	Vendor            string    // IEEE organization of the MAC ("" for random MACs)
	DHCPNames         []string  // DHCP host names (option 12), first seen first
	DHCPVendorClasses []string  // DHCP vendor class identifiers (option 60)
	MDNSNames         []string
	SSDPServers       []string
	Gateway           bool
	FirstSeen         int64 // Unix ns
	LastSeen          int64
	Frames            int64 // frames the MAC sent
}

// Binding says a MAC used an IP address from First to Last (Unix ns).
type Binding struct {
	IP          netip.Addr
	First, Last int64
	Source      string // strongest evidence: "dhcp", "arp", "ndp" or "src-ip"
}

// minGatewayPeers is how many distinct non-local peers (IPv4 addresses,
// IPv6 /64s) make a MAC the gateway without DHCP or ARP confirmation.
const minGatewayPeers = 3

// IsLocal reports whether ip never leaves the LAN or names no single
// Internet host: RFC 1918, link-local, ULA, loopback, multicast, broadcast,
// CGNAT 100.64/10, unspecified (and deprecated site-local fec0::/10).
func IsLocal(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is4() {
		return isLocal4(ip.As4())
	}
	if !ip.IsValid() {
		return false
	}
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() || isBroadcast(ip) {
		return true
	}
	if ip.Is4() {
		b := ip.As4()
		return b[0] == 100 && b[1]&0xc0 == 64
	}
	b := ip.As16()
	return b[0] == 0xfe && b[1]&0xc0 == 0xc0
}

// isLocal4 is IsLocal for IPv4 on raw bytes: it runs twice per packet, and
// this switch is several times faster than netip's predicate chain.
func isLocal4(b [4]byte) bool {
	switch b[0] {
	case 0, 10, 127:
		return true
	case 100:
		return b[1]&0xc0 == 64
	case 169:
		return b[1] == 254
	case 172:
		return b[1]&0xf0 == 16
	case 192:
		return b[1] == 168
	case 255:
		return b == [4]byte{255, 255, 255, 255}
	}
	return b[0]&0xf0 == 224
}

func isBroadcast(ip netip.Addr) bool {
	return ip.Is4() && ip.As4() == [4]byte{255, 255, 255, 255}
}

// Resolve decides the gateway and lists the LAN hosts: unicast MACs that
// used local source addresses (or global IPv6 ones, unless they are the
// gateway), were given an address by DHCP or ARP, or sent a DHCP host name.
// The result is sorted by first sighting, then MAC.
func (o *Observations) Resolve() []Host {
	gw, hasGW := o.gateway()
	var hosts []Host
	for m, s := range o.macs.M {
		isGW := hasGW && m == gw
		h := Host{
			MAC:               m,
			Gateway:           isGW,
			FirstSeen:         s.first,
			LastSeen:          s.last,
			Frames:            s.frames,
			DHCPNames:         sortedNames(s.dhcpNames),
			DHCPVendorClasses: sortedNames(s.vendorClass),
			MDNSNames:         sortedNames(s.mdnsNames),
			SSDPServers:       sortedNames(s.ssdp),
		}
		h.IPs = o.hostBindings(m, s, isGW)
		if len(h.IPs) == 0 && len(h.DHCPNames) == 0 && !isGW {
			continue
		}
		h.Vendor, _ = oui.Lookup(m)
		hosts = append(hosts, h)
	}
	slices.SortFunc(hosts, func(a, b Host) int {
		return cmp.Or(cmp.Compare(a.FirstSeen, b.FirstSeen), bytes.Compare(a.MAC[:], b.MAC[:]))
	})
	return hosts
}

// hostBindings lists m's addresses. The gateway forwards other hosts'
// packets, so for it only local addresses count, and a local address it
// merely sourced counts only when no other MAC claims it.
func (o *Observations) hostBindings(m decode.MAC, s *macObs, isGW bool) []Binding {
	var out []Binding
	for _, b := range s.bindings {
		if isGW {
			if !IsLocal(b.ip) {
				continue
			}
			if b.sources == bySourceSrcIP && o.claimedByOther(m, b.ip) {
				continue
			}
		}
		out = append(out, Binding{IP: b.ip, First: b.first, Last: b.last, Source: sourceName(b.sources)})
	}
	slices.SortFunc(out, func(a, b Binding) int {
		return cmp.Or(cmp.Compare(a.First, b.First), a.IP.Compare(b.IP))
	})
	return out
}

func (o *Observations) claimedByOther(m decode.MAC, ip netip.Addr) bool {
	for other, s := range o.macs.M {
		if other == m {
			continue
		}
		for _, b := range s.bindings {
			if b.ip == ip {
				return true
			}
		}
	}
	return false
}

func sourceName(sources uint8) string {
	switch {
	case sources&bySourceDHCP != 0:
		return "dhcp"
	case sources&bySourceARP != 0:
		return "arp"
	case sources&bySourceNDP != 0:
		return "ndp"
	}
	return "src-ip"
}

func sortedNames(names []nameObs) []string {
	if len(names) == 0 {
		return nil
	}
	sorted := slices.Clone(names)
	slices.SortFunc(sorted, func(a, b nameObs) int {
		if nameLess(a, b) {
			return -1
		}
		if nameLess(b, a) {
			return 1
		}
		return 0
	})
	out := make([]string, len(sorted))
	for i, n := range sorted {
		out[i] = n.name
	}
	return out
}

// gateway picks the MAC that talks for the most Internet peers, preferring
// one that holds a DHCP-announced router address; without such traffic a
// router-address holder still counts (a LAN-only capture).
func (o *Observations) gateway() (decode.MAC, bool) {
	var best, bestRouter decode.MAC
	bestScore, bestRouterScore := 0, -1
	for m, s := range o.macs.M {
		score := len(s.peers)
		if o.holdsRouterIP(s) && betterCandidate(score, m, bestRouterScore, bestRouter) {
			bestRouter, bestRouterScore = m, score
		}
		if betterCandidate(score, m, bestScore, best) {
			best, bestScore = m, score
		}
	}
	switch {
	case bestRouterScore >= 1:
		return bestRouter, true
	case bestScore >= minGatewayPeers:
		return best, true
	case bestRouterScore >= 0:
		return bestRouter, true
	}
	return decode.MAC{}, false
}

func betterCandidate(score int, m decode.MAC, bestScore int, best decode.MAC) bool {
	if score != bestScore {
		return score > bestScore
	}
	return bytes.Compare(m[:], best[:]) < 0
}

func (o *Observations) holdsRouterIP(s *macObs) bool {
	for _, b := range s.bindings {
		if _, found := slices.BinarySearchFunc(o.routers, b.ip, netip.Addr.Compare); found {
			return true
		}
	}
	return false
}
