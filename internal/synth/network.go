package synth

import "encoding/binary"

// Well-known ports.
const (
	portDNS        = 53
	portDHCPServer = 67
	portDHCPClient = 68
	portNTP        = 123
	portDHCP6Cli   = 546
	portDHCP6Srv   = 547
	portSSDP       = 1900
	portMDNS       = 5353
	portTuyaBcast  = 6667
	portTuyaSource = 49154
	portKasa       = 9999
	portSonosHTTP  = 1400
	portTuyaLocal  = 6668
)

// toGateway is the path from a device to the gateway (or through it).
func (g *generator) toGateway(d *device, dst [16]byte) path {
	return path{srcMAC: d.mac, dstMAC: g.gw.mac, src: d.ip4, dst: dst, ttl: 64}
}

// fromGateway is the path from the gateway (or the Internet) to a device.
func (g *generator) fromGateway(d *device, src [16]byte, ttl uint8) path {
	return path{srcMAC: g.gw.mac, dstMAC: d.mac, src: src, dst: d.ip4, ttl: ttl}
}

// dhcpStep sends one message of the DHCP exchange (or renewal).
func (g *generator) dhcpStep(d *device, step uint32, renew bool) {
	var p path
	var n int
	switch step {
	case 0:
		p = path{srcMAC: d.mac, dstMAC: broadcastMAC, src: zeroAddr, dst: broadcast4, ttl: 64}
		n = g.writeDHCP(g.udpPayload(&p), d, dhcpDiscover, false)
	case 1:
		p = g.fromGateway(d, g.gw.ip4, 64)
		n = g.writeDHCP(g.udpPayload(&p), d, dhcpOffer, false)
	case 2:
		p = path{srcMAC: d.mac, dstMAC: broadcastMAC, src: zeroAddr, dst: broadcast4, ttl: 64}
		if renew {
			p = g.toGateway(d, g.gw.ip4)
		}
		n = g.writeDHCP(g.udpPayload(&p), d, dhcpRequest, renew)
	default:
		p = g.fromGateway(d, g.gw.ip4, 64)
		n = g.writeDHCP(g.udpPayload(&p), d, dhcpAck, false)
	}
	sport, dport := uint16(portDHCPClient), uint16(portDHCPServer)
	if step == 1 || step == 3 {
		sport, dport = dport, sport
	}
	g.sendUDP(&p, sport, dport, n)
	switch {
	case step < 3:
		delays := [3][2]int64{{2 * msec, 300 * msec}, {1 * msec, 20 * msec}, {1 * msec, 10 * msec}}
		g.after(g.between(delays[step][0], delays[step][1]), tDHCP, d.idx, step+1, uint32(boolBit(renew)), 0)
	case renew:
		g.after(leaseSeconds/2*second, tDHCP, d.idx, 2, 1, 0)
	default:
		d.up = true
		g.after(g.between(1*msec, 50*msec), tBoot, d.idx, 1, 0, 0)
	}
}

// sendARP writes one ARP frame.
func (g *generator) sendARP(srcMAC, dstMAC [6]byte, op uint16, sha [6]byte, spa [16]byte, tha [6]byte, tpa [16]byte) {
	g.putEthernet(dstMAC, srcMAC, etherARP)
	n := writeARP(g.frame[ethLen:], op, sha, spa, tha, tpa)
	g.emit(ethLen + n)
}

// arpReply answers an ARP request from asker, by the gateway (responder 0)
// or by device responder-1; openLAN then starts the phone's conversation.
func (g *generator) arpReply(asker *device, responder uint32, openLAN bool) {
	mac, ip := g.gw.mac, g.gw.ip4
	var peer *device
	if responder > 0 {
		peer = g.devs[responder-1]
		mac, ip = peer.mac, peer.ip4
	}
	g.sendARP(mac, asker.mac, 2, mac, ip, asker.mac, asker.ip4)
	if openLAN && peer != nil {
		g.openLAN(asker, peer)
	}
}

