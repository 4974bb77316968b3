package endpoints

import (
	"bytes"
	"net/netip"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/proto"
)

var broadcastMAC = decode.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	if ev.Packet.IsIP() && (p.keep == nil || p.keep(ev)) {
		p.count(ev)
	}
	if len(ev.DNS) > 0 || ev.ClientHello != nil || ev.HTTP != nil || ev.Server != nil {
		names.Learn(ev, func(f names.Fact) { p.learn(ev, f) })
		if s := ev.Server; s != nil && len(s.Certificates) > 0 {
			p.noteCert(ev, &s.Certificates[0])
		}
	}
}

// count adds the frame to its sender's record (Tx, remote = destination IP)
// and to its receiver's (Rx, remote = source IP).
func (p *Partial) count(ev *engine.Event) {
	pk := ev.Packet
	t, n := ev.Frame.Time, int64(ev.Frame.WireLen)
	src, dst := pk.SrcIP.Unmap(), pk.DstIP.Unmap()
	if k, ok := senderKey(pk, src, dst); ok {
		e := p.Endpoints.Get(k)
		e.seen(t, ev.DstLocal)
		e.TxPackets++
		e.TxBytes += n
		pt := e.protoTraffic(ev.Proto)
		pt.TxPackets++
		pt.TxBytes += n
		switch {
		case !pk.HasDstMAC:
		case pk.DstMAC == broadcastMAC:
			e.Flags |= FlagBroadcastMAC
		case pk.DstMAC.IsGroup():
			e.Flags |= FlagMulticastMAC
		default:
			e.notePeer(pk.DstMAC, t)
		}
	}
	if k, ok := receiverKey(pk, src, dst); ok {
		e := p.Endpoints.Get(k)
		e.seen(t, ev.SrcLocal)
		e.RxPackets++
		e.RxBytes += n
		pt := e.protoTraffic(ev.Proto)
		pt.RxPackets++
		pt.RxBytes += n
		if pk.HasSrcMAC && !pk.SrcMAC.IsGroup() {
			e.notePeer(pk.SrcMAC, t)
		}
	}
}

// senderKey is the sender's record for a frame: its unicast MAC, else its
// IP. A group source MAC is invalid and counts for nobody.
func senderKey(pk *decode.Packet, src, dst netip.Addr) (Key, bool) {
	if pk.HasSrcMAC {
		return Key{MAC: pk.SrcMAC, Remote: dst}, !pk.SrcMAC.IsGroup()
	}
	return Key{ByIP: true, HostIP: src, Remote: dst}, hostIP(src)
}

// receiverKey is the receiver's record: frames to a multicast or broadcast
// address have no single receiver (tshark's eth.dst==MAC never matches them).
func receiverKey(pk *decode.Packet, src, dst netip.Addr) (Key, bool) {
	if pk.HasDstMAC {
		return Key{MAC: pk.DstMAC, Remote: src}, !pk.DstMAC.IsGroup()
	}
	return Key{ByIP: true, HostIP: dst, Remote: src}, hostIP(dst)
}

