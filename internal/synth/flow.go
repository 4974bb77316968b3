package synth

import "encoding/binary"

// msgKind says how a message's bytes are produced.
type msgKind uint8

const (
	msgBlob     msgKind = iota // a precomputed template (handshake flights)
	msgTLSData                 // TLS application-data records
	msgQUICData                // QUIC 1-RTT short-header packets
	msgDynamic                 // a small application message built at send time
)

// message is one application-level message of a conversation; TCP
// segments it at the MSS, QUIC at the datagram size.
type message struct {
	fromServer bool
	kind       msgKind
	ref        int32 // blob index or dynamic kind
	size       int32 // total bytes; dynamic messages learn it when built
}

// flowState is where a conversation's state machine stands.
type flowState uint8

const (
	stSyn flowState = iota
	stSynAck
	stAck
	stData
	stIdle
	stFin
	stFinAck
	stLastAck
	stQUICInitial
	stQUICServer
	stQUICClient
	stQUICClose
)

const (
	flowRing      = 8
	windowClient  = 64240
	windowServer  = 65535
	minChunk      = 32
	exBulk        = 0 // an event's request and response
	exHeartbeat   = 1 // a keep-alive sized exchange
	exDownlink    = 2 // the server pushes, the device answers
	synOptionsLen = 8
)

// flow is one TCP connection or QUIC connection. Messages alternate between
// the sides; each segment schedules the receiver's ACKs as separate tasks so
// data and ACKs interleave as a capture point beside the device sees them.
type flow struct {
	live       bool
	quic       bool
	persistent bool
	app        appKind
	state      flowState
	dev        int32 // client device
	peer       int32 // LAN server device, -1 for the Internet
	target     int32 // index into the client's targets, -1 for LAN flows
	server     int32 // tlsServer, -1 when not TLS/QUIC
	variant    int32
	up, down   path
	cport      uint16
	sport      uint16
	cseq, sseq uint32
	rtt        int64
	paceUp     int64 // time per full-size client segment
	paceDown   int64 // time per full-size server segment
	quietAt    int64 // when the last scheduled ACK has been sent
	msgs       [flowRing]message
	head       int
	count      int
	sent       int32 // bytes of the head message already sent
	segs       int32 // segments of the head message already sent
	exchanges  int32 // bulk exchanges still to run before closing
}

// push appends a message to the flow's ring; it reports false when full.
func (f *flow) push(m message) bool {
	if f.count == flowRing {
		return false
	}
	f.msgs[(f.head+f.count)%flowRing] = m
	f.count++
	return true
}

func (f *flow) pop() {
	f.head = (f.head + 1) % flowRing
	f.count--
	f.sent, f.segs = 0, 0
}

func (g *generator) allocFlow() int32 {
	if n := len(g.free); n > 0 {
		fi := g.free[n-1]
		g.free = g.free[:n-1]
		return fi
	}
	g.flows = append(g.flows, flow{})
	return int32(len(g.flows) - 1)
}

func (g *generator) freeFlow(fi int32) {
	g.flows[fi].live = false
	g.free = append(g.free, fi)
}

// flowOpen describes a new conversation.
type flowOpen struct {
	dev        *device
	target     int32 // client target, -1 for LAN
	peer       *device
	app        appKind
	dst        [16]byte
	v6         bool
	port       uint16
	persistent bool
	exchanges  int32
	delay      int64 // before the first packet
}

