// Package summary is the per-device traffic summary (iotlens summary):
// packets and bytes sent (Ethernet source) and received (Ethernet
// destination), first/last seen, LAN versus WAN bytes and the protocol mix.
//
// The pass keeps counters per MAC address and per local IP address (for
// captures without link headers, and IP-only inventories); devices are
// attached to those counters after the pass, so the aggregate stays small and
// mergeable.
package summary

import (
	"net/netip"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/hotmap"
	"github.com/iotlens/iotlens/internal/proto"
)

// Name is the analysis name.
const Name = "summary"

// Analysis counts traffic per MAC and per local IP.
type Analysis struct{}

// Name implements engine.Analysis.
func (Analysis) Name() string { return Name }

// Needs implements engine.Analysis: only ports and addresses.
func (Analysis) Needs() engine.Needs { return 0 }

// NewPartial implements engine.Analysis.
func (Analysis) NewPartial(engine.FileInfo) engine.Partial {
	return &Partial{}
}

// Counters is the traffic of one MAC or IP address.
type Counters struct {
	TxPackets, TxBytes int64
	RxPackets, RxBytes int64
	LANBytes, WANBytes int64 // bytes sent or received, by where the other end is
	First, Last        int64 // Unix ns
	// Protos in first-seen order. A host speaks a handful of protocols, so
	// a linear scan beats a map on the per-packet path.
	Protos []ProtoCount
}

// ProtoCount is the traffic of one protocol.
type ProtoCount struct {
	Proto          proto.Proto
	Packets, Bytes int64
}

// Partial is the per-file aggregate.
type Partial struct {
	MACs hotmap.Map[decode.MAC, Counters]
	IPs  hotmap.Map[netip.Addr, Counters] // LAN-side addresses only (bounded by the LAN)
}

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	pk := ev.Packet
	n := int64(ev.Frame.WireLen)
	t := ev.Frame.Time
	lan := ev.LAN()
	if pk.HasSrcMAC {
		p.macCounters(pk.SrcMAC).add(t, n, true, lan, ev.Proto)
	}
	if pk.HasDstMAC {
		p.macCounters(pk.DstMAC).add(t, n, false, lan, ev.Proto)
	}
	if pk.IsIP() {
		if ev.SrcLocal {
			p.ipCounters(pk.SrcIP).add(t, n, true, lan, ev.Proto)
		}
		if ev.DstLocal && pk.DstIP != pk.SrcIP {
			p.ipCounters(pk.DstIP).add(t, n, false, lan, ev.Proto)
		}
	}
}

func (p *Partial) macCounters(m decode.MAC) *Counters { return p.MACs.Get(m) }

func (p *Partial) ipCounters(ip netip.Addr) *Counters { return p.IPs.Get(ip) }

func (c *Counters) add(t, n int64, tx, lan bool, pr proto.Proto) {
	if tx {
		c.TxPackets++
		c.TxBytes += n
	} else {
		c.RxPackets++
		c.RxBytes += n
	}
	if lan {
		c.LANBytes += n
	} else {
		c.WANBytes += n
	}
	if c.First == 0 || t < c.First {
		c.First = t
	}
	if t > c.Last {
		c.Last = t
	}
	pc := c.proto(pr)
	pc.Packets++
	pc.Bytes += n
}

func (c *Counters) proto(pr proto.Proto) *ProtoCount {
	for i := range c.Protos {
		if c.Protos[i].Proto == pr {
			return &c.Protos[i]
		}
	}
	c.Protos = append(c.Protos, ProtoCount{Proto: pr})
	return &c.Protos[len(c.Protos)-1]
}

// Merge implements engine.Partial.
func (p *Partial) Merge(next engine.Partial) {
	o := next.(*Partial)
	for m, c := range o.MACs.M {
		p.macCounters(m).merge(c)
	}
	for ip, c := range o.IPs.M {
		p.ipCounters(ip).merge(c)
	}
}

func (c *Counters) merge(o *Counters) {
	c.TxPackets += o.TxPackets
	c.TxBytes += o.TxBytes
	c.RxPackets += o.RxPackets
	c.RxBytes += o.RxBytes
	c.LANBytes += o.LANBytes
	c.WANBytes += o.WANBytes
	if o.First != 0 && (c.First == 0 || o.First < c.First) {
		c.First = o.First
	}
	if o.Last > c.Last {
		c.Last = o.Last
	}
	for _, pc := range o.Protos {
		mine := c.proto(pc.Proto)
		mine.Packets += pc.Packets
		mine.Bytes += pc.Bytes
	}
}
