package signatures

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/profile"
	"github.com/iotlens/iotlens/internal/proto"
)

// Bounds on what one capture may make a tracker hold.
const (
	maxOpenFlows   = 1 << 16 // flows open at once
	maxTraceFlows  = 1 << 20 // closed flows kept per capture
	maxNamedIPs    = 1 << 16 // addresses with DNS names
	maxNamesPerIP  = 8
	maxPendingDHCP = 256 // DHCP exchanges of not-yet-known clients
	maxDeviceIPs   = 16
)

// Device identifies the device whose traffic is analysed: its addresses,
// its MAC, or both. Addresses the MAC uses (a DHCP lease, IPv6) are
// learned per capture.
type Device struct {
	Name   string
	IPs    []netip.Addr
	MAC    decode.MAC
	HasMAC bool
}

// Trace is one capture's flows of the device, in start order.
type Trace struct {
	File      string
	Index     int
	Flows     []*Flow
	Gateways  []netip.Addr // learned from DHCP and the device's DNS server
	DeviceIPs []netip.Addr // given and learned
	DeviceMAC string       // given or learned; empty when unknown
	First     int64        // first and last packet time of the capture (Unix ns)
	Last      int64
	Dropped   int64 // flows not kept because of the bounds above
}

// IsGateway reports whether ip is one of the capture's gateway addresses.
func (t *Trace) IsGateway(ip netip.Addr) bool { return slices.Contains(t.Gateways, ip.Unmap()) }

// flowID is a flow's key: the 5-tuple, plus for UDP exchanges the DNS
// question (name and type) or DHCP message type, so that each lookup is
// its own flow even when a resolver reuses its source port.
type flowID struct {
	key  flow.Key
	name string
	typ  uint16
}

type names struct {
	dns     []string // queried names, most recent last; replaced, never modified in place
	aliases []string // other names of their CNAME chains (append-only, clipped)
	sni     string
}

// tracker turns one capture's packets into the device's flows.
type tracker struct {
	file    engine.FileInfo
	ips     []netip.Addr
	mac     decode.MAC
	hasMAC  bool
	idle    int64
	keepSeq bool

	names     map[netip.Addr]*names
	open      map[flowID]*Flow
	lastID    flowID
	last      *Flow
	flows     []*Flow
	pending   []*Flow // DHCP flows whose client may turn out to be the device
	gateways  []netip.Addr
	nextSweep int64
	dropped   int64
	first     int64
	lastTime  int64
}

func newTracker(dev Device, fi engine.FileInfo, idle int64, keepSeq bool) *tracker {
	t := &tracker{file: fi, mac: dev.MAC, hasMAC: dev.HasMAC, idle: idle, keepSeq: keepSeq,
		names: map[netip.Addr]*names{}, open: map[flowID]*Flow{}}
	for _, ip := range dev.IPs {
		t.addDeviceIP(ip)
	}
	return t
}

func (t *tracker) addDeviceIP(ip netip.Addr) {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsUnspecified() || slices.Contains(t.ips, ip) || len(t.ips) >= maxDeviceIPs {
		return
	}
	t.ips = append(t.ips, ip)
}

func (t *tracker) isDeviceIP(ip netip.Addr) bool {
	for _, x := range t.ips {
		if x == ip {
			return true
		}
	}
	return false
}

func (t *tracker) addGateway(ip netip.Addr) {
	ip = ip.Unmap()
	if ip.IsValid() && !ip.IsUnspecified() && inventory.IsLocal(ip) && !ip.IsMulticast() &&
		!t.isDeviceIP(ip) && !slices.Contains(t.gateways, ip) && len(t.gateways) < 8 {
		t.gateways = append(t.gateways, ip)
	}
}