// gatewayARP refreshes the gateway's ARP entry for d.
func (g *generator) gatewayARP(d *device, step uint32) {
	if step == 0 {
		g.sendARP(g.gw.mac, broadcastMAC, 1, g.gw.mac, g.gw.ip4, [6]byte{}, d.ip4)
		g.after(g.between(300*usec, 3*msec), tGatewayARP, d.idx, 1, 0, 0)
		return
	}
	g.sendARP(d.mac, g.gw.mac, 2, d.mac, d.ip4, g.gw.mac, g.gw.ip4)
	g.after(g.between(15*minute, 30*minute), tGatewayARP, d.idx, 0, 0, 0)
}

// ipv6Step brings up IPv6: duplicate address detection, router
// solicitation, SLAAC and privacy addresses, DHCPv6 and neighbour
// discovery of the gateway.
func (g *generator) ipv6Step(d *device, step uint32) {
	next := func(lo, hi int64) { g.after(g.between(lo, hi), tIPv6, d.idx, step+1, 0, 0) }
	m := g.frame[ethLen+ip6Len:]
	switch step {
	case 0:
		g.sendDAD(d, d.ll6)
		next(300*msec, 1*second)
	case 1:
		p := path{srcMAC: d.mac, dstMAC: multicastMAC6(allRouters6), src: d.ll6, dst: allRouters6, v6: true, ttl: 255}
		g.sendICMPv6(&p, writeRouterSolicit(m, d.mac))
		g.after(g.between(1*msec, 30*msec), tRouterAdvert, 0, 0, 0, 0)
		next(200*msec, 800*msec)
	case 2:
		if d.spec.v6&v6SLAAC != 0 {
			g.sendDAD(d, d.slaac6)
		}
		next(100*msec, 500*msec)
	case 3:
		if d.spec.v6&v6Privacy != 0 {
			g.sendDAD(d, d.temp6)
		}
		next(100*msec, 500*msec)
	case 4:
		if d.spec.v6&v6DHCP != 0 {
			g.after(0, tDHCPv6, d.idx, 0, 0, 0)
		}
		if d.usesV6Targets() {
			sol := solicitedNode(g.gw.ll6)
			p := path{srcMAC: d.mac, dstMAC: multicastMAC6(sol), src: d.temp6, dst: sol, v6: true, ttl: 255}
			g.sendICMPv6(&p, writeNeighbor(m, false, 0, g.gw.ll6, &d.mac))
			next(300*usec, 2*msec)
		}
	case 5:
		p := path{srcMAC: g.gw.mac, dstMAC: d.mac, src: g.gw.ll6, dst: d.temp6, v6: true, ttl: 255}
		g.sendICMPv6(&p, writeNeighbor(m, true, 0xe0, g.gw.ll6, &g.gw.mac))
	}
}

// usesV6Targets reports whether d talks to the Internet over IPv6.
func (d *device) usesV6Targets() bool {
	for _, t := range d.targets {
		if t.spec.v6 {
			return d.spec.v6&v6Privacy != 0
		}
	}
	return false
}

// sendDAD sends the duplicate-address-detection solicitation for addr.
func (g *generator) sendDAD(d *device, addr [16]byte) {
	sol := solicitedNode(addr)
	p := path{srcMAC: d.mac, dstMAC: multicastMAC6(sol), src: zeroAddr, dst: sol, v6: true, ttl: 255}
	g.sendICMPv6(&p, writeNeighbor(g.frame[ethLen+ip6Len:], false, 0, addr, nil))
}

// routerAdvert sends the gateway's RA to all nodes.
func (g *generator) routerAdvert(periodic bool) {
	p := path{srcMAC: g.gw.mac, dstMAC: multicastMAC6(allNodes6), src: g.gw.ll6, dst: allNodes6, v6: true, ttl: 255}
	g.sendICMPv6(&p, g.writeRouterAdvert(g.frame[ethLen+ip6Len:]))
	if periodic {
		g.after(g.between(200*second, 600*second), tRouterAdvert, 0, 1, 0, 0)
	}
}

