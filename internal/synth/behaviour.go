package synth

// Task kinds. The comment says what dev, a, b and c carry.
const (
	tBoot          taskKind = iota // a: boot step
	tDHCP                          // a: step (0 discover .. 3 ack), b: 1 for a renewal
	tARPReply                      // dev: asker, a: responder device+1 or 0 for the gateway, b: 1 to open a LAN flow after
	tGatewayARP                    // a: 0 request from the gateway, 1 the device's reply
	tIPv6                          // a: IPv6 bring-up step
	tDHCPv6                        // a: step
	tRouterAdvert                  // a: 1 when periodic
	tIGMPQuery                     // gateway general query
	tIGMPReport                    // a: 1 for a join (change-to-exclude), 0 for a query response
	tHeartbeat                     //
	tEvent                         //
	tConnect                       // a: target, b: bulk exchanges, c: 1 for a long-lived connection
	tDNSQuery                      // a: domain slot, b: query type, c: answer slot
	tDNSReply                      // a: domain slot, b: qtype | sport<<16, c: txid | answer slot<<16
	tFlowStep                      // a: flow
	tAck                           // a: flow, b: 1 when the server sends it, c: ACK number
	tNTP                           // a: target
	tNTPReply                      // a: target, b: client port, c: client transmit timestamp
	tSTUN                          // a: target, b: 1 when a media burst follows
	tSTUNReply                     // a: target, b: client port, c: transaction ID
	tMedia                         // a: target, b: packets left, c: client port | sequence<<16
	tMDNS                          // a: announcements left in the start-up pair
	tMDNSQuery                     // the phone browses
	tMDNSResponse                  // a: 1 for the IPv6 group
	tSSDPNotify                    // a: which NOTIFY of the three
	tSSDPSearch                    // b: 1 when periodic
	tSSDPReply                     // a: searcher, b: searcher's port
	tTuyaBroadcast                 //
	tKasaDiscover                  // the phone's UDP 9999 broadcast
	tKasaReply                     // a: phone, b: phone's port (0: broadcast announcement)
	tLAN                           // the phone talks to a device on the LAN
)

// dispatch runs one task.
func (g *generator) dispatch(t task) {
	switch t.kind {
	case tFlowStep:
		g.stepFlow(int32(t.a))
		return
	case tAck:
		g.sendAck(int32(t.a), t.b == 1, uint32(t.c))
		return
	case tRouterAdvert:
		g.routerAdvert(t.a == 1)
		return
	case tIGMPQuery:
		g.igmpQuery()
		return
	}
	d := g.devs[t.dev]
	switch t.kind {
	case tBoot:
		g.boot(d, t.a)
	case tDHCP:
		g.dhcpStep(d, t.a, t.b == 1)
	case tARPReply:
		g.arpReply(d, t.a, t.b == 1)
	case tGatewayARP:
		g.gatewayARP(d, t.a)
	case tIPv6:
		g.ipv6Step(d, t.a)
	case tDHCPv6:
		g.dhcpv6Step(d, t.a)
	case tIGMPReport:
		g.igmpReport(d, t.a == 1)
	case tHeartbeat:
		g.heartbeat(d)
	case tEvent:
		g.event(d)
	case tConnect:
		g.connect(d, int32(t.a), int32(t.b), t.c == 1)
	case tDNSQuery:
		g.sendDNSQuery(d, int32(t.a), uint16(t.b), uint32(t.c))
	case tDNSReply:
		g.dnsReply(d, t)
	case tNTP:
		g.ntpRequest(d, int32(t.a))
	case tNTPReply:
		g.ntpReply(d, t)
	case tSTUN:
		g.stunRequest(d, int32(t.a), t.b == 1)
	case tSTUNReply:
		g.stunReply(d, t)
	case tMedia:
		g.media(d, t)
	default:
		g.dispatchLocal(d, t)
	}
}

// dispatchLocal runs the LAN discovery tasks.
func (g *generator) dispatchLocal(d *device, t task) {
	switch t.kind {
	case tMDNS:
		g.mdnsAnnounce(d, t.a)
	case tMDNSQuery:
		g.mdnsBrowse(d)
	case tMDNSResponse:
		g.sendMDNS(d, t.a == 1)
	case tSSDPNotify:
		g.ssdpNotify(d, t.a)
	case tSSDPSearch:
		g.ssdpMSearch(d, t.b == 1)
	case tSSDPReply:
		g.ssdpReply(d, t)
	case tTuyaBroadcast:
		g.tuyaBroadcast(d)
	case tKasaDiscover:
		g.kasaDiscover(d)
	case tKasaReply:
		g.kasaReply(d, t)
	case tLAN:
		g.lanChatter(d)
	}
}

