package engine

import (
	"bytes"
	"errors"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dhcp"
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/dissect/http"
	"github.com/iotlens/iotlens/internal/dissect/quic"
	"github.com/iotlens/iotlens/internal/dissect/ssdp"
	"github.com/iotlens/iotlens/internal/dissect/tcpreasm"
	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/proto"
)

// Limits on per-connection reassembly: a ClientHello rarely exceeds 2 KB
// (post-quantum key shares push it past 1.5 KB; the largest fixture is
// 11.4 KB); a certificate chain fits in 64 KB.
const (
	helloLimit    = 16 << 10
	httpHeadLimit = 4 << 10
	serverLimit   = 64 << 10
	dnsTCPLimit   = 64 << 10
	flowIdle      = int64(120e9)
	maxFlows      = 1 << 16
	maxQUICConns  = 4096
	maxDNSPerPass = 64
)

// tcpState is what the engine keeps per TCP connection for the dissectors.
type tcpState struct {
	clientIsLo, clientKnown         bool
	hello, server, dnsC, dnsS, http *tcpreasm.Stream
	helloDone, serverDone, httpDone bool
	httpSeen                        bool // a request was read: look for the next one
}

// dissector runs the application-layer parsers one worker needs.
type dissector struct {
	needs Needs
	conns *flow.Table[tcpState]
	quic  *quic.Assembler
	dns   []*dns.Message
	ndns  int
	dhcp  dhcp.Message
	dhcp6 dhcp.V6Message
}

func newDissector(needs Needs) *dissector {
	return &dissector{
		needs: needs,
		conns: flow.NewTable[tcpState](flowIdle, maxFlows, nil),
		quic:  quic.NewAssembler(maxQUICConns),
	}
}

// run fills ev's fact fields from ev.Packet.
func (d *dissector) run(ev *Event) {
	d.ndns = 0
	p := ev.Packet
	switch {
	case p.Layers&decode.LayerUDP != 0:
		d.udp(ev, p)
	case p.Layers&decode.LayerTCP != 0:
		d.tcp(ev, p)
	}
}

func (d *dissector) udp(ev *Event, p *decode.Packet) {
	if p.Layers&decode.LayerFragment != 0 && p.Layers&decode.LayerReassembled == 0 {
		return // wait for the whole datagram
	}
	switch ev.Proto {
	case proto.DNS, proto.MDNS, proto.LLMNR:
		if d.needs&NeedDNS != 0 {
			d.parseDNS(ev, p.Payload)
		}
	case proto.DHCP:
		if d.needs&NeedDHCP != 0 && d.dhcp.Unpack(p.Payload) == nil {
			ev.DHCP = &d.dhcp
		}
	case proto.DHCPv6:
		if d.needs&NeedDHCP != 0 && d.dhcp6.Unpack(p.Payload) == nil {
			ev.DHCPv6 = &d.dhcp6
		}
	case proto.SSDP:
		if d.needs&NeedSSDP != 0 {
			if m, ok := ssdp.Parse(p.Payload); ok {
				ev.SSDP = &m
			}
		}
	case proto.QUIC:
		if d.needs&NeedClientHello != 0 {
			if ch, err := d.quic.Add(p.Payload, p.Frame.Time); err == nil && ch != nil {
				ev.ClientHello, ev.HelloOverQUIC = ch, true
			}
		}
	}
}

func (d *dissector) parseDNS(ev *Event, msg []byte) {
	if d.ndns >= maxDNSPerPass {
		return
	}
	if d.ndns == len(d.dns) {
		d.dns = append(d.dns, new(dns.Message))
	}
	m := d.dns[d.ndns]
	if err := m.Unpack(msg); err != nil && len(m.Questions) == 0 && len(m.Answers) == 0 {
		return
	}
	d.ndns++
	ev.DNS = append(ev.DNS, m)
}

func (d *dissector) tcp(ev *Event, p *decode.Packet) {
	wantDNS := d.needs&NeedDNS != 0 && ev.Proto == proto.DNS
	wantTLS := d.needs&(NeedClientHello|NeedServerFlight) != 0
	wantHTTP := d.needs&NeedHTTP != 0
	if !ev.HasFlow || !(wantDNS || wantTLS || wantHTTP) {
		return
	}
	syn := p.TCPFlags&decode.TCPSyn != 0
	if len(p.Payload) == 0 && !syn {
		return
	}
	st, _ := d.conns.Get(ev.Flow, p.Frame.Time)
	fromClient := d.direction(st, ev, p)
	switch {
	case wantDNS:
		d.dnsOverTCP(ev, st, fromClient, p, syn)
	case fromClient:
		if wantTLS {
			d.clientHello(ev, st, p, syn)
		}
		if wantHTTP {
			d.httpRequest(ev, st, p)
		}
	case d.needs&NeedServerFlight != 0:
		d.serverFlight(ev, st, p, syn)
	}
}

