package passive

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/proto"
)

// Preset is a named packet filter of the seed.
type Preset uint8

// Presets.
const (
	// PresetNone keeps every frame.
	PresetNone Preset = iota
	// PresetFiltered is the seed's applyGlobalFilter.bash (its "no-DNS"
	// tree): `!(tcp.analysis.retransmission || tcp.analysis.ack_lost_segment
	// || tcp.analysis.duplicate_ack) && (ip || ipv6) && !(dhcp || dhcpv6 ||
	// icmp || icmpv6 || dns || igmp)`.
	PresetFiltered
	// PresetFilteredWithDNS is applyGlobalFilterKeepDNS.bash: the same but
	// DNS is kept.
	PresetFilteredWithDNS
)

// ParsePreset reads "none", "filtered" or "filtered-with-dns".
func ParsePreset(s string) (Preset, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none", "all", "":
		return PresetNone, nil
	case "filtered", "seed":
		return PresetFiltered, nil
	case "filtered-with-dns", "seed-with-dns":
		return PresetFilteredWithDNS, nil
	}
	return PresetNone, fmt.Errorf("--filter %q: choose none, filtered (the seed's no-DNS preset) or filtered-with-dns", s)
}

func (p Preset) String() string {
	switch p {
	case PresetFiltered:
		return "filtered"
	case PresetFilteredWithDNS:
		return "filtered-with-dns"
	}
	return "none"
}

// Filter selects the frames a study counts.
type Filter struct {
	Preset Preset
	// Exclude drops these protocols (--exclude dns,mdns).
	Exclude []proto.Proto
	// ExcludeIPs drops IP frames from or to these addresses (the seed's
	// volume script drops its routers' traffic this way).
	ExcludeIPs []netip.Addr
	// Start and End trim the capture to Start <= time < End (Unix ns; 0 is
	// unbounded), like the seed's editcap -A/-B.
	Start, End int64
}

// ParseExclude reads --exclude values: protocol names of internal/proto.
func ParseExclude(values []string) ([]proto.Proto, error) {
	var out []proto.Proto
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			if s == "" {
				continue
			}
			p, ok := proto.Parse(s)
			if !ok {
				return nil, fmt.Errorf("--exclude %q: not a protocol name (dns, mdns, ssdp, tls, tcp:8883, ...)", s)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// ParseExcludeIPs reads --exclude-ip values.
func ParseExcludeIPs(values []string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("--exclude-ip %q: not an IP address", s)
			}
			out = append(out, a.Unmap())
		}
	}
	return out, nil
}

// needsTCPAnalysis reports whether the preset looks at retransmissions.
func (f *Filter) needsTCPAnalysis() bool { return f.Preset != PresetNone }

// Verdict is what the filter found out about one frame.
type Verdict struct {
	InWindow bool // inside Start..End
	Base     bool // passes the preset's rules other than DNS
	DNS      bool // a DNS message (not mDNS/LLMNR), as tshark's `dns`
}

// filterState is a Filter with its per-file TCP analysis.
type filterState struct {
	f   *Filter
	tcp *tcpAnalyzer
}

func newFilterState(f *Filter) filterState {
	st := filterState{f: f}
	if f.needsTCPAnalysis() {
		st.tcp = newTCPAnalyzer()
	}
	return st
}

// judge evaluates the preset on a frame. The TCP analysis sees every TCP
// frame inside the time window, whatever device it belongs to, as tshark
// does when it filters the whole capture.
func (st *filterState) judge(ev *engine.Event) Verdict {
	t := ev.Frame.Time
	if (st.f.Start != 0 && t < st.f.Start) || (st.f.End != 0 && t >= st.f.End) {
		return Verdict{}
	}
	v := Verdict{InWindow: true, Base: true, DNS: isDNS(ev)}
	if st.tcp == nil {
		return v
	}
	pk := ev.Packet
	if pk.Layers&decode.LayerTCP != 0 && ev.HasFlow {
		if st.tcp.analyze(pk, ev.Flow, ev.FromLo, t)&suspectFlags != 0 {
			v.Base = false
		}
	}
	if !pk.IsIP() {
		v.Base = false
	}
	switch ev.Proto {
	case proto.DHCP, proto.DHCPv6, proto.ICMP, proto.ICMPv6, proto.IGMP:
		v.Base = false
	}
	return v
}