// hostIP reports whether ip can identify one host.
func hostIP(ip netip.Addr) bool {
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && ip != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

func (e *Endpoint) seen(t int64, local bool) {
	if e.Packets() == 0 {
		e.First, e.Last = t, t
	} else if t < e.First {
		e.First = t
	} else if t > e.Last {
		e.Last = t
	}
	e.Local = e.Local || local
}

// notePeer keeps the earliest remote MAC (ties: the smaller), so the result
// does not depend on the order partials are merged in.
func (e *Endpoint) notePeer(m decode.MAC, t int64) {
	if e.HasPeer && (m == e.Peer || t > e.PeerSeen || t == e.PeerSeen && bytes.Compare(m[:], e.Peer[:]) > 0) {
		return
	}
	e.Peer, e.PeerSeen, e.HasPeer = m, t, true
}

// protoTraffic returns the endpoint's counters for pr, creating them.
func (e *Endpoint) protoTraffic(pr proto.Proto) *Traffic {
	if e.protoIdx != nil {
		if i, ok := e.protoIdx[pr]; ok {
			return &e.Protos[i].Traffic
		}
	} else {
		for i := range e.Protos {
			if e.Protos[i].Proto == pr {
				return &e.Protos[i].Traffic
			}
		}
	}
	e.Protos = append(e.Protos, ProtoTraffic{Proto: pr})
	if len(e.Protos) > protoIndexAt {
		if e.protoIdx == nil {
			e.protoIdx = make(map[proto.Proto]int32, 2*len(e.Protos))
			for i := range e.Protos {
				e.protoIdx[e.Protos[i].Proto] = int32(i)
			}
		}
		e.protoIdx[pr] = int32(len(e.Protos) - 1)
	}
	return &e.Protos[len(e.Protos)-1].Traffic
}

// learn records a name for the host that learned it: the sender of a
// ClientHello or HTTP request, the receiver of a DNS answer or certificate.
// mDNS/LLMNR names describe their sender and go into LocalNames.
func (p *Partial) learn(ev *engine.Event, f names.Fact) {
	pk := ev.Packet
	src, dst := pk.SrcIP.Unmap(), pk.DstIP.Unmap()
	var k Key
	var ok bool
	switch f.Source {
	case names.SNI, names.QUIC, names.HTTP:
		k, ok = senderKey(pk, src, dst)
	case names.DNS, names.PTR, names.Cert:
		k, ok = receiverKey(pk, src, dst)
	case names.Local:
		p.addLocalName(f)
		return
	}
	if !ok || !f.IP.IsValid() || f.Name == "" {
		return
	}
	k.Remote = f.IP.Unmap()
	p.Endpoints.Get(k).addName(NameSeen{Name: f.Name, Sources: 1 << f.Source, First: f.Time, Last: f.Time})
}

func (p *Partial) addLocalName(f names.Fact) {
	ip := f.IP.Unmap()
	if !ip.IsValid() || f.Name == "" {
		return
	}
	cur, ok := p.LocalNames[ip]
	if ok && (cur.First < f.Time || cur.First == f.Time && cur.Name <= f.Name) {
		return
	}
	p.LocalNames[ip] = NameSeen{Name: strings.Clone(f.Name), Sources: 1 << names.Local, First: f.Time, Last: f.Time}
}

// addName folds one name in: sources are OR-ed, times widened.
func (e *Endpoint) addName(n NameSeen) {
	for i := range e.Names {
		cur := &e.Names[i]
		if cur.Name == n.Name {
			cur.Sources |= n.Sources
			cur.First = min(cur.First, n.First)
			cur.Last = max(cur.Last, n.Last)
			return
		}
	}
	if len(e.Names) >= maxNames {
		return
	}
	n.Name = strings.Clone(n.Name)
	e.Names = append(e.Names, n)
}

// noteCert keeps the server's leaf certificate on the client's record of the
// server (the earliest one; ties: the smaller SHA-256).
func (p *Partial) noteCert(ev *engine.Event, c *tls.Certificate) {
	pk := ev.Packet
	src, dst := pk.SrcIP.Unmap(), pk.DstIP.Unmap()
	k, ok := receiverKey(pk, src, dst)
	if !ok {
		return
	}
	e := p.Endpoints.Get(k)
	t := ev.Frame.Time
	if e.Cert != nil && (e.Cert.Seen < t || e.Cert.Seen == t && e.Cert.SHA256 <= c.SHA256) {
		return
	}
	e.Cert = copyCert(c, t)
}

func copyCert(c *tls.Certificate, t int64) *Cert {
	out := &Cert{
		SubjectCN: strings.Clone(c.SubjectCN), SubjectOrg: strings.Clone(c.SubjectOrg),
		SubjectCountry: strings.Clone(c.SubjectCountry), IssuerCN: strings.Clone(c.IssuerCN),
		IssuerOrg: strings.Clone(c.IssuerOrg), SHA256: strings.Clone(c.SHA256), Seen: t,
	}
	for i, s := range c.DNSNames {
		if i == maxNames {
			break
		}
		out.SANs = append(out.SANs, strings.Clone(s))
	}
	if !c.NotBefore.IsZero() {
		out.NotBefore = c.NotBefore.Unix()
	}
	if !c.NotAfter.IsZero() {
		out.NotAfter = c.NotAfter.Unix()
	}
	return out
}

// Merge implements engine.Partial: next covers the files after p's. Every
// field merges by sum, minimum, maximum or union, so the result does not
// depend on how files were grouped.
func (p *Partial) Merge(next engine.Partial) {
	o := next.(*Partial)
	for k, e := range o.Endpoints.M {
		if mine := p.Endpoints.Lookup(k); mine != nil {
			mine.merge(e)
		} else {
			p.Endpoints.Put(k, e)
		}
	}
	for ip, n := range o.LocalNames {
		p.addLocalName(names.Fact{IP: ip, Name: n.Name, Time: n.First})
	}
}

// merge folds o into e.
func (e *Endpoint) merge(o *Endpoint) {
	if o.Packets() > 0 {
		if e.Packets() == 0 {
			e.First, e.Last = o.First, o.Last
		} else {
			e.First, e.Last = min(e.First, o.First), max(e.Last, o.Last)
		}
	}
	e.Traffic.add(&o.Traffic)
	e.Local = e.Local || o.Local
	e.Flags |= o.Flags
	if o.HasPeer {
		e.notePeer(o.Peer, o.PeerSeen)
	}
	for i := range o.Protos {
		e.protoTraffic(o.Protos[i].Proto).add(&o.Protos[i].Traffic)
	}
	for _, n := range o.Names {
		e.addName(n)
	}
	if c := o.Cert; c != nil && (e.Cert == nil || c.Seen < e.Cert.Seen || c.Seen == e.Cert.Seen && c.SHA256 < e.Cert.SHA256) {
		e.Cert = c
	}
}
