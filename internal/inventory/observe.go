package inventory

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/hotmap"
)

// Bounds that keep Observations small whatever the traffic. Below them
// merging is exact; past them each set keeps its smallest members (by first
// time seen, then value), so a split across workers still agrees except in
// the last-seen times of evicted members.
const (
	maxMACs           = 1 << 16 // distinct MACs tracked per Observations
	maxBindingsPerMAC = 64      // local IPs per MAC
	maxGlobalV6PerMAC = 64      // global IPv6 source addresses per MAC
	maxNamesPerMAC    = 16      // per name kind (DHCP, mDNS, SSDP, vendor class)
	maxPeersPerMAC    = 16      // distinct non-local peers (gateway evidence)
	maxRouters        = 8       // DHCP router option values
)

// Binding sources, strongest first.
const (
	bySourceDHCP uint8 = 1 << iota
	bySourceARP
	bySourceNDP
	bySourceSrcIP
)

// DHCP message types used here (RFC 2132 option 53).
const dhcpAck = 5

// Observations collects what one capture file says about LAN hosts. Make
// one per file with NewObservations, feed it, then Merge the partials in
// file order and Resolve. Methods are not safe for concurrent use.
type Observations struct {
	macs    hotmap.Map[decode.MAC, macObs] // cached: consecutive frames share MACs
	routers []netip.Addr                   // sorted, at most maxRouters
}

// macObs is everything seen about one MAC.
type macObs struct {
	first, last int64
	frames      int64
	bindings    []bindingObs
	lastHit     int // index of the binding the previous frame used
	peers       []netip.Addr
	dhcpNames   []nameObs
	vendorClass []nameObs
	mdnsNames   []nameObs
	ssdp        []nameObs
}

type bindingObs struct {
	ip          netip.Addr
	first, last int64
	sources     uint8
}

type nameObs struct {
	name  string
	first int64
}

// NewObservations returns an empty collection.
func NewObservations() *Observations {
	return &Observations{}
}

// get returns the state for m, creating it while under maxMACs.
func (o *Observations) get(m decode.MAC) *macObs {
	if s := o.macs.Lookup(m); s != nil {
		return s
	}
	if o.macs.Len() >= maxMACs {
		return nil
	}
	return o.macs.Put(m, &macObs{first: maxTime, last: minTime})
}

const (
	maxTime = int64(^uint64(0) >> 1)
	minTime = -maxTime - 1
)

func (s *macObs) seen(t int64) {
	s.first = min(s.first, t)
	s.last = max(s.last, t)
}

// Frame records one frame with an Ethernet source. srcIP and dstIP may be
// the zero Addr for non-IP frames. It does not allocate once src's state
// and its addresses are known.
func (o *Observations) Frame(t int64, src, dst decode.MAC, srcIP, dstIP netip.Addr) {
	if src.IsGroup() || src == (decode.MAC{}) {
		return
	}
	s := o.get(src)
	if s == nil {
		return
	}
	s.seen(t)
	s.frames++
	if srcIP = normalizeIP(srcIP); srcIP.IsValid() {
		if bindable(srcIP) {
			s.bind(srcIP, t, bySourceSrcIP)
		}
		if !IsLocal(srcIP) {
			s.addPeer(peerKey(srcIP))
		}
	}
	// The gateway is also the MAC that frames to the Internet are sent to.
	// A zero dst means the link layer had none (Linux cooked captures).
	if dstIP = normalizeIP(dstIP); dstIP.IsValid() && !dst.IsGroup() && dst != (decode.MAC{}) && !IsLocal(dstIP) {
		if d := o.get(dst); d != nil {
			d.seen(t)
			d.addPeer(peerKey(dstIP))
		}
	}
}

// ARP records an ARP request or reply: the sender owns senderIP. ARP
// probes (sender 0.0.0.0) bind nothing.
func (o *Observations) ARP(t int64, op uint16, senderMAC decode.MAC, senderIP, targetIP netip.Addr) {
	if senderMAC.IsGroup() || senderMAC == (decode.MAC{}) {
		return
	}
	if senderIP = normalizeIP(senderIP); !senderIP.Is4() || !bindable(senderIP) {
		return
	}
	if s := o.get(senderMAC); s != nil {
		s.seen(t)
		s.bind(senderIP, t, bySourceARP)
	}
}

