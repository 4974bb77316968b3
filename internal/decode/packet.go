package decode

import (
	"net/netip"

	"github.com/iotlens/iotlens/internal/capture"
)

// MAC is an IEEE 802 MAC address.
type MAC [6]byte

// IP protocol numbers used across iotlens.
const (
	ProtoICMP   uint8 = 1
	ProtoIGMP   uint8 = 2
	ProtoTCP    uint8 = 6
	ProtoUDP    uint8 = 17
	ProtoICMPv6 uint8 = 58
)

// EtherTypes used across iotlens.
const (
	EtherTypeIPv4  uint16 = 0x0800
	EtherTypeARP   uint16 = 0x0806
	EtherTypeVLAN  uint16 = 0x8100
	EtherTypeQinQ  uint16 = 0x88a8
	EtherTypeIPv6  uint16 = 0x86dd
	EtherTypeEAPOL uint16 = 0x888e
)

// TCP flag bits (TCP header byte 13).
const (
	TCPFin uint8 = 0x01
	TCPSyn uint8 = 0x02
	TCPRst uint8 = 0x04
	TCPPsh uint8 = 0x08
	TCPAck uint8 = 0x10
)

// Layer is a bit set of the layers a Packet carries.
type Layer uint16

// Layers.
const (
	LayerEthernet Layer = 1 << iota // SrcMAC/DstMAC are valid
	LayerARP
	LayerIPv4
	LayerIPv6
	LayerTCP
	LayerUDP
	LayerICMP   // ICMPv4
	LayerICMPv6 // ICMPv6
	LayerIGMP
	LayerFragment // this frame carries an IP fragment (not the first, or not the whole datagram)
	LayerReassembled
)

// Packet is the decoded view of one frame. All slices alias the frame buffer
// (or the decoder's reassembly buffer) and are valid until the next Decode.
type Packet struct {
	Frame *capture.Frame // the frame this packet came from
	// Layers present, as a bit set.
	Layers Layer

	// Link layer. Set when Layers&LayerEthernet (SLL/SLL2 carry a source MAC
	// only: SrcMAC is set and HasDstMAC is false).
	SrcMAC, DstMAC MAC
	HasSrcMAC      bool
	HasDstMAC      bool
	VLANs          [4]uint16 // VLAN IDs outermost first (up to 4 kept)
	NumVLAN        int       // number of 802.1Q/802.1ad tags seen (may exceed 4)
	EtherType      uint16    // innermost EtherType (or SLL protocol); 0 when not Ethernet-like

	// ARP (Layers&LayerARP).
	ARPOp                    uint16
	ARPSenderMAC             MAC
	ARPSenderIP, ARPTargetIP netip.Addr
	ARPTargetMAC             MAC

	// Network layer (LayerIPv4 or LayerIPv6).
	SrcIP, DstIP netip.Addr
	IPProto      uint8  // transport protocol (after IPv6 extension headers)
	TTL          uint8  // TTL / hop limit
	IPID         uint32 // IPv4 ID or IPv6 fragment identification
	IPLen        int    // length of the IP datagram per its header (total length; IPv6: 40+payload length)
	FragOffset   int    // fragment offset in bytes (0 for the first fragment)
	MoreFrags    bool

	// Transport layer (LayerTCP/LayerUDP). Ports are 0 for later fragments.
	SrcPort, DstPort uint16
	TCPFlags         uint8
	Seq, Ack         uint32
	Window           uint16

	// ICMP/ICMPv6 type and code.
	ICMPType, ICMPCode uint8

	// Payload is the transport payload as captured (may be shorter than
	// PayloadLen when the capture was cut at a snaplen). For a reassembled
	// datagram it is the whole reassembled payload.
	Payload    []byte
	PayloadLen int // transport payload length according to the headers

	// Truncated is set when the captured bytes end before a header that the
	// packet's own headers announce (snaplen cut or corrupt length fields).
	Truncated bool
}

// Has reports whether all layers in l are present.
func (p *Packet) Has(l Layer) bool { return p.Layers&l == l }

// IsIP reports whether the packet carries IPv4 or IPv6.
func (p *Packet) IsIP() bool { return p.Layers&(LayerIPv4|LayerIPv6) != 0 }