// openFlow creates a flow and schedules its first packet now.
func (g *generator) openFlow(o flowOpen) int32 {
	fi := g.allocFlow()
	d := o.dev
	f := flow{live: true, persistent: o.persistent, app: o.app, dev: d.idx, peer: -1, target: o.target,
		server: -1, cport: d.ephemeralPort(), sport: o.port, exchanges: o.exchanges}
	f.up = path{srcMAC: d.mac, dstMAC: g.gw.mac, src: d.ip4, dst: o.dst, v6: o.v6, ttl: 64}
	if o.v6 {
		f.up.src = d.temp6
	}
	downTTL := uint8(44 + g.rng.IntN(12))
	f.rtt = 20 * msec
	if o.peer != nil {
		f.peer = o.peer.idx
		f.up.dstMAC = o.peer.mac
		downTTL = 64
		f.rtt = g.between(1*msec, 5*msec)
	}
	f.down = f.up.reversed(downTTL)
	if o.target >= 0 {
		t := &d.targets[o.target]
		f.server = t.server
		if t.server >= 0 {
			f.rtt = g.servers[t.server].rtt + g.between(0, 3*msec)
		}
	}
	f.cseq = g.rng.Uint32()
	f.sseq = g.rng.Uint32()
	f.paceUp = g.between(2500*usec, 3500*usec)
	f.paceDown = g.between(500*usec, 1200*usec)
	f.state = stSyn
	if o.app == appQUIC {
		f.quic = true
		f.state = stQUICInitial
		// Round-robin keeps reuse of a handshake's connection IDs as rare
		// as possible.
		s := &g.servers[f.server]
		f.variant = s.next
		s.next = (s.next + 1) % quicVariants
	}
	g.openingMessages(&f, d, o.target)
	g.flows[fi] = f
	g.after(o.delay, tFlowStep, d.idx, uint32(fi), 0, 0)
	return fi
}

// openingMessages queues what the conversation starts with.
func (g *generator) openingMessages(f *flow, d *device, ti int32) {
	switch f.app {
	case appTLS:
		s := &g.servers[f.server]
		f.push(message{kind: msgBlob, ref: d.targets[ti].hello})
		f.push(message{fromServer: true, kind: msgBlob, ref: s.flight})
		f.push(message{kind: msgBlob, ref: s.clientFin})
		f.push(message{fromServer: true, kind: msgBlob, ref: s.serverFin})
	case appMQTT:
		f.push(message{kind: msgDynamic, ref: dynMQTTConnect})
		f.push(message{fromServer: true, kind: msgDynamic, ref: dynMQTTConnAck})
		f.push(message{kind: msgDynamic, ref: dynMQTTSubscribe})
		f.push(message{fromServer: true, kind: msgDynamic, ref: dynMQTTSubAck})
	}
}

// pushExchange queues one request/response pair of the given flavour.
func (g *generator) pushExchange(f *flow, flavour int) {
	switch f.app {
	case appTLS, appQUIC:
		kind := msgTLSData
		if f.quic {
			kind = msgQUICData
		}
		up, down := g.exchangeSizes(f, flavour)
		if flavour == exDownlink {
			f.push(message{fromServer: true, kind: kind, size: down})
			f.push(message{kind: kind, size: up})
			return
		}
		f.push(message{kind: kind, size: up})
		f.push(message{fromServer: true, kind: kind, size: down})
	case appMQTT:
		switch {
		case flavour == exDownlink:
			f.push(message{fromServer: true, kind: msgDynamic, ref: dynMQTTPublishDown})
			f.push(message{kind: msgDynamic, ref: dynMQTTPublishUp})
		case g.devs[f.dev].beats%3 == 0:
			f.push(message{kind: msgDynamic, ref: dynMQTTPublishUp})
		default:
			f.push(message{kind: msgDynamic, ref: dynMQTTPingReq})
			f.push(message{fromServer: true, kind: msgDynamic, ref: dynMQTTPingResp})
		}
	case appHTTP:
		if f.peer >= 0 {
			f.push(message{kind: msgDynamic, ref: dynHTTPStatusGet})
			f.push(message{fromServer: true, kind: msgDynamic, ref: dynHTTPStatusResp})
			return
		}
		f.push(message{kind: msgDynamic, ref: dynHTTPConnCheck})
		f.push(message{fromServer: true, kind: msgDynamic, ref: dynHTTP204})
	case appKasaLocal:
		f.push(message{kind: msgDynamic, ref: dynKasaGet})
		f.push(message{fromServer: true, kind: msgDynamic, ref: dynKasaInfo})
	case appTuyaLocal:
		f.push(message{kind: msgDynamic, ref: dynTuyaQuery})
		f.push(message{fromServer: true, kind: msgDynamic, ref: dynTuyaStatus})
	}
}