// scheduleStart boots every device within the first two minutes and
// starts the gateway's periodic tasks.
func (g *generator) scheduleStart() {
	anyV6 := false
	for _, d := range g.devs {
		g.schedule(g.start+g.between(0, 90*second), tBoot, d.idx, 0, 0, 0)
		anyV6 = anyV6 || d.spec.v6 != 0
	}
	g.schedule(g.start+g.between(20*second, 40*second), tIGMPQuery, 0, 0, 0, 0)
	if anyV6 {
		g.schedule(g.start+g.between(60*second, 200*second), tRouterAdvert, 0, 1, 0, 0)
	}
}

// boot runs a device's start-up sequence: DHCP, ARP, multicast joins,
// IPv6, then its kind's services and timers.
func (g *generator) boot(d *device, step uint32) {
	switch step {
	case 0:
		g.dhcpStep(d, 0, false)
	case 1:
		g.sendARP(d.mac, broadcastMAC, 1, d.mac, d.ip4, [6]byte{}, d.ip4) // gratuitous announcement
		g.after(g.between(100*msec, 900*msec), tBoot, d.idx, 2, 0, 0)
	case 2:
		g.sendARP(d.mac, broadcastMAC, 1, d.mac, d.ip4, [6]byte{}, g.gw.ip4)
		g.after(g.between(500*usec, 3*msec), tARPReply, d.idx, 0, 0, 0)
		g.after(g.between(5*msec, 50*msec), tBoot, d.idx, 3, 0, 0)
	case 3:
		if d.joinsGroups() {
			g.igmpReport(d, true)
		}
		if d.spec.v6 != 0 {
			g.after(g.between(100*msec, 900*msec), tIPv6, d.idx, 0, 0, 0)
		}
		g.after(g.between(50*msec, 300*msec), tBoot, d.idx, 4, 0, 0)
	case 4:
		g.startServices(d)
	}
}

// joinsGroups reports whether d listens to mDNS or SSDP multicast.
func (d *device) joinsGroups() bool {
	return len(d.spec.mdns) > 0 || d.spec.ssdpNotify || d.spec.ssdpSearch || d.kind == kindPhone
}

// startServices starts a booted device's connections and timers.
func (g *generator) startServices(d *device) {
	if len(d.spec.mdns) > 0 {
		g.after(g.between(10*msec, 500*msec), tMDNS, d.idx, 1, 0, 0)
	}
	if d.spec.ssdpNotify {
		g.after(g.between(500*msec, 3*second), tSSDPNotify, d.idx, 0, 0, 0)
	}
	if d.spec.ssdpSearch && d.kind != kindPhone {
		g.after(g.between(2*second, 20*second), tSSDPSearch, d.idx, 0, 1, 0)
	}
	for i, t := range d.targets {
		switch t.spec.role {
		case roleControl:
			g.after(g.between(200*msec, 2*second), tConnect, d.idx, uint32(i), 0, 1)
		case roleNTP:
			g.after(g.between(1*second, 4*second), tNTP, d.idx, uint32(i), 0, 0)
		case roleSTUN:
			g.after(g.between(3*second, 8*second), tSTUN, d.idx, uint32(i), 0, 0)
		}
	}
	switch d.kind {
	case kindBulb:
		g.after(g.between(1*second, 5*second), tTuyaBroadcast, d.idx, 0, 0, 0)
	case kindPlug:
		g.after(g.between(1*second, 3*second), tKasaReply, d.idx, 0, 0, 0)
	case kindPhone:
		g.after(g.between(2*second, 6*second), tMDNSQuery, d.idx, 0, 0, 0)
		g.after(g.between(5*second, 30*second), tLAN, d.idx, 0, 0, 0)
		g.after(g.between(1*second, 3*second), tConnect, d.idx, uint32(d.targetIndex(appHTTP)), 1, 0)
	case kindHostile:
		for i := range d.targets {
			g.after(int64(i+1)*g.between(1*second, 3*second), tConnect, d.idx, uint32(i), 1, 0)
		}
	}
	spec := d.spec
	g.after(g.between(spec.heartbeat[0], spec.heartbeat[1])*second, tHeartbeat, d.idx, 0, 0, 0)
	g.after(g.between(spec.event[0]/4, spec.event[1]/2)*second, tEvent, d.idx, 0, 0, 0)
	g.after(g.between(10*minute, 25*minute), tGatewayARP, d.idx, 0, 0, 0)
	g.after(leaseSeconds/2*second, tDHCP, d.idx, 2, 1, 0)
}

// targetIndex returns the first target carrying app, or 0.
func (d *device) targetIndex(app appKind) int {
	for i, t := range d.targets {
		if t.spec.app == app {
			return i
		}
	}
	return 0
}