// dhcpv6Step sends one message of the stateful DHCPv6 exchange.
func (g *generator) dhcpv6Step(d *device, step uint32) {
	types := [4]byte{dhcp6Solicit, dhcp6Advertise, dhcp6Request, dhcp6Reply}
	p := path{srcMAC: d.mac, dstMAC: multicastMAC6(dhcp6Agents), src: d.ll6, dst: dhcp6Agents, v6: true, ttl: 1}
	sport, dport := uint16(portDHCP6Cli), uint16(portDHCP6Srv)
	if step%2 == 1 {
		p = path{srcMAC: g.gw.mac, dstMAC: d.mac, src: g.gw.ll6, dst: d.ll6, v6: true, ttl: 64}
		sport, dport = dport, sport
	}
	n := g.writeDHCPv6(g.udpPayload(&p), d, types[step])
	g.sendUDP(&p, sport, dport, n)
	if step < 3 {
		g.after(g.between(1*msec, 20*msec), tDHCPv6, d.idx, step+1, 0, 0)
	}
}

// sendIGMP frames an IGMP message of n bytes at frame[ethLen+24:] in an
// IPv4 packet with the Router Alert option and TTL 1.
func (g *generator) sendIGMP(srcMAC [6]byte, src, dst [16]byte, n int) {
	g.putEthernet(multicastMAC4(dst), srcMAC, etherIPv4)
	h := g.frame[ethLen : ethLen+24]
	h[20], h[21], h[22], h[23] = 0x94, 0x04, 0, 0
	g.putIPv4Header(h, src, dst, protoIGMP, 1, 24+n, false)
	m := g.frame[ethLen+24 : ethLen+24+n]
	m[2], m[3] = 0, 0
	binary.BigEndian.PutUint16(m[2:], fold(sum16(m, 0)))
	g.emit(ethLen + 24 + n)
}

// igmpReport sends an IGMPv3 membership report for d's groups: a join
// (change to exclude mode) at boot, a current-state report after a query.
func (g *generator) igmpReport(d *device, join bool) {
	m := g.frame[ethLen+24:]
	m[0], m[1] = 0x22, 0
	m[4], m[5] = 0, 0
	recType := byte(2) // MODE_IS_EXCLUDE
	if join {
		recType = 4 // CHANGE_TO_EXCLUDE_MODE
	}
	n, count := 8, 0
	add := func(group [16]byte) {
		m[n], m[n+1], m[n+2], m[n+3] = recType, 0, 0, 0
		copy(m[n+4:n+8], group[:4])
		n += 8
		count++
	}
	if len(d.spec.mdns) > 0 || d.kind == kindPhone {
		add(mdnsGroup4)
	}
	if d.spec.ssdpNotify || d.spec.ssdpSearch {
		add(ssdpGroup4)
	}
	binary.BigEndian.PutUint16(m[6:], uint16(count))
	g.sendIGMP(d.mac, d.ip4, igmpv3Group, n)
}

// igmpQuery sends the gateway's general query; members answer within the
// ten-second maximum response time.
func (g *generator) igmpQuery() {
	m := g.frame[ethLen+24:]
	m[0], m[1] = 0x11, 100
	clear(m[4:8])
	m[8], m[9] = 0x02, 125
	m[10], m[11] = 0, 0
	g.sendIGMP(g.gw.mac, g.gw.ip4, allHosts4, 12)
	for _, d := range g.devs {
		if d.up && d.joinsGroups() {
			g.after(g.between(100*msec, 10*second), tIGMPReport, d.idx, 0, 0, 0)
		}
	}
	g.after(125*second, tIGMPQuery, 0, 0, 0, 0)
}

