package passive

import (
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/hotmap"
	"github.com/iotlens/iotlens/internal/proto"
)

// Name is the analysis name.
const Name = "passive"

// Analysis counts, per device MAC, traffic per time interval (Volume) and
// per endpoint and protocol (Protocols). Both share one filter and one LAN
// decision per frame, so `iotlens passive` pays for them once.
type Analysis struct {
	Volume    bool
	Protocols bool
	// Interval is the volume bucket width in seconds (default 3600).
	Interval int64
	Filter   Filter
	Scope    Scoper
	// MACs, when not empty, restricts counting to these devices (the
	// inventory's); otherwise every unicast MAC is counted.
	MACs []decode.MAC
}

// Name implements engine.Analysis.
func (*Analysis) Name() string { return Name }

// Needs implements engine.Analysis: ports and addresses are enough.
func (*Analysis) Needs() engine.Needs { return 0 }

// NewPartial implements engine.Analysis.
func (a *Analysis) NewPartial(engine.FileInfo) engine.Partial {
	p := &Partial{cfg: a, filter: newFilterState(&a.Filter), intervalNs: 3600 * 1e9}
	if a.Interval > 0 {
		p.intervalNs = a.Interval * 1e9
	}
	for _, m := range a.MACs {
		p.Devices.Get(m)
	}
	return p
}

// Volume is the traffic of one device in one interval and scope. Frames
// counts a frame once even when the device is both its source and its
// destination; Tx is eth.src == MAC, Rx is eth.dst == MAC.
type Volume struct {
	Frames, Bytes     int64
	TxFrames, TxBytes int64
	RxFrames, RxBytes int64
}

func (v *Volume) add(o *Volume) {
	v.Frames += o.Frames
	v.Bytes += o.Bytes
	v.TxFrames += o.TxFrames
	v.TxBytes += o.TxBytes
	v.RxFrames += o.RxFrames
	v.RxBytes += o.RxBytes
}

// Bucket is one interval of one device, split by scope.
type Bucket struct{ LAN, WAN Volume }

// Endpoint kinds: what the Addr of an EndpointKey holds.
const (
	KindIPv4 uint8 = iota
	KindIPv6
	KindMAC // frames without IP: the peer's MAC address
	KindARP // ARP: the IPv4 address asked for or announced
)

// Transports of an EndpointKey.
const (
	TransportNone uint8 = iota
	TransportTCP
	TransportUDP
)

// EndpointKey identifies one (endpoint, transport, protocol, scope) of a
// device. It holds plain bytes so that the map hashes it as one block.
type EndpointKey struct {
	Addr      [16]byte
	Kind      uint8
	Transport uint8
	LAN       bool
	Proto     proto.Proto
}

// Traffic is what a device exchanged with one endpoint, from the device's
// point of view: Tx = sent by the device's MAC.
type Traffic struct {
	Packets, Bytes     int64
	TxPackets, TxBytes int64
	RxPackets, RxBytes int64
}

func (t *Traffic) add(o *Traffic) {
	t.Packets += o.Packets
	t.Bytes += o.Bytes
	t.TxPackets += o.TxPackets
	t.TxBytes += o.TxBytes
	t.RxPackets += o.RxPackets
	t.RxBytes += o.RxBytes
}

// DeviceAgg is the aggregate of one MAC.
type DeviceAgg struct {
	// Buckets by interval index: floor(Unix seconds / Interval). Keys are
	// absolute so that partials of different files merge by addition.
	Buckets   map[int64]*Bucket
	Endpoints hotmap.Map[EndpointKey, Traffic]

	lastIdx    int64 // one-entry cache: consecutive frames share a bucket
	lastBucket *Bucket
}

func (d *DeviceAgg) bucket(idx int64) *Bucket {
	if d.lastBucket != nil && d.lastIdx == idx {
		return d.lastBucket
	}
	b := d.Buckets[idx]
	if b == nil {
		if d.Buckets == nil {
			d.Buckets = make(map[int64]*Bucket)
		}
		b = &Bucket{}
		d.Buckets[idx] = b
	}
	d.lastIdx, d.lastBucket = idx, b
	return b
}

