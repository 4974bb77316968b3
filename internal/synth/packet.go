package synth

import "encoding/binary"

// Header sizes and protocol numbers.
const (
	ethLen = 14
	ip4Len = 20
	ip6Len = 40
	udpLen = 8
	tcpLen = 20
	mtu    = 1500
	mss4   = mtu - ip4Len - tcpLen
	mss6   = mtu - ip6Len - tcpLen

	etherIPv4 = 0x0800
	etherARP  = 0x0806
	etherIPv6 = 0x86dd

	protoIGMP   = 2
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58

	tcpFin = 0x01
	tcpSyn = 0x02
	tcpPsh = 0x08
	tcpAck = 0x10
)

// path is one direction of a conversation: link and network addresses plus
// the hop limit the frame shows at the capture point. IPv4 addresses sit in
// the first four bytes of src and dst.
type path struct {
	srcMAC, dstMAC [6]byte
	src, dst       [16]byte
	v6             bool
	ttl            uint8
}

// reversed returns the opposite direction with the given hop limit.
func (p *path) reversed(ttl uint8) path {
	return path{srcMAC: p.dstMAC, dstMAC: p.srcMAC, src: p.dst, dst: p.src, v6: p.v6, ttl: ttl}
}

// l4Offset is where the transport header starts.
func (p *path) l4Offset() int {
	if p.v6 {
		return ethLen + ip6Len
	}
	return ethLen + ip4Len
}

// udpPayload returns the scratch area where a UDP payload for p goes.
func (g *generator) udpPayload(p *path) []byte {
	return g.frame[p.l4Offset()+udpLen:]
}

// tcpPayload returns the scratch area for a TCP payload after optLen option bytes.
func (g *generator) tcpPayload(p *path, optLen int) []byte {
	return g.frame[p.l4Offset()+tcpLen+optLen:]
}

func v4(a, b, c, d byte) [16]byte { return [16]byte{a, b, c, d} }

// putEthernet writes the Ethernet II header.
func (g *generator) putEthernet(dst, src [6]byte, etherType uint16) {
	copy(g.frame[0:6], dst[:])
	copy(g.frame[6:12], src[:])
	binary.BigEndian.PutUint16(g.frame[12:14], etherType)
}

// putIP writes the Ethernet and IP headers for an l4Len-byte transport
// segment and returns the pseudo-header checksum accumulator.
func (g *generator) putIP(p *path, proto uint8, l4Len int) uint64 {
	if p.v6 {
		g.putEthernet(p.dstMAC, p.srcMAC, etherIPv6)
		h := g.frame[ethLen : ethLen+ip6Len]
		binary.BigEndian.PutUint32(h[0:], 6<<28)
		binary.BigEndian.PutUint16(h[4:], uint16(l4Len))
		h[6] = proto
		h[7] = p.ttl
		copy(h[8:24], p.src[:])
		copy(h[24:40], p.dst[:])
		return sum16(h[8:40], uint64(proto)+uint64(l4Len))
	}
	g.putEthernet(p.dstMAC, p.srcMAC, etherIPv4)
	h := g.frame[ethLen : ethLen+ip4Len]
	g.putIPv4Header(h, p.src, p.dst, proto, p.ttl, ip4Len+l4Len, true)
	return sum16(h[12:20], uint64(proto)+uint64(l4Len))
}

// putIPv4Header fills a 20-byte (or longer, options already in place) IPv4
// header including its checksum.
func (g *generator) putIPv4Header(h []byte, src, dst [16]byte, proto, ttl uint8, total int, dontFragment bool) {
	h[0] = 0x40 | byte(len(h)/4)
	h[1] = 0
	binary.BigEndian.PutUint16(h[2:], uint16(total))
	g.ipID++
	binary.BigEndian.PutUint16(h[4:], g.ipID)
	flags := uint16(0)
	if dontFragment {
		flags = 0x4000
	}
	binary.BigEndian.PutUint16(h[6:], flags)
	h[8] = ttl
	h[9] = proto
	h[10], h[11] = 0, 0
	copy(h[12:16], src[:4])
	copy(h[16:20], dst[:4])
	binary.BigEndian.PutUint16(h[10:], fold(sum16(h, 0)))
}

// sendUDP frames the n-byte payload already at udpPayload(p) and writes it.
func (g *generator) sendUDP(p *path, sport, dport uint16, n int) {
	off := p.l4Offset()
	l4 := udpLen + n
	acc := g.putIP(p, protoUDP, l4)
	u := g.frame[off : off+l4]
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(l4))
	u[6], u[7] = 0, 0
	sum := fold(sum16(u, acc))
	if sum == 0 {
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(u[6:], sum)
	g.emit(off + l4)
}

