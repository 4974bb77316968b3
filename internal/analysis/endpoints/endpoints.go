package endpoints

import (
	"net/netip"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/hotmap"
	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/proto"
)

// Name is the analysis name.
const Name = "endpoints"

// Analysis counts, per LAN host and remote IP, the IP frames between them.
type Analysis struct {
	// Keep, when set, selects the frames that are counted (e.g. the
	// passive-mode seed's "filtered" preset); names and certificates are
	// learned from every frame. Nil counts every IP frame.
	Keep func(ev *engine.Event) bool
}

// Name implements engine.Analysis.
func (Analysis) Name() string { return Name }

// Needs implements engine.Analysis: names come from DNS, SNI, HTTP Host and
// server certificates.
func (Analysis) Needs() engine.Needs {
	return engine.NeedDNS | engine.NeedClientHello | engine.NeedServerFlight | engine.NeedHTTP
}

// NewPartial implements engine.Analysis.
func (a Analysis) NewPartial(engine.FileInfo) engine.Partial {
	return &Partial{LocalNames: map[netip.Addr]NameSeen{}, keep: a.Keep}
}

// Key identifies one (host, remote endpoint) pair. The host is a unicast MAC
// when the frame has one on that side, else its IP (raw-IP and SLL
// captures); Report attaches hosts to inventory devices.
type Key struct {
	MAC    decode.MAC
	ByIP   bool       // the host is identified by HostIP, not MAC
	HostIP netip.Addr // set only when ByIP
	Remote netip.Addr
}

// Traffic is counted from the host's (the device's) point of view: Tx are
// frames it sent to the endpoint, Rx frames it received from it.
type Traffic struct {
	TxPackets, TxBytes int64
	RxPackets, RxBytes int64
}

// Packets is Tx plus Rx packets.
func (t *Traffic) Packets() int64 { return t.TxPackets + t.RxPackets }

// Bytes is Tx plus Rx bytes.
func (t *Traffic) Bytes() int64 { return t.TxBytes + t.RxBytes }

func (t *Traffic) add(o *Traffic) {
	t.TxPackets += o.TxPackets
	t.TxBytes += o.TxBytes
	t.RxPackets += o.RxPackets
	t.RxBytes += o.RxBytes
}

// ProtoTraffic is the part of an endpoint's traffic in one protocol.
type ProtoTraffic struct {
	Proto proto.Proto
	Traffic
}

// NameSeen is one name the host learned for the endpoint; Sources is a bit
// set of names.Source values (1 << source).
type NameSeen struct {
	Name        string
	Sources     uint16
	First, Last int64
}

// Has reports whether the name was learned from source s.
func (n *NameSeen) Has(s names.Source) bool { return n.Sources&(1<<s) != 0 }

// Cert is the leaf certificate an endpoint presented (TLS <= 1.2 sends it in
// clear); the earliest one seen is kept.
type Cert struct {
	SubjectCN, SubjectOrg, SubjectCountry string
	IssuerCN, IssuerOrg                   string
	SANs                                  []string
	NotBefore, NotAfter                   int64 // Unix seconds; 0 when absent
	SHA256                                string
	Seen                                  int64 // when it was first seen (ns)
}

// Endpoint flags.
const (
	// FlagBroadcastMAC: the host sent frames for this endpoint to
	// ff:ff:ff:ff:ff:ff (IPv4 limited or directed broadcast).
	FlagBroadcastMAC uint8 = 1 << iota
	// FlagMulticastMAC: the host sent frames for it to a multicast MAC.
	FlagMulticastMAC
)

// Endpoint is the aggregate of one Key.
type Endpoint struct {
	Traffic
	First, Last int64 // first and last frame (ns); valid when Packets() > 0
	// Local is the engine's view of the remote address: on the LAN side
	// (private, link-local, ULA, multicast, broadcast).
	Local bool
	Flags uint8
	// Peer is the remote's MAC (the earliest seen; the gateway's for
	// Internet endpoints).
	Peer     decode.MAC
	PeerSeen int64
	HasPeer  bool
	Protos   []ProtoTraffic
	Names    []NameSeen
	Cert     *Cert

	protoIdx map[proto.Proto]int32 // index into Protos once it grows long
}

// maxNames bounds the names kept per (host, endpoint): an IoT device learns
// a handful per address; a browser can learn hundreds for one CDN address.
const maxNames = 256

// protoIndexAt is the Protos length above which lookups use protoIdx (a
// port scan gives one endpoint thousands of tcp:PORT protocols).
const protoIndexAt = 16

// Partial is the per-file (then merged) aggregate.
type Partial struct {
	Endpoints hotmap.Map[Key, Endpoint]
	// LocalNames are mDNS/LLMNR names by address (the earliest seen): they
	// name LAN endpoints in the tidy table.
	LocalNames map[netip.Addr]NameSeen

	keep func(ev *engine.Event) bool
}