// exchangeSizes draws request and response sizes for a TLS/QUIC exchange.
func (g *generator) exchangeSizes(f *flow, flavour int) (up, down int32) {
	if flavour == exBulk && f.target >= 0 {
		spec := g.devs[f.dev].targets[f.target].spec
		if spec.up[1] > 0 {
			return int32(g.between(int64(spec.up[0]), int64(spec.up[1]))),
				int32(g.between(int64(spec.down[0]), int64(spec.down[1])))
		}
	}
	return int32(g.between(60, 400)), int32(g.between(40, 300))
}

// kickFlow adds an exchange to an idle long-lived flow. A busy flow is
// left alone: it is already talking.
func (g *generator) kickFlow(fi int32, flavour int) {
	if fi < 0 {
		return
	}
	f := &g.flows[fi]
	if !f.live || f.state != stIdle {
		return
	}
	g.pushExchange(f, flavour)
	f.state = stData
	g.schedule(max(g.now, f.quietAt), tFlowStep, f.dev, uint32(fi), 0, 0)
}

// stepFlow sends the flow's next packet and schedules the one after.
func (g *generator) stepFlow(fi int32) {
	f := &g.flows[fi]
	if !f.live {
		return
	}
	switch f.state {
	case stSyn:
		g.putSynOptions(&f.up)
		g.tcpSend(f, false, tcpSyn, synOptionsLen, 0)
		f.cseq++
		f.state = stSynAck
		g.after(f.rtt, tFlowStep, f.dev, uint32(fi), 0, 0)
	case stSynAck:
		g.putSynOptions(&f.down)
		g.tcpSend(f, true, tcpSyn|tcpAck, synOptionsLen, 0)
		f.sseq++
		f.state = stAck
		g.after(g.between(80*usec, 400*usec), tFlowStep, f.dev, uint32(fi), 0, 0)
	case stAck:
		g.tcpSend(f, false, tcpAck, 0, 0)
		g.afterHandshake(fi, f)
	case stQUICInitial, stQUICServer, stQUICClient:
		g.stepQUICHandshake(fi, f)
	case stData:
		g.stepData(fi, f)
	case stFin:
		g.tcpSend(f, false, tcpFin|tcpAck, 0, 0)
		f.cseq++
		f.state = stFinAck
		g.after(f.rtt, tFlowStep, f.dev, uint32(fi), 0, 0)
	case stFinAck:
		g.tcpSend(f, true, tcpFin|tcpAck, 0, 0)
		f.sseq++
		f.state = stLastAck
		g.after(g.between(50*usec, 300*usec), tFlowStep, f.dev, uint32(fi), 0, 0)
	case stLastAck:
		g.tcpSend(f, false, tcpAck, 0, 0)
		g.freeFlow(fi)
	case stQUICClose:
		p := &f.up
		n := int(g.between(36, 48))
		g.writeShortPacket(g.udpPayload(p), g.servers[f.server].variants[f.variant].serverCID, n)
		g.sendUDP(p, f.cport, f.sport, n)
		g.freeFlow(fi)
	}
}

// afterHandshake starts sending data, or idles a long-lived flow that has
// nothing to say yet.
func (g *generator) afterHandshake(fi int32, f *flow) {
	if f.count == 0 && f.exchanges > 0 {
		f.exchanges--
		g.pushExchange(f, exBulk)
	}
	if f.count == 0 {
		f.state = stIdle
		f.quietAt = g.now
		return
	}
	f.state = stData
	g.after(g.between(20*usec, 120*usec), tFlowStep, f.dev, uint32(fi), 0, 0)
}

// stepQUICHandshake sends the three precomputed handshake datagrams.
func (g *generator) stepQUICHandshake(fi int32, f *flow) {
	v := &g.servers[f.server].variants[f.variant]
	switch f.state {
	case stQUICInitial:
		g.servers[f.server].used = true
		g.sendDatagram(&f.up, f.cport, f.sport, v.clientInitial)
		f.state = stQUICServer
		g.after(f.rtt, tFlowStep, f.dev, uint32(fi), 0, 0)
	case stQUICServer:
		g.sendDatagram(&f.down, f.sport, f.cport, v.serverFlight)
		f.state = stQUICClient
		g.after(g.between(300*usec, 2*msec), tFlowStep, f.dev, uint32(fi), 0, 0)
	case stQUICClient:
		g.sendDatagram(&f.up, f.cport, f.sport, v.clientFlight)
		g.afterHandshake(fi, f)
	}
}