// Partial is the per-file (then merged) aggregate. Only Devices is state;
// the rest is configuration and per-file filter state.
type Partial struct {
	Devices hotmap.Map[decode.MAC, DeviceAgg]

	cfg        *Analysis
	filter     filterState
	intervalNs int64
}

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	if !p.filter.keep(ev) {
		return
	}
	pk := ev.Packet
	src, dst := p.device(pk.SrcMAC, pk.HasSrcMAC), p.device(pk.DstMAC, pk.HasDstMAC)
	if src == nil && dst == nil {
		return
	}
	f := frameFacts{n: int64(ev.Frame.WireLen), lan: p.cfg.Scope.IsLAN(ev)}
	if p.cfg.Volume {
		f.idx = floorDiv(ev.Frame.Time, p.intervalNs)
	}
	self := src != nil && src == dst
	if src != nil {
		p.count(src, ev, &f, true, false)
	}
	if dst != nil {
		p.count(dst, ev, &f, false, self)
	}
}

type frameFacts struct {
	n   int64
	lan bool
	idx int64
}

// device returns the aggregate of a MAC that is counted, or nil.
func (p *Partial) device(m decode.MAC, present bool) *DeviceAgg {
	if !present || m.IsGroup() {
		return nil
	}
	if len(p.cfg.MACs) > 0 {
		return p.Devices.Lookup(m)
	}
	return p.Devices.Get(m)
}

// count adds the frame to one side. self marks the receiving side of a
// frame the device sent to itself: counted as Rx but not as a second frame.
func (p *Partial) count(d *DeviceAgg, ev *engine.Event, f *frameFacts, tx, self bool) {
	if p.cfg.Volume {
		b := d.bucket(f.idx)
		v := &b.WAN
		if f.lan {
			v = &b.LAN
		}
		addVolume(v, f.n, tx, self)
	}
	if p.cfg.Protocols {
		key, ok := endpointKey(ev, tx, f.lan)
		if ok {
			addTraffic(d.Endpoints.Get(key), f.n, tx, self)
		}
	}
}

func addVolume(v *Volume, n int64, tx, self bool) {
	if !self {
		v.Frames++
		v.Bytes += n
	}
	if tx {
		v.TxFrames++
		v.TxBytes += n
	} else {
		v.RxFrames++
		v.RxBytes += n
	}
}

func addTraffic(t *Traffic, n int64, tx, self bool) {
	if !self {
		t.Packets++
		t.Bytes += n
	}
	if tx {
		t.TxPackets++
		t.TxBytes += n
	} else {
		t.RxPackets++
		t.RxBytes += n
	}
}

// endpointKey names the other end of the frame as seen from the device:
// the destination when the device sent it (tx), else the source. Frames
// without IP use the ARP protocol addresses, or the peer's MAC.
func endpointKey(ev *engine.Event, tx, lan bool) (EndpointKey, bool) {
	pk := ev.Packet
	k := EndpointKey{LAN: lan, Proto: ev.Proto}
	switch {
	case pk.IsIP():
		ip := pk.SrcIP
		if tx {
			ip = pk.DstIP
		}
		ip = ip.Unmap()
		k.Addr = ip.As16()
		k.Kind = KindIPv6
		if ip.Is4() {
			k.Kind = KindIPv4
		}
		switch pk.IPProto {
		case decode.ProtoTCP:
			k.Transport = TransportTCP
		case decode.ProtoUDP:
			k.Transport = TransportUDP
		}
	case pk.Layers&decode.LayerARP != 0 && pk.ARPSenderIP.Is4():
		ip := pk.ARPSenderIP
		if tx {
			ip = pk.ARPTargetIP
		}
		if !ip.IsValid() {
			return k, false
		}
		k.Addr, k.Kind = ip.Unmap().As16(), KindARP
	default:
		m, ok := pk.SrcMAC, pk.HasSrcMAC
		if tx {
			m, ok = pk.DstMAC, pk.HasDstMAC
		}
		if !ok {
			return k, false
		}
		copy(k.Addr[:], m[:])
		k.Kind = KindMAC
	}
	return k, true
}

// floorDiv is division rounding towards minus infinity (times before 1970
// still fall in the right bucket).
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Merge implements engine.Partial: counters add up.
func (p *Partial) Merge(next engine.Partial) {
	o := next.(*Partial)
	for m, od := range o.Devices.M {
		d := p.Devices.Get(m)
		for idx, ob := range od.Buckets {
			b := d.bucket(idx)
			b.LAN.add(&ob.LAN)
			b.WAN.add(&ob.WAN)
		}
		for k, t := range od.Endpoints.M {
			d.Endpoints.Get(k).add(t)
		}
	}
}