// NDP records an IPv6 neighbor advertisement: mac owns ip.
func (o *Observations) NDP(t int64, mac decode.MAC, ip netip.Addr) {
	if ip = normalizeIP(ip); mac.IsGroup() || !ip.Is6() || !bindable(ip) {
		return
	}
	if s := o.get(mac); s != nil {
		s.seen(t)
		s.bind(ip, t, bySourceNDP)
	}
}

// DHCP records a DHCPv4 message about clientMAC (chaddr): its host name
// (option 12) and vendor class (option 60), the address a DHCPACK assigns
// (yiaddr, else the requested address, option 50) and the router option (3).
func (o *Observations) DHCP(t int64, clientMAC decode.MAC, msgType uint8, hostName, vendorClass string, yourIP, requestedIP, router netip.Addr) {
	if router = normalizeIP(router); router.IsValid() && bindable(router) {
		o.addRouter(router)
	}
	if clientMAC.IsGroup() || clientMAC == (decode.MAC{}) {
		return
	}
	s := o.get(clientMAC)
	if s == nil {
		return
	}
	s.seen(t)
	s.dhcpNames = addName(s.dhcpNames, hostName, t)
	s.vendorClass = addName(s.vendorClass, vendorClass, t)
	if msgType != dhcpAck {
		return
	}
	assigned := normalizeIP(yourIP)
	if !assigned.IsValid() || assigned.IsUnspecified() {
		assigned = normalizeIP(requestedIP)
	}
	if assigned.IsValid() && bindable(assigned) {
		s.bind(assigned, t, bySourceDHCP)
	}
}

// MDNSName records a name mac announces about itself over mDNS.
func (o *Observations) MDNSName(t int64, mac decode.MAC, name string) {
	if mac.IsGroup() {
		return
	}
	if s := o.get(mac); s != nil {
		s.seen(t)
		s.mdnsNames = addName(s.mdnsNames, strings.TrimSuffix(name, "."), t)
	}
}

// SSDPServer records the SERVER header of an SSDP message mac sent.
func (o *Observations) SSDPServer(t int64, mac decode.MAC, server string) {
	if mac.IsGroup() {
		return
	}
	if s := o.get(mac); s != nil {
		s.seen(t)
		s.ssdp = addName(s.ssdp, server, t)
	}
}

// bindable reports whether ip can be a host's own address: a local unicast
// address or a global IPv6 one (SLAAC and privacy addresses).
func bindable(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsMulticast() || isBroadcast(ip) {
		return false
	}
	return IsLocal(ip) || ip.Is6() && ip.IsGlobalUnicast()
}

// peerKey groups non-local addresses for gateway evidence: IPv6 by /64, so
// one host's privacy addresses count once.
func peerKey(ip netip.Addr) netip.Addr {
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr()
	}
	return ip
}

// bind records that the MAC used ip at t.
func (s *macObs) bind(ip netip.Addr, t int64, source uint8) {
	if s.lastHit < len(s.bindings) && s.bindings[s.lastHit].ip == ip {
		s.bindings[s.lastHit].update(t, t, source)
		return
	}
	for i := range s.bindings {
		if s.bindings[i].ip == ip {
			s.bindings[i].update(t, t, source)
			s.lastHit = i
			return
		}
	}
	s.insertBinding(bindingObs{ip: ip, first: t, last: t, sources: source})
}

func (b *bindingObs) update(first, last int64, sources uint8) {
	b.first = min(b.first, first)
	b.last = max(b.last, last)
	b.sources |= sources
}