// sendDatagram sends a precomputed UDP payload.
func (g *generator) sendDatagram(p *path, sport, dport uint16, payload []byte) {
	n := copy(g.udpPayload(p), payload)
	g.sendUDP(p, sport, dport, n)
}

// putSynOptions writes MSS, NOP, NOP, SACK-permitted after the TCP header.
func (g *generator) putSynOptions(p *path) {
	o := g.tcpPayload(p, 0)[:synOptionsLen]
	mss := uint16(mss4)
	if p.v6 {
		mss = mss6
	}
	o[0], o[1] = 2, 4
	binary.BigEndian.PutUint16(o[2:], mss)
	o[4], o[5], o[6], o[7] = 1, 1, 4, 2
}

// tcpSend sends a segment from one side with the flow's current numbers.
func (g *generator) tcpSend(f *flow, fromServer bool, flags uint8, optLen, n int) {
	s := tcpSegment{sport: f.cport, dport: f.sport, seq: f.cseq, ack: f.sseq, flags: flags, window: windowClient, optLen: optLen}
	p := &f.up
	if fromServer {
		s = tcpSegment{sport: f.sport, dport: f.cport, seq: f.sseq, ack: f.cseq, flags: flags, window: windowServer, optLen: optLen}
		p = &f.down
	}
	if flags&tcpAck == 0 {
		s.ack = 0
	}
	g.sendTCP(p, s, n)
}

// ackDelay is how long after a segment the capture point sees the
// receiver's ACK: a full round trip for the server, a moment for the device.
func (g *generator) ackDelay(f *flow, serverReceives bool) int64 {
	if serverReceives {
		return f.rtt + g.between(0, 200*usec)
	}
	return g.between(40*usec, 200*usec)
}

// reactDelay is how long after a message the receiver's answer appears.
func (g *generator) reactDelay(f *flow, serverReceives bool) int64 {
	if serverReceives {
		return f.rtt + g.between(300*usec, 8*msec)
	}
	return g.between(200*usec, 3*msec)
}

// stepData sends one segment (or datagram) of the head message.
func (g *generator) stepData(fi int32, f *flow) {
	m := &f.msgs[f.head]
	from := m.fromServer
	p := &f.up
	if from {
		p = &f.down
	}
	var dst []byte
	limit := mss4
	switch {
	case f.quic:
		limit = quicMaxPayload
		if p.v6 {
			limit -= 20
		}
		dst = g.udpPayload(p)[:limit]
	default:
		if p.v6 {
			limit = mss6
		}
		dst = g.tcpPayload(p, 0)[:limit]
	}
	if f.server >= 0 && !from && m.kind == msgBlob {
		g.servers[f.server].used = true // the ClientHello goes out
	}
	n := g.writeChunk(f, m, dst)
	f.sent += int32(n)
	f.segs++
	last := f.sent >= m.size
	if f.quic {
		sport, dport := f.cport, f.sport
		if from {
			sport, dport = dport, sport
		}
		g.sendUDP(p, sport, dport, n)
	} else {
		flags := uint8(tcpAck)
		if last {
			flags |= tcpPsh
		}
		g.tcpSend(f, from, flags, 0, n)
		if from {
			f.sseq += uint32(n)
		} else {
			f.cseq += uint32(n)
		}
	}
	g.afterSegment(fi, f, from, n, last, limit)
}