// ensureResolved reports whether d holds a fresh answer for the name in
// slot. If not, it sends the queries and re-queues the task for when the
// answers have arrived.
func (g *generator) ensureResolved(d *device, slot int32, aaaa bool, k taskKind, a, b uint32, c uint64) bool {
	if g.now < d.cache[slot].expires {
		return true
	}
	done := g.resolve(d, slot, aaaa)
	g.schedule(done, k, d.idx, a, b, c)
	return false
}

// resolve queries the gateway for the name in slot (A, then AAAA when
// asked) and returns when the answers will have arrived.
func (g *generator) resolve(d *device, slot int32, aaaa bool) int64 {
	name := d.domains[slot]
	answer := g.nextAnswer(name)
	c := &d.cache[slot]
	ip := g.names[g.terminal(name)].v4[answer]
	if c.seen && c.last != ip {
		g.reresolved++
	}
	c.seen, c.last, c.slot = true, ip, answer
	done := g.sendDNSQuery(d, slot, typeA, answer)
	if aaaa {
		gap := g.between(100*usec, 2*msec)
		g.after(gap, tDNSQuery, d.idx, uint32(slot), typeAAAA, uint64(answer))
		done = max(done, g.now+gap+45*msec)
	}
	c.expires = done + int64(g.chainTTL(name))*second
	return done + g.between(100*usec, 1*msec)
}

// chainTTL is the smallest TTL along a name's CNAME chain.
func (g *generator) chainTTL(i int32) uint32 {
	ttl := g.names[i].ttl
	for g.names[i].cname >= 0 {
		i = g.names[i].cname
		ttl = min(ttl, g.names[i].ttl)
	}
	return ttl
}

// sendDNSQuery sends one query and schedules the gateway's answer; it
// returns the answer's time.
func (g *generator) sendDNSQuery(d *device, slot int32, qtype uint16, answer uint32) int64 {
	p := g.toGateway(d, g.gw.ip4)
	sport := d.ephemeralPort()
	id := uint16(g.rng.Uint32())
	n := writeDNSQuery(g.udpPayload(&p), id, g.names[d.domains[slot]].wire, qtype)
	g.sendUDP(&p, sport, portDNS, n)
	delay := g.between(2*msec, 40*msec)
	if g.rng.IntN(3) == 0 {
		delay = g.between(300*usec, 1*msec) // answered from the gateway's cache
	}
	g.after(delay, tDNSReply, d.idx, uint32(slot), uint32(qtype)|uint32(sport)<<16, uint64(id)|uint64(answer)<<16)
	return g.now + delay
}

// dnsReply sends the gateway's answer.
func (g *generator) dnsReply(d *device, t task) {
	p := g.fromGateway(d, g.gw.ip4, 64)
	qtype, dport := uint16(t.b), uint16(t.b>>16)
	n := g.writeDNSResponse(g.udpPayload(&p), uint16(t.c), d.domains[t.a], qtype, uint32(t.c>>16))
	g.sendUDP(&p, portDNS, dport, n)
}

// cachedAddress returns the address d resolved for slot.
func (g *generator) cachedAddress(d *device, slot int32, v6 bool) [16]byte {
	term := &g.names[g.terminal(d.domains[slot])]
	s := d.cache[slot].slot
	if v6 {
		return term.v6[s]
	}
	return term.v4[s]
}

// ntpRequest polls the target's NTP server.
func (g *generator) ntpRequest(d *device, ti int32) {
	t := &d.targets[ti]
	if !d.up || !g.ensureResolved(d, t.domain, false, tNTP, uint32(ti), 0, 0) {
		return
	}
	p := g.toGateway(d, g.cachedAddress(d, t.domain, false))
	sport := uint16(portNTP)
	if d.kind == kindVoice {
		sport = d.ephemeralPort()
	}
	transmit := ntpTime(g.now)
	n := writeNTP(g.udpPayload(&p), false, 0, 0, transmit, [4]byte{})
	g.sendUDP(&p, sport, portNTP, n)
	g.after(g.between(15*msec, 80*msec), tNTPReply, d.idx, uint32(ti), uint32(sport), transmit)
	g.after(g.between(15*minute, 35*minute), tNTP, d.idx, uint32(ti), 0, 0)
}