// heartbeat sends a device's periodic keep-alive.
func (g *generator) heartbeat(d *device) {
	d.beats++
	switch d.kind {
	case kindHostile:
		slot := int32(d.beats % uint32(len(d.domains)))
		g.resolve(d, slot, true)
		if d.beats%4 == 0 {
			g.sendMDNS(d, false)
		}
	default:
		g.kickFlow(d.control, exHeartbeat)
	}
	spec := d.spec
	g.after(g.between(spec.heartbeat[0]*second, spec.heartbeat[1]*second), tHeartbeat, d.idx, 0, 0, 0)
}

// event starts a burst of activity typical of the kind.
func (g *generator) event(d *device) {
	switch d.kind {
	case kindCamera:
		g.after(0, tConnect, d.idx, uint32(d.roleTarget(roleEvent)), 1, 0)
		g.after(g.between(500*msec, 2*second), tSTUN, d.idx, uint32(d.roleTarget(roleSTUN)), 1, 0)
	case kindPlug, kindBulb, kindThermostat:
		g.kickFlow(d.control, exDownlink)
		g.after(g.between(1*second, 5*second), tConnect, d.idx, uint32(d.roleTarget(roleEvent)), 1, 0)
	case kindSpeaker, kindHostile:
		g.after(0, tConnect, d.idx, uint32(g.randomEventTarget(d)), 1, 0)
	case kindHub:
		g.after(0, tConnect, d.idx, uint32(d.roleTarget(roleEvent)), 1+uint32(g.rng.IntN(2)), 0)
		g.after(g.between(1*second, 10*second), tSSDPSearch, d.idx, 0, 0, 0)
	case kindVoice:
		g.kickFlow(d.control, exDownlink)
		for range 2 + g.rng.IntN(3) {
			g.after(g.between(0, 4*second), tConnect, d.idx, uint32(g.randomEventTarget(d)), 1, 0)
		}
	case kindPhone:
		g.phoneEvent(d)
	}
	spec := d.spec
	g.after(g.between(spec.event[0], spec.event[1])*second, tEvent, d.idx, 0, 0, 0)
}

// phoneEvent is the phone being used: browsing, casting and the vendor
// apps that talk to devices on the LAN.
func (g *generator) phoneEvent(d *device) {
	for range 1 + g.rng.IntN(2) {
		g.after(g.between(0, 3*second), tConnect, d.idx, uint32(g.randomEventTarget(d)), 1+uint32(g.rng.IntN(2)), 0)
	}
	if g.rng.IntN(2) == 0 {
		g.after(g.between(1*second, 20*second), tLAN, d.idx, 0, 0, 0)
	}
	if g.rng.IntN(3) == 0 {
		g.after(g.between(0, 5*second), tMDNSQuery, d.idx, 0, 0, 0)
	}
	if g.rng.IntN(3) == 0 {
		g.after(g.between(0, 5*second), tSSDPSearch, d.idx, 0, 0, 0)
	}
	if g.rng.IntN(3) == 0 {
		g.after(g.between(0, 5*second), tKasaDiscover, d.idx, 0, 0, 0)
	}
}

// roleTarget returns the first target with the role.
func (d *device) roleTarget(r role) int {
	for i, t := range d.targets {
		if t.spec.role == r {
			return i
		}
	}
	return 0
}

// randomEventTarget picks one of d's event targets.
func (g *generator) randomEventTarget(d *device) int {
	n := 0
	for _, t := range d.targets {
		if t.spec.role == roleEvent {
			n++
		}
	}
	k := g.rng.IntN(max(n, 1))
	for i, t := range d.targets {
		if t.spec.role == roleEvent {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return 0
}

// connect opens a conversation with a target once its name is resolved.
func (g *generator) connect(d *device, ti, exchanges int32, persistent bool) {
	if !d.up || int(ti) >= len(d.targets) {
		return
	}
	t := &d.targets[ti]
	if !g.ensureResolved(d, t.domain, t.spec.v6 || d.kind == kindVoice || d.kind == kindPhone,
		tConnect, uint32(ti), uint32(exchanges), boolBit(persistent)) {
		return
	}
	dst := g.cachedAddress(d, t.domain, t.spec.v6)
	fi := g.openFlow(flowOpen{dev: d, target: ti, app: t.spec.app, dst: dst, v6: t.spec.v6, port: t.spec.port,
		persistent: persistent, exchanges: exchanges})
	if t.server < 0 {
		g.flows[fi].rtt = g.between(15*msec, 60*msec)
	}
	if persistent {
		d.control = fi
		d.ctlPort = g.flows[fi].cport
	}
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