// tcpSegment describes one TCP segment's header fields.
type tcpSegment struct {
	sport, dport uint16
	seq, ack     uint32
	flags        uint8
	window       uint16
	optLen       int // option bytes already written after the fixed header
}

// sendTCP frames the n-byte payload already at tcpPayload(p, s.optLen).
func (g *generator) sendTCP(p *path, s tcpSegment, n int) {
	off := p.l4Offset()
	hdr := tcpLen + s.optLen
	l4 := hdr + n
	acc := g.putIP(p, protoTCP, l4)
	t := g.frame[off : off+l4]
	binary.BigEndian.PutUint16(t[0:], s.sport)
	binary.BigEndian.PutUint16(t[2:], s.dport)
	binary.BigEndian.PutUint32(t[4:], s.seq)
	binary.BigEndian.PutUint32(t[8:], s.ack)
	t[12] = byte(hdr/4) << 4
	t[13] = s.flags
	binary.BigEndian.PutUint16(t[14:], s.window)
	t[16], t[17], t[18], t[19] = 0, 0, 0, 0
	binary.BigEndian.PutUint16(t[16:], fold(sum16(t, acc)))
	g.emit(off + l4)
}

// sendICMPv6 frames the n-byte ICMPv6 message (type and code included)
// written at frame[ethLen+ip6Len:].
func (g *generator) sendICMPv6(p *path, n int) {
	off := ethLen + ip6Len
	acc := g.putIP(p, protoICMPv6, n)
	m := g.frame[off : off+n]
	m[2], m[3] = 0, 0
	binary.BigEndian.PutUint16(m[2:], fold(sum16(m, acc)))
	g.emit(off + n)
}

// sum16 adds b to a ones'-complement accumulator, eight bytes at a time.
func sum16(b []byte, acc uint64) uint64 {
	for len(b) >= 8 {
		acc += uint64(binary.BigEndian.Uint32(b)) + uint64(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
	}
	for len(b) >= 2 {
		acc += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint64(b[0]) << 8
	}
	return acc
}

// fold reduces an accumulator to the final 16-bit Internet checksum.
func fold(acc uint64) uint16 {
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return ^uint16(acc)
}

// multicastMAC4 maps an IPv4 multicast group to its Ethernet address.
func multicastMAC4(ip [16]byte) [6]byte {
	return [6]byte{0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]}
}

// multicastMAC6 maps an IPv6 multicast group to its Ethernet address.
func multicastMAC6(ip [16]byte) [6]byte {
	return [6]byte{0x33, 0x33, ip[12], ip[13], ip[14], ip[15]}
}

// solicitedNode returns the solicited-node multicast group of ip.
func solicitedNode(ip [16]byte) [16]byte {
	return [16]byte{0xff, 0x02, 10: 0, 11: 0x01, 12: 0xff, 13: ip[13], 14: ip[14], 15: ip[15]}
}

// linkLocal derives the EUI-64 link-local address of mac.
func linkLocal(mac [6]byte) [16]byte {
	var a [16]byte
	a[0], a[1] = 0xfe, 0x80
	putEUI64(a[8:], mac)
	return a
}

// putEUI64 writes the modified EUI-64 interface identifier of mac.
func putEUI64(dst []byte, mac [6]byte) {
	dst[0] = mac[0] ^ 0x02
	dst[1], dst[2] = mac[1], mac[2]
	dst[3], dst[4] = 0xff, 0xfe
	dst[5], dst[6], dst[7] = mac[3], mac[4], mac[5]
}

var (
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	broadcast4   = v4(255, 255, 255, 255)
	zeroAddr     [16]byte
	mdnsGroup4   = v4(224, 0, 0, 251)
	ssdpGroup4   = v4(239, 255, 255, 250)
	igmpv3Group  = v4(224, 0, 0, 22)
	allHosts4    = v4(224, 0, 0, 1)
	mdnsGroup6   = [16]byte{0xff, 0x02, 15: 0xfb}
	allNodes6    = [16]byte{0xff, 0x02, 15: 0x01}
	allRouters6  = [16]byte{0xff, 0x02, 15: 0x02}
	dhcp6Agents  = [16]byte{0xff, 0x02, 13: 0x01, 15: 0x02}
)