// afterSegment schedules the receiver's ACK and the flow's next step.
func (g *generator) afterSegment(fi int32, f *flow, from bool, n int, last bool, limit int) {
	serverReceives := !from
	if last {
		f.pop()
		if f.count == 0 && f.exchanges > 0 {
			f.exchanges--
			g.pushExchange(f, exBulk)
		}
	}
	answerNext := last && f.count > 0 && f.msgs[f.head].fromServer != from
	ackAt := g.now + g.ackDelay(f, serverReceives)
	if f.segs%2 == 0 && !last || last && !answerNext {
		g.scheduleAck(fi, f, !from, ackAt)
		f.quietAt = ackAt + usec
	}
	switch {
	case !last:
		pace := f.paceUp
		if from {
			pace = f.paceDown
		}
		g.after(max(20*usec, pace*int64(n)/int64(limit)), tFlowStep, f.dev, uint32(fi), 0, 0)
	case answerNext:
		g.after(g.reactDelay(f, serverReceives), tFlowStep, f.dev, uint32(fi), 0, 0)
	case f.count > 0:
		g.after(g.between(20*usec, 200*usec), tFlowStep, f.dev, uint32(fi), 0, 0)
	case f.persistent:
		f.state = stIdle
	default:
		f.state = stFin
		if f.quic {
			f.state = stQUICClose
		}
		g.schedule(f.quietAt+g.between(200*usec, 3*msec), tFlowStep, f.dev, uint32(fi), 0, 0)
	}
}

// scheduleAck queues a pure ACK from the receiving side. For TCP the ACK
// number is fixed now; QUIC ACKs are short packets of random content.
func (g *generator) scheduleAck(fi int32, f *flow, fromServer bool, at int64) {
	side := uint32(0)
	if fromServer {
		side = 1
	}
	ack := f.cseq
	if !fromServer {
		ack = f.sseq
	}
	g.schedule(at, tAck, f.dev, uint32(fi), side, uint64(ack))
}

// sendAck sends a scheduled pure ACK.
func (g *generator) sendAck(fi int32, fromServer bool, ack uint32) {
	f := &g.flows[fi]
	if !f.live {
		return
	}
	p := &f.up
	sport, dport := f.cport, f.sport
	if fromServer {
		p = &f.down
		sport, dport = dport, sport
	}
	if f.quic {
		v := &g.servers[f.server].variants[f.variant]
		dcid := v.serverCID
		if fromServer {
			dcid = v.clientCID
		}
		n := int(g.between(30, 45))
		g.writeShortPacket(g.udpPayload(p), dcid, n)
		g.sendUDP(p, sport, dport, n)
		return
	}
	s := tcpSegment{sport: sport, dport: dport, seq: f.cseq, ack: ack, flags: tcpAck, window: windowClient}
	if fromServer {
		s.seq, s.window = f.sseq, windowServer
	}
	g.sendTCP(p, s, 0)
}

// writeChunk writes the next piece of m (at most len(dst) bytes) and
// returns its length.
func (g *generator) writeChunk(f *flow, m *message, dst []byte) int {
	switch m.kind {
	case msgBlob:
		b := &g.blobs[m.ref]
		m.size = int32(len(b.data))
		from := int(f.sent)
		n := copy(dst, b.data[from:])
		for _, s := range b.refresh {
			lo, hi := max(int(s.off), from), min(int(s.off+s.n), from+n)
			if lo < hi {
				g.fillPool(dst[lo-from : hi-from])
			}
		}
		return n
	case msgTLSData:
		n := g.chunkLen(m.size-f.sent, len(dst))
		dst[0], dst[1], dst[2] = recordAppData, 3, 3
		binary.BigEndian.PutUint16(dst[3:], uint16(n-5))
		g.fillPool(dst[5:n])
		return n
	case msgQUICData:
		n := g.chunkLen(m.size-f.sent, len(dst))
		v := &g.servers[f.server].variants[f.variant]
		dcid := v.serverCID
		if m.fromServer {
			dcid = v.clientCID
		}
		g.writeShortPacket(dst, dcid, n)
		return n
	default:
		n := g.buildDynamic(f, m.ref, dst)
		m.size = int32(n)
		return n
	}
}

// chunkLen picks the next piece's length so that no piece is shorter than
// minChunk (a record or packet needs room for its header).
func (g *generator) chunkLen(remaining int32, limit int) int {
	n := min(int(remaining), limit)
	if rest := int(remaining) - n; rest > 0 && rest < minChunk {
		n -= minChunk
	}
	return max(n, minChunk)
}
