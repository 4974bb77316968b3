package synth

// mdnsAnnounce multicasts d's services over IPv4 (and IPv6 a moment
// later). At start-up the announcement is repeated once after a second, as
// RFC 6762 asks; afterwards it repeats every 20 to 60 minutes.
func (g *generator) mdnsAnnounce(d *device, left uint32) {
	g.sendMDNS(d, false)
	if d.spec.v6&v6LinkLocal != 0 {
		g.after(g.between(100*usec, 2*msec), tMDNSResponse, d.idx, 1, 0, 0)
	}
	if left > 0 {
		g.after(g.between(900*msec, 1100*msec), tMDNS, d.idx, left-1, 0, 0)
		return
	}
	g.after(g.between(20*minute, 60*minute), tMDNS, d.idx, 0, 0, 0)
}

// sendMDNS sends d's announcement to the IPv4 or IPv6 mDNS group.
func (g *generator) sendMDNS(d *device, v6 bool) {
	if len(d.mdnsAnnounce) == 0 {
		return
	}
	p := path{srcMAC: d.mac, dstMAC: multicastMAC4(mdnsGroup4), src: d.ip4, dst: mdnsGroup4, ttl: 255}
	if v6 {
		p = path{srcMAC: d.mac, dstMAC: multicastMAC6(mdnsGroup6), src: d.ll6, dst: mdnsGroup6, v6: true, ttl: 255}
	}
	n := copy(g.udpPayload(&p), d.mdnsAnnounce)
	g.sendUDP(&p, portMDNS, portMDNS, n)
}

// mdnsBrowse sends the phone's DNS-SD browse; devices offering the
// services answer within a fraction of a second.
func (g *generator) mdnsBrowse(d *device) {
	p := path{srcMAC: d.mac, dstMAC: multicastMAC4(mdnsGroup4), src: d.ip4, dst: mdnsGroup4, ttl: 255}
	n := copy(g.udpPayload(&p), g.mdnsQuery)
	g.sendUDP(&p, portMDNS, portMDNS, n)
	for _, other := range g.devs {
		if other.up && len(other.mdnsAnnounce) > 0 {
			g.after(g.between(20*msec, 120*msec), tMDNSResponse, other.idx, 0, 0, 0)
		}
	}
}

// ssdpNotify sends the speaker's three ssdp:alive messages in a row, then
// waits for the next advertisement period.
func (g *generator) ssdpNotify(d *device, which uint32) {
	p := path{srcMAC: d.mac, dstMAC: multicastMAC4(ssdpGroup4), src: d.ip4, dst: ssdpGroup4, ttl: 4}
	n := copy(g.udpPayload(&p), d.ssdpNotify[which])
	g.sendUDP(&p, portSSDP, portSSDP, n)
	if int(which)+1 < len(d.ssdpNotify) {
		g.after(g.between(1*msec, 10*msec), tSSDPNotify, d.idx, which+1, 0, 0)
		return
	}
	g.after(g.between(15*minute, 30*minute), tSSDPNotify, d.idx, 0, 0, 0)
}

// ssdpMSearch multicasts an M-SEARCH; speakers answer by unicast.
func (g *generator) ssdpMSearch(d *device, periodic bool) {
	if d.up && len(d.ssdpSearch) > 0 {
		p := path{srcMAC: d.mac, dstMAC: multicastMAC4(ssdpGroup4), src: d.ip4, dst: ssdpGroup4, ttl: 4}
		sport := d.ephemeralPort()
		n := copy(g.udpPayload(&p), d.ssdpSearch)
		g.sendUDP(&p, sport, portSSDP, n)
		for _, other := range g.devs {
			if other.up && len(other.ssdpReply) > 0 {
				g.after(g.between(10*msec, 1*second), tSSDPReply, other.idx, uint32(d.idx), uint32(sport), 0)
			}
		}
	}
	if periodic {
		g.after(g.between(10*minute, 30*minute), tSSDPSearch, d.idx, 0, 1, 0)
	}
}