// httpRequest reads each request head of a connection, reassembled from
// its segments (clients often send "POST " in a segment of its own). A
// connection whose first bytes are not a request is never looked at again;
// after a request, the next client segment that starts with a method begins
// the next (keep-alive) request.
func (d *dissector) httpRequest(ev *Event, st *tcpState, p *decode.Packet) {
	if st.httpDone || len(p.Payload) == 0 {
		return
	}
	if st.http == nil {
		if sp := bytes.IndexByte(p.Payload, ' '); sp <= 0 || !http.IsMethod(p.Payload[:sp]) {
			st.httpDone = !st.httpSeen
			return
		}
		st.http = newStream(httpHeadLimit)
	}
	st.http.Add(p.Seq, false, p.Payload)
	head := st.http.Bytes()
	if !bytes.Contains(head, []byte("\r\n\r\n")) && !st.http.Full() {
		return
	}
	if r, ok := http.ParseRequest(head); ok {
		ev.HTTP = &r
	}
	st.httpSeen, st.http = true, nil
}

// direction decides whether p comes from the connection's client: the
// sender of a bare SYN, else the side on the higher (ephemeral) port.
func (d *dissector) direction(st *tcpState, ev *Event, p *decode.Packet) bool {
	if !st.clientKnown {
		switch {
		case p.TCPFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn:
			st.clientIsLo = ev.FromLo
		case p.TCPFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn|decode.TCPAck:
			st.clientIsLo = !ev.FromLo
		default:
			st.clientIsLo = (p.SrcPort > p.DstPort) == ev.FromLo
		}
		st.clientKnown = true
	}
	return ev.FromLo == st.clientIsLo
}

func newStream(limit int) *tcpreasm.Stream {
	s := new(tcpreasm.Stream)
	s.Init(limit)
	return s
}

func (d *dissector) clientHello(ev *Event, st *tcpState, p *decode.Packet, syn bool) {
	if st.helloDone || d.needs&NeedClientHello == 0 {
		return
	}
	if st.hello == nil {
		if !syn && (len(p.Payload) == 0 || p.Payload[0] != 0x16) {
			if len(p.Payload) > 0 {
				st.helloDone = true // not TLS
			}
			return
		}
		st.hello = newStream(helloLimit)
	}
	st.hello.Add(p.Seq, syn, p.Payload)
	ch, err := tls.ParseClientHello(st.hello.Bytes())
	switch {
	case err == nil:
		ev.ClientHello = ch
	case errors.Is(err, tls.ErrNeedMore) && !st.hello.Full():
		return
	}
	if len(st.hello.Bytes()) > 0 || err == nil {
		st.helloDone, st.hello = true, nil
	}
}

func (d *dissector) serverFlight(ev *Event, st *tcpState, p *decode.Packet, syn bool) {
	if st.serverDone {
		return
	}
	if st.server == nil {
		if !syn && (len(p.Payload) == 0 || p.Payload[0] != 0x16) {
			if len(p.Payload) > 0 {
				st.serverDone = true
			}
			return
		}
		st.server = newStream(serverLimit)
	}
	st.server.Add(p.Seq, syn, p.Payload)
	info, err := tls.ParseServerFlight(st.server.Bytes())
	switch {
	case err == nil:
		ev.Server = info
	case errors.Is(err, tls.ErrNeedMore) && !st.server.Full():
		return
	}
	if len(st.server.Bytes()) > 0 || err == nil {
		st.serverDone, st.server = true, nil
	}
}

func (d *dissector) dnsOverTCP(ev *Event, st *tcpState, fromClient bool, p *decode.Packet, syn bool) {
	sp := &st.dnsS
	if fromClient {
		sp = &st.dnsC
	}
	if *sp == nil {
		*sp = newStream(dnsTCPLimit)
	}
	s := *sp
	s.Add(p.Seq, syn, p.Payload)
	n := dns.SplitTCP(s.Bytes(), func(msg []byte) { d.parseDNS(ev, msg) })
	s.Skip(n)
}

// flush releases per-file state.
func (d *dissector) flush() { d.conns.Flush() }