// insertBinding adds a new address, evicting the latest-seen one of its
// class (local or global IPv6) when the class is full.
func (s *macObs) insertBinding(b bindingObs) {
	global := !IsLocal(b.ip)
	limit := maxBindingsPerMAC
	if global {
		limit = maxGlobalV6PerMAC
	}
	count, worst := 0, -1
	for i := range s.bindings {
		if !IsLocal(s.bindings[i].ip) != global {
			continue
		}
		count++
		if worst < 0 || bindingLess(s.bindings[worst], s.bindings[i]) {
			worst = i
		}
	}
	if count < limit {
		s.bindings = append(s.bindings, b)
		return
	}
	if bindingLess(b, s.bindings[worst]) {
		s.bindings[worst] = b
	}
}

func bindingLess(a, b bindingObs) bool {
	if a.first != b.first {
		return a.first < b.first
	}
	return a.ip.Less(b.ip)
}

// addPeer keeps the smallest maxPeersPerMAC distinct peer keys.
// addPeer keeps the maxPeersPerMAC smallest peers, sorted: a peer above the
// largest kept one (the common case once the set is full) costs one compare.
func (s *macObs) addPeer(p netip.Addr) {
	n := len(s.peers)
	if n == maxPeersPerMAC && !p.Less(s.peers[n-1]) {
		return
	}
	i, found := slices.BinarySearchFunc(s.peers, p, netip.Addr.Compare)
	if found {
		return
	}
	if s.peers == nil {
		s.peers = make([]netip.Addr, 0, maxPeersPerMAC)
	}
	if n == maxPeersPerMAC {
		s.peers = s.peers[:n-1]
	}
	s.peers = slices.Insert(s.peers, i, p)
}

func (o *Observations) addRouter(r netip.Addr) {
	i, found := slices.BinarySearchFunc(o.routers, r, netip.Addr.Compare)
	if found {
		return
	}
	o.routers = slices.Insert(o.routers, i, r)
	if len(o.routers) > maxRouters {
		o.routers = o.routers[:maxRouters]
	}
}

// addName adds name (first seen at t) to a capped set. Names arriving from
// dissectors may alias packet buffers, so new ones are copied.
func addName(names []nameObs, name string, t int64) []nameObs {
	name = strings.TrimSpace(name)
	if name == "" {
		return names
	}
	for i := range names {
		if names[i].name == name {
			names[i].first = min(names[i].first, t)
			return names
		}
	}
	n := nameObs{name: strings.Clone(name), first: t}
	if len(names) < maxNamesPerMAC {
		return append(names, n)
	}
	worst := 0
	for i := range names {
		if nameLess(names[worst], names[i]) {
			worst = i
		}
	}
	if nameLess(n, names[worst]) {
		names[worst] = n
	}
	return names
}

func nameLess(a, b nameObs) bool {
	return cmp.Or(cmp.Compare(a.first, b.first), strings.Compare(a.name, b.name)) < 0
}

// Merge folds other into o. The Resolve result does not depend on the
// order or grouping of merges. other must not be used afterwards.
func (o *Observations) Merge(other *Observations) {
	if other == nil || other == o {
		return
	}
	for _, r := range other.routers {
		o.addRouter(r)
	}
	for m, theirs := range other.macs.M {
		mine := o.macs.Lookup(m)
		if mine == nil {
			if o.macs.Len() < maxMACs {
				o.macs.Put(m, theirs)
			}
			continue
		}
		mine.merge(theirs)
	}
}

func (s *macObs) merge(t *macObs) {
	s.first = min(s.first, t.first)
	s.last = max(s.last, t.last)
	s.frames += t.frames
	for _, b := range t.bindings {
		if i := slices.IndexFunc(s.bindings, func(x bindingObs) bool { return x.ip == b.ip }); i >= 0 {
			s.bindings[i].update(b.first, b.last, b.sources)
		} else {
			s.insertBinding(b)
		}
	}
	for _, p := range t.peers {
		s.addPeer(p)
	}
	s.dhcpNames = mergeNames(s.dhcpNames, t.dhcpNames)
	s.vendorClass = mergeNames(s.vendorClass, t.vendorClass)
	s.mdnsNames = mergeNames(s.mdnsNames, t.mdnsNames)
	s.ssdp = mergeNames(s.ssdp, t.ssdp)
}

func mergeNames(dst, src []nameObs) []nameObs {
	for _, n := range src {
		dst = addName(dst, n.name, n.first)
	}
	return dst
}