func (t *tracker) packet(ev *engine.Event) {
	pk, ts := ev.Packet, ev.Frame.Time
	if t.first == 0 || ts < t.first {
		t.first = ts
	}
	if ts > t.lastTime {
		t.lastTime = ts
	}
	if len(ev.DNS) > 0 || ev.ClientHello != nil {
		t.learnNames(ev)
	}
	if pk.Layers&decode.LayerARP != 0 {
		if !t.hasMAC && pk.ARPSenderIP.IsValid() && t.isDeviceIP(pk.ARPSenderIP) {
			t.mac, t.hasMAC = pk.ARPSenderMAC, true
		}
		return
	}
	if !pk.IsIP() || !ev.HasFlow {
		return
	}
	if ev.DHCP != nil {
		t.dhcp(ev, ts)
		return
	}
	srcMAC := t.hasMAC && pk.HasSrcMAC && pk.SrcMAC == t.mac
	fromDev := t.isDeviceIP(pk.SrcIP) || srcMAC
	toDev := t.isDeviceIP(pk.DstIP) || t.hasMAC && pk.HasDstMAC && pk.DstMAC == t.mac
	if fromDev == toDev {
		return
	}
	if fromDev {
		t.learnFromDevice(pk, srcMAC)
	}
	t.account(ev, fromDev, ts, flowID{key: ev.Flow, name: t.subName(ev)})
	if ts >= t.nextSweep {
		t.sweep(ts)
	}
}

// learnFromDevice binds the device's MAC (when only its IP was given) and
// the LAN addresses its MAC uses (when only the MAC was given).
func (t *tracker) learnFromDevice(pk *decode.Packet, srcMAC bool) {
	switch {
	case !t.hasMAC && pk.HasSrcMAC:
		t.mac, t.hasMAC = pk.SrcMAC, true
	case srcMAC && !t.isDeviceIP(pk.SrcIP) && inventory.IsLocal(pk.SrcIP) && !pk.SrcIP.IsMulticast():
		t.addDeviceIP(pk.SrcIP)
	}
}

// subName splits UDP exchanges by DNS question and SSDP method.
func (t *tracker) subName(ev *engine.Event) string {
	if ev.Flow.Proto != decode.ProtoUDP {
		return ""
	}
	if len(ev.DNS) > 0 && len(ev.DNS[0].Questions) > 0 {
		return ev.DNS[0].Questions[0].Name
	}
	if ev.SSDP != nil {
		if ev.SSDP.Method != "" {
			return ev.SSDP.Method
		}
		return "response"
	}
	return ""
}

func (t *tracker) account(ev *engine.Event, fromDev bool, ts int64, id flowID) *Flow {
	if ev.Flow.Proto == decode.ProtoUDP && len(ev.DNS) > 0 && len(ev.DNS[0].Questions) > 0 {
		id.typ = ev.DNS[0].Questions[0].Type
	}
	f := t.last
	if f == nil || t.lastID != id {
		f = t.open[id]
	}
	if f != nil && ts-f.Last > t.idle {
		t.close(id, f)
		f = nil
	}
	if f == nil {
		if f = t.newFlow(ev, fromDev, ts); f == nil {
			return nil
		}
		t.open[id] = f
	}
	t.last, t.lastID = f, id
	t.add(f, ev, fromDev, ts)
	return f
}

func (t *tracker) newFlow(ev *engine.Event, fromDev bool, ts int64) *Flow {
	if len(t.open) >= maxOpenFlows {
		t.sweep(ts)
		if len(t.open) >= maxOpenFlows {
			t.dropped++
			return nil
		}
	}
	pk := ev.Packet
	src, dst := netip.AddrPortFrom(pk.SrcIP.Unmap(), pk.SrcPort), netip.AddrPortFrom(pk.DstIP.Unmap(), pk.DstPort)
	f := &Flow{Transport: transportName(pk), App: ev.Proto.String(), proto: ev.Proto, DeviceInitiated: fromDev, First: ts, Last: ts, ICMPType: -1}
	f.Device, f.Remote = src, dst
	if !fromDev {
		f.Device, f.Remote = dst, src
	}
	if n := t.names[f.Remote.Addr()]; n != nil {
		f.RemoteNames, f.RemoteAliases = n.dns, n.aliases
		if len(f.RemoteNames) == 0 && n.sni != "" {
			f.RemoteNames = []string{n.sni}
		}
	}
	if ev.Proto == proto.DHCP {
		f.App = "dhcp"
	}
	return f
}