// keep is the decision of the volume and protocol studies.
func (st *filterState) keep(ev *engine.Event) bool {
	v := st.judge(ev)
	if !v.InWindow || !v.Base || (v.DNS && st.f.Preset == PresetFiltered) {
		return false
	}
	for _, p := range st.f.Exclude {
		if ev.Proto == p && (p != proto.DNS || v.DNS) {
			return false
		}
	}
	if len(st.f.ExcludeIPs) > 0 && ev.Packet.IsIP() {
		src, dst := ev.Packet.SrcIP.Unmap(), ev.Packet.DstIP.Unmap()
		for _, a := range st.f.ExcludeIPs {
			if src == a || dst == a {
				return false
			}
		}
	}
	return true
}

// isDNS is tshark's `dns`: a UDP datagram on the DNS port, a TCP segment
// carrying bytes on it (a bare SYN or ACK to port 53 holds no DNS), or an
// ICMP error quoting such a datagram (tshark dissects the quoted packet).
func isDNS(ev *engine.Event) bool {
	pk := ev.Packet
	switch ev.Proto {
	case proto.DNS:
		return pk.Layers&decode.LayerTCP == 0 || pk.PayloadLen > 0
	case proto.ICMP:
		return isICMPError(pk.ICMPType, false) && len(pk.Payload) > 4 && quotesDNS(pk.Payload[4:], false)
	case proto.ICMPv6:
		return isICMPError(pk.ICMPType, true) && len(pk.Payload) > 4 && quotesDNS(pk.Payload[4:], true)
	}
	return false
}

// isICMPError: destination unreachable, source quench, redirect, time
// exceeded and parameter problem (ICMPv6: unreachable, too big, time
// exceeded, parameter problem) quote the offending packet.
func isICMPError(typ uint8, v6 bool) bool {
	if v6 {
		return typ >= 1 && typ <= 4
	}
	switch typ {
	case 3, 4, 5, 11, 12:
		return true
	}
	return false
}

// quotesDNS reports whether the quoted IP packet is UDP or TCP with port 53
// and at least one byte after the transport header.
func quotesDNS(b []byte, v6 bool) bool {
	var hl int
	var next uint8
	switch {
	case !v6 && len(b) >= 20 && b[0]>>4 == 4:
		hl, next = int(b[0]&0x0f)*4, b[9]
	case v6 && len(b) >= 40 && b[0]>>4 == 6:
		hl, next = 40, b[6]
	default:
		return false
	}
	minLen := 8 // UDP header
	switch next {
	case decode.ProtoUDP:
	case decode.ProtoTCP:
		minLen = 20
		if len(b) >= hl+13 {
			minLen = int(b[hl+12]>>4) * 4
		}
	default:
		return false
	}
	if hl < 20 || len(b) <= hl+minLen {
		return false
	}
	src, dst := uint16(b[hl])<<8|uint16(b[hl+1]), uint16(b[hl+2])<<8|uint16(b[hl+3])
	return src == 53 || dst == 53
}

// Judge applies a Filter frame by frame, with its own TCP analysis state;
// one Judge serves one capture file, in file order.
type Judge struct{ st filterState }

// NewJudge returns a Judge for f.
func NewJudge(f *Filter) *Judge { return &Judge{st: newFilterState(f)} }

// Judge evaluates the filter's time window and preset on one frame.
func (j *Judge) Judge(ev *engine.Event) Verdict { return j.st.judge(ev) }