// ntpReply sends the server's mode-4 answer.
func (g *generator) ntpReply(d *device, t task) {
	src := g.cachedAddress(d, d.targets[t.a].domain, false)
	p := g.fromGateway(d, src, 54)
	receive := ntpTime(g.now - 8*msec)
	n := writeNTP(g.udpPayload(&p), true, t.c, receive, receive+uint64(g.rng.IntN(1<<20)), [4]byte{216, 239, 35, 12})
	g.sendUDP(&p, portNTP, uint16(t.b), n)
}

// stunRequest sends a Binding request; withMedia starts a media burst
// once the mapping is known.
func (g *generator) stunRequest(d *device, ti int32, withMedia bool) {
	t := &d.targets[ti]
	if !d.up || !g.ensureResolved(d, t.domain, false, tSTUN, uint32(ti), uint32(boolBit(withMedia)), 0) {
		return
	}
	p := g.toGateway(d, g.cachedAddress(d, t.domain, false))
	sport := d.ephemeralPort()
	txid := g.rng.Uint64()
	n := writeSTUN(g.udpPayload(&p), false, txid, zeroAddr, 0)
	g.sendUDP(&p, sport, t.spec.port, n)
	rtt := g.between(20*msec, 80*msec)
	g.after(rtt, tSTUNReply, d.idx, uint32(ti), uint32(sport), txid)
	if withMedia {
		mi := d.roleTarget(roleMedia)
		spec := d.targets[mi].spec
		packets := g.between(int64(spec.up[0]), int64(spec.up[1])) / 1100
		g.after(rtt+g.between(50*msec, 300*msec), tMedia, d.idx, uint32(mi), uint32(packets), uint64(sport))
	}
}

// stunReply sends the Binding success response.
func (g *generator) stunReply(d *device, t task) {
	ts := &d.targets[t.a]
	p := g.fromGateway(d, g.cachedAddress(d, ts.domain, false), 50)
	n := writeSTUN(g.udpPayload(&p), true, t.c, g.gw.public, uint16(t.b))
	g.sendUDP(&p, ts.spec.port, uint16(t.b), n)
}

// media sends one RTP packet of a camera's upload burst to the relay, and
// now and then the relay's RTCP receiver report.
func (g *generator) media(d *device, t task) {
	ts := &d.targets[t.a]
	if !g.ensureResolved(d, ts.domain, false, tMedia, t.a, t.b, t.c) {
		return
	}
	relay := g.cachedAddress(d, ts.domain, false)
	sport, seq := uint16(t.c), uint16(t.c>>16)
	if seq%50 == 49 {
		p := g.fromGateway(d, relay, 50)
		b := g.udpPayload(&p)
		b[0], b[1] = 0x81, 201
		binary.BigEndian.PutUint16(b[2:], 7)
		binary.BigEndian.PutUint32(b[4:], d.xid^0xffff)
		binary.BigEndian.PutUint32(b[8:], d.xid)
		g.fillPool(b[12:32])
		g.sendUDP(&p, ts.spec.port, sport, 32)
	} else {
		p := g.toGateway(d, relay)
		b := g.udpPayload(&p)
		b[0], b[1] = 0x80, 96
		if seq%30 == 0 {
			b[1] |= 0x80 // marker: start of a frame
		}
		binary.BigEndian.PutUint16(b[2:], seq)
		binary.BigEndian.PutUint32(b[4:], uint32(seq)*3000)
		binary.BigEndian.PutUint32(b[8:], d.xid)
		n := int(g.between(900, 1160))
		g.fillPool(b[12:n])
		g.sendUDP(&p, sport, ts.spec.port, n)
	}
	if t.b > 1 {
		g.after(g.between(30*msec, 45*msec), tMedia, d.idx, t.a, t.b-1, uint64(sport)|uint64(seq+1)<<16)
	}
}