// add counts one packet into f and keeps its application facts.
func (t *tracker) add(f *Flow, ev *engine.Event, fromDev bool, ts int64) {
	pk := ev.Packet
	n := int64(ev.Frame.WireLen)
	if fromDev {
		f.PktsOut++
		f.BytesOut += n
	} else {
		f.PktsIn++
		f.BytesIn += n
	}
	if ts > f.Last {
		f.Last = ts
	}
	if pk.Layers&decode.LayerTCP != 0 {
		t.tcpInitiator(f, pk.TCPFlags, fromDev)
	}
	if genericProto(f.proto) && !genericProto(ev.Proto) {
		// The SYN was classified by port only; the payload names the protocol.
		f.proto, f.App = ev.Proto, ev.Proto.String()
	}
	if t.keepSeq && (len(pk.Payload) > 0 || pk.PayloadLen > 0) && len(f.Seq) < maxSeq {
		l := int32(ev.Frame.WireLen)
		if !fromDev {
			l = -l
		}
		f.Seq = append(f.Seq, l)
	}
	t.facts(f, ev)
}

// tcpInitiator trusts the first SYN (or SYN-ACK) over "who sent first":
// a capture may start in the middle of a connection.
func (t *tracker) tcpInitiator(f *Flow, flags uint8, fromDev bool) {
	if f.synFromDevice || f.synFromRemote {
		return
	}
	switch flags & (decode.TCPSyn | decode.TCPAck) {
	case decode.TCPSyn:
		f.DeviceInitiated = fromDev
	case decode.TCPSyn | decode.TCPAck:
		f.DeviceInitiated = !fromDev
	default:
		return
	}
	f.synFromDevice, f.synFromRemote = f.DeviceInitiated, !f.DeviceInitiated
}

func (t *tracker) facts(f *Flow, ev *engine.Event) {
	pk := ev.Packet
	if f.DNSName == "" && len(ev.DNS) > 0 && len(ev.DNS[0].Questions) > 0 {
		q := ev.DNS[0].Questions[0]
		f.DNSName, f.DNSType = normName(q.Name), dns.TypeString(q.Type)
	}
	if f.HTTPMethod == "" && ev.HTTP != nil {
		f.HTTPMethod, f.HTTPPath = ev.HTTP.Method, ev.HTTP.Path
	}
	if f.SNI == "" && ev.ClientHello != nil && profile.IsHostName(ev.ClientHello.SNI) {
		f.SNI = normName(ev.ClientHello.SNI) // a name the profile can carry, or none
	}
	if f.SSDPMethod == "" && ev.SSDP != nil {
		f.SSDPMethod = ev.SSDP.Method
		if f.SSDPMethod == "" {
			f.SSDPMethod = "response"
		}
	}
	if f.ICMPType < 0 && pk.Layers&(decode.LayerICMP|decode.LayerICMPv6) != 0 {
		f.ICMPType = int(pk.ICMPType)
	}
	if !f.HasIGMP && pk.Layers&decode.LayerIGMP != 0 {
		f.IGMP, f.HasIGMP = ParseIGMP(pk.Payload)
	}
}