// ssdpReply answers an M-SEARCH.
func (g *generator) ssdpReply(d *device, t task) {
	searcher := g.devs[t.a]
	p := path{srcMAC: d.mac, dstMAC: searcher.mac, src: d.ip4, dst: searcher.ip4, ttl: 64}
	n := copy(g.udpPayload(&p), d.ssdpReply)
	g.sendUDP(&p, portSSDP, uint16(t.b), n)
}

// tuyaBroadcast sends the bulb's UDP 6667 discovery frame (encrypted
// gwId/ip/productKey JSON), as Tuya devices do every few seconds.
func (g *generator) tuyaBroadcast(d *device) {
	p := path{srcMAC: d.mac, dstMAC: broadcastMAC, src: d.ip4, dst: broadcast4, ttl: 255}
	n := g.writeTuyaFrame(g.udpPayload(&p), 0, 0x13, true, 160)
	g.sendUDP(&p, portTuyaSource, portTuyaBcast, n)
	g.after(g.between(25*second, 35*second), tTuyaBroadcast, d.idx, 0, 0, 0)
}

// kasaDiscover broadcasts the Kasa app's get_sysinfo; plugs answer.
func (g *generator) kasaDiscover(d *device) {
	p := path{srcMAC: d.mac, dstMAC: broadcastMAC, src: d.ip4, dst: broadcast4, ttl: 64}
	sport := d.ephemeralPort()
	n := kasaEncrypt(g.udpPayload(&p), kasaGetSysinfo)
	g.sendUDP(&p, sport, portKasa, n)
	for _, plug := range g.byKind[kindPlug] {
		if g.devs[plug].up {
			g.after(g.between(5*msec, 80*msec), tKasaReply, plug, uint32(d.idx), uint32(sport), 0)
		}
	}
}

// kasaReply sends a plug's sysinfo to the asking phone, or broadcasts it
// (port 0) when the plug announces itself after boot.
func (g *generator) kasaReply(d *device, t task) {
	p := path{srcMAC: d.mac, dstMAC: broadcastMAC, src: d.ip4, dst: broadcast4, ttl: 64}
	dport := uint16(portKasa)
	if t.b != 0 {
		phone := g.devs[t.a]
		p.dstMAC, p.dst, dport = phone.mac, phone.ip4, uint16(t.b)
	}
	n := copy(g.udpPayload(&p), d.kasaInfo)
	g.sendUDP(&p, portKasa, dport, n)
}

// lanChatter has the phone's apps talk to a plug, speaker or bulb: ARP
// first, then a short TCP conversation on the vendor's local port.
func (g *generator) lanChatter(d *device) {
	if !d.up {
		return
	}
	var peers [3][]int32
	peers[0], peers[1], peers[2] = g.byKind[kindPlug], g.byKind[kindSpeaker], g.byKind[kindBulb]
	total := len(peers[0]) + len(peers[1]) + len(peers[2])
	if total == 0 {
		return
	}
	k := g.rng.IntN(total)
	var peer *device
	for _, list := range peers {
		if k < len(list) {
			peer = g.devs[list[k]]
			break
		}
		k -= len(list)
	}
	if !peer.up {
		return
	}
	g.sendARP(d.mac, broadcastMAC, 1, d.mac, d.ip4, [6]byte{}, peer.ip4)
	g.after(g.between(500*usec, 5*msec), tARPReply, d.idx, uint32(peer.idx)+1, 1, 0)
}

// openLAN starts the phone's TCP conversation with a LAN device.
func (g *generator) openLAN(phone, peer *device) {
	o := flowOpen{dev: phone, target: -1, peer: peer, dst: peer.ip4, exchanges: 1 + int32(g.rng.IntN(3)),
		delay: g.between(100*usec, 2*msec)}
	switch peer.kind {
	case kindPlug:
		o.app, o.port = appKasaLocal, portKasa
	case kindSpeaker:
		o.app, o.port = appHTTP, portSonosHTTP
	default:
		o.app, o.port = appTuyaLocal, portTuyaLocal
	}
	g.openFlow(o)
}