// dhcp accounts a DHCP message. The device is the client (chaddr), so the
// exchange is kept when chaddr is the device's MAC, which may only be
// learned later in the capture: until then the flow is pending.
func (t *tracker) dhcp(ev *engine.Event, ts int64) {
	d, pk := ev.DHCP, ev.Packet
	client := decode.MAC(d.ClientMAC)
	reply := d.Op == 2
	if reply {
		t.addGateway(d.ServerID)
		t.addGateway(pk.SrcIP)
		t.addGateway(d.Router)
		if !t.hasMAC && d.YourIP.IsValid() && t.isDeviceIP(d.YourIP) {
			t.mac, t.hasMAC = client, true
		}
		if t.hasMAC && client == t.mac {
			t.addDeviceIP(d.YourIP)
		}
	}
	if t.hasMAC && client != t.mac {
		return
	}
	typ := dhcpTypeName(d.MsgType)
	f := t.account(ev, !reply, ts, flowID{key: ev.Flow, name: typ, typ: 0xffff})
	if f != nil {
		f.App, f.DHCPType, f.DHCPClient, f.DHCPRequest = "dhcp", typ, client, !reply
	}
}

// learnNames binds addresses to the names that resolved to them (the
// question of each answer, so a CNAME chain counts as the name asked for)
// and to TLS/QUIC server names.
func (t *tracker) learnNames(ev *engine.Event) {
	if ev.Proto != proto.MDNS && ev.Proto != proto.LLMNR {
		for _, m := range ev.DNS {
			if !m.Response {
				continue
			}
			q := ""
			if len(m.Questions) > 0 {
				q = normName(m.Questions[0].Name)
			}
			for i := range m.Answers {
				rr := &m.Answers[i]
				if (rr.Type == dns.TypeA || rr.Type == dns.TypeAAAA) && rr.IP.IsValid() {
					name := q
					if name == "" {
						name = normName(rr.Name)
					}
					t.addName(rr.IP.Unmap(), name)
					t.addAliases(rr.IP.Unmap(), name, m.Answers)
				}
			}
		}
	}
	if ch := ev.ClientHello; ch != nil && ch.SNI != "" && ev.Packet.IsIP() {
		if n := t.nameEntry(ev.Packet.DstIP.Unmap()); n != nil && profile.IsHostName(ch.SNI) {
			n.sni = normName(ch.SNI)
		}
	}
}

func (t *tracker) nameEntry(ip netip.Addr) *names {
	n := t.names[ip]
	if n == nil && len(t.names) < maxNamedIPs {
		n = &names{}
		t.names[ip] = n
	}
	return n
}

func (t *tracker) addName(ip netip.Addr, name string) {
	if !profile.IsHostName(name) {
		return
	}
	n := t.nameEntry(ip)
	if n == nil || len(n.dns) > 0 && n.dns[len(n.dns)-1] == name {
		return
	}
	// Copy on write: flows hold the old slice.
	next := make([]string, 0, len(n.dns)+1)
	for _, x := range n.dns {
		if x != name {
			next = append(next, x)
		}
	}
	if len(next) >= maxNamesPerIP {
		next = next[1:]
	}
	n.dns = append(next, name)
}

// addAliases records the other names of an answer's CNAME chain (the
// canonical names), which a policy may name instead of the question.
func (t *tracker) addAliases(ip netip.Addr, question string, answers []dns.RR) {
	n := t.names[ip]
	if n == nil {
		return
	}
	for i := range answers {
		rr := &answers[i]
		var chain []string
		switch rr.Type {
		case dns.TypeCNAME:
			chain = []string{rr.Name, rr.Target}
		case dns.TypeA, dns.TypeAAAA:
			chain = []string{rr.Name}
		}
		for _, name := range chain {
			name = normName(name)
			if name == question || slices.Contains(n.aliases, name) || !profile.IsHostName(name) {
				continue
			}
			if len(n.aliases) >= maxNamesPerIP {
				return
			}
			// Copy on write, as for dns.
			n.aliases = append(slices.Clip(n.aliases), name)
		}
	}
}

func normName(s string) string {
	s = strings.TrimSuffix(s, ".")
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func (t *tracker) sweep(ts int64) {
	for id, f := range t.open {
		if ts-f.Last > t.idle {
			t.close(id, f)
		}
	}
	t.nextSweep = ts + t.idle
}

func (t *tracker) close(id flowID, f *Flow) {
	delete(t.open, id)
	if t.last == f {
		t.last = nil
	}
	switch {
	case f.DHCPType != "" && !t.hasMAC:
		if len(t.pending) < maxPendingDHCP {
			t.pending = append(t.pending, f)
		} else {
			t.dropped++
		}
	case len(t.flows) < maxTraceFlows:
		t.flows = append(t.flows, f)
	default:
		t.dropped++
	}
}

// finish closes every flow and returns the capture's trace.
func (t *tracker) finish() *Trace {
	for id, f := range t.open {
		t.close(id, f)
	}
	for _, f := range t.pending {
		if t.hasMAC && f.DHCPClient == t.mac {
			t.flows = append(t.flows, f)
			if f.Device.Addr().IsValid() && !f.DHCPRequest {
				t.addDeviceIP(f.Device.Addr())
			}
		}
	}
	t.pending = nil
	tr := &Trace{File: t.file.Path, Index: t.file.Index, Flows: t.flows, Gateways: t.gateways, DeviceIPs: t.ips,
		First: t.first, Last: t.lastTime, Dropped: t.dropped}
	if t.hasMAC {
		tr.DeviceMAC = t.mac.String()
	}
	// The device's DNS server on the LAN is its gateway when DHCP did not
	// name one.
	for _, f := range tr.Flows {
		if f.App == "dns" && f.DeviceInitiated && f.Remote.Port() == 53 && len(tr.Gateways) == 0 {
			t.addGateway(f.Remote.Addr())
			tr.Gateways = t.gateways
		}
	}
	for _, f := range tr.Flows {
		fixInitiator(f)
	}
	slices.SortFunc(tr.Flows, compareFlows)
	return tr
}

// fixInitiator corrects "who sent first" for flows whose start the
// capture missed (no SYN seen): the side on a well-known port is the
// server; between two unknown TCP ports, the higher one is the client's.
func fixInitiator(f *Flow) {
	if !f.HasPorts() || f.synFromDevice || f.synFromRemote || f.DHCPType != "" {
		return
	}
	dev, rem := f.Device.Port(), f.Remote.Port()
	switch dw, rw := IsWellKnownPort(dev), IsWellKnownPort(rem); {
	case rw && !dw:
		f.DeviceInitiated = true
	case dw && !rw:
		f.DeviceInitiated = false
	case !dw && !rw && f.Transport == "tcp" && dev != rem:
		f.DeviceInitiated = dev > rem
	}
}

// compareFlows orders flows by start time, then by what they are, so
// that the order does not depend on map iteration.
func compareFlows(a, b *Flow) int {
	return cmp.Or(cmp.Compare(a.First, b.First), a.Remote.Compare(b.Remote), a.Device.Compare(b.Device),
		strings.Compare(a.Transport, b.Transport), strings.Compare(a.DNSName, b.DNSName), strings.Compare(a.DNSType, b.DNSType),
		strings.Compare(a.DHCPType, b.DHCPType), strings.Compare(a.SSDPMethod, b.SSDPMethod),
		cmp.Compare(a.Last, b.Last), cmp.Compare(a.PktsOut, b.PktsOut), cmp.Compare(a.PktsIn, b.PktsIn),
		cmp.Compare(a.BytesOut, b.BytesOut), cmp.Compare(a.BytesIn, b.BytesIn))
}

// genericProto reports a protocol named by its port only (tcp:PORT,
// udp:PORT) or not at all.
func genericProto(p proto.Proto) bool {
	return p&(proto.TCPPort(0)|proto.UDPPort(0)) != 0 || p == proto.TCPOther || p == proto.UDPOther || p == proto.Unknown
}
