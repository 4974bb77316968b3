package decode

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/capture"
)

// Frame builders for hand-made test packets. Each returns fresh bytes.

var (
	macA = MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}
	macB = MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}
)

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func ether(dst, src MAC, etherType uint16, payload []byte) []byte {
	return cat(dst[:], src[:], be16(etherType), payload)
}

// vlanFrame builds an Ethernet frame with one tag per TPID (outermost
// first), carrying the VLAN IDs ids, then inner as the EtherType.
func vlanFrame(tpids, ids []uint16, inner uint16, payload []byte) []byte {
	var body []byte
	for i, id := range ids {
		next := inner
		if i+1 < len(tpids) {
			next = tpids[i+1]
		}
		body = cat(body, be16(id&0x0fff), be16(next))
	}
	return ether(macB, macA, tpids[0], cat(body, payload))
}

type ipv4Header struct {
	src, dst   string
	proto      uint8
	id         uint16
	ttl        uint8
	options    []byte // padded by the caller to a multiple of 4
	moreFrags  bool
	fragOffset int // bytes, a multiple of 8
	totalLen   int // 0: computed
	ihlWords   int // 0: computed
}

func (h ipv4Header) build(payload []byte) []byte {
	headerLen := 20 + len(h.options)
	ihl := h.ihlWords
	if ihl == 0 {
		ihl = headerLen / 4
	}
	total := h.totalLen
	if total == 0 {
		total = headerLen + len(payload)
	}
	ttl := h.ttl
	if ttl == 0 {
		ttl = 64
	}
	flagsOffset := uint16(h.fragOffset / 8)
	if h.moreFrags {
		flagsOffset |= ipv4MoreFragments
	}
	src, dst := netip.MustParseAddr(h.src).As4(), netip.MustParseAddr(h.dst).As4()
	hdr := cat([]byte{0x40 | byte(ihl), 0}, be16(uint16(total)), be16(h.id), be16(flagsOffset),
		[]byte{ttl, h.proto}, be16(0), src[:], dst[:], h.options)
	return cat(hdr, payload)
}

// ipv6Packet builds a fixed IPv6 header; payload holds any extension headers.
func ipv6Packet(src, dst string, next uint8, payload []byte) []byte {
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	return cat([]byte{0x60, 0, 0, 0}, be16(uint16(len(payload))), []byte{next, 64}, s[:], d[:], payload)
}

// extHeader builds an IPv6 extension header of the 8-byte-unit kinds (or AH
// when ah is set) whose total length is units*8 bytes.
func extHeader(next uint8, units int, ah bool) []byte {
	h := make([]byte, units*8)
	h[0] = next
	if ah {
		h[1] = byte(units*2 - 2)
	} else {
		h[1] = byte(units - 1)
	}
	return h
}

func fragHeader(next uint8, offset int, more bool, id uint32) []byte {
	v := uint16(offset)
	if more {
		v |= 1
	}
	return cat([]byte{next, 0}, be16(v), be32(id))
}

func udp(src, dst uint16, payload []byte) []byte {
	return cat(be16(src), be16(dst), be16(uint16(8+len(payload))), be16(0), payload)
}

// udpWithLength writes an explicit (possibly lying) UDP length.
func udpWithLength(src, dst uint16, length uint16, payload []byte) []byte {
	return cat(be16(src), be16(dst), be16(length), be16(0), payload)
}

type tcpHeader struct {
	src, dst uint16
	seq, ack uint32
	flags    uint8
	window   uint16
	options  []byte // padded by the caller to a multiple of 4
	offset   int    // data offset in words; 0: computed
}

func (h tcpHeader) build(payload []byte) []byte {
	offset := h.offset
	if offset == 0 {
		offset = (20 + len(h.options)) / 4
	}
	return cat(be16(h.src), be16(h.dst), be32(h.seq), be32(h.ack), []byte{byte(offset << 4), h.flags},
		be16(h.window), be16(0), be16(0), h.options, payload)
}

func icmp(typ, code uint8, body []byte) []byte {
	return cat([]byte{typ, code, 0, 0}, body)
}

func arpEthIPv4(op uint16, senderMAC MAC, senderIP string, targetMAC MAC, targetIP string) []byte {
	s, t := netip.MustParseAddr(senderIP).As4(), netip.MustParseAddr(targetIP).As4()
	return cat(be16(1), be16(EtherTypeIPv4), []byte{6, 4}, be16(op), senderMAC[:], s[:], targetMAC[:], t[:])
}

func sllHeader(arphrd uint16, addr []byte, protocol uint16) []byte {
	var a [8]byte
	copy(a[:], addr)
	return cat(be16(0), be16(arphrd), be16(uint16(len(addr))), a[:], be16(protocol))
}

func sll2Header(protocol, arphrd uint16, addr []byte) []byte {
	var a [8]byte
	copy(a[:], addr)
	return cat(be16(protocol), be16(0), be32(3), be16(arphrd), []byte{0, byte(len(addr))}, a[:])
}

// nflogTLV builds one TLV, padded to 4 bytes.
func nflogTLV(typ uint16, value []byte) []byte {
	tlv := cat(le16(uint16(4+len(value))), le16(typ), value)
	for len(tlv)%4 != 0 {
		tlv = append(tlv, 0)
	}
	return tlv
}

func frame(link capture.LinkType, data []byte) *capture.Frame {
	return &capture.Frame{Data: data, WireLen: len(data), LinkType: link, Number: 1}
}

// summary is the subset of a Packet most tests compare in one go.
type summary struct {
	Layers             string
	EtherType          uint16
	VLANs              string
	SrcMAC, DstMAC     string
	Src, Dst           string
	IPProto            uint8
	SrcPort, DstPort   uint16
	ICMPType, ICMPCode uint8
	Payload            string
	PayloadLen         int
	Truncated          bool
}

func summarize(p *Packet) summary {
	s := summary{
		Layers:    layerList(p.Layers),
		EtherType: p.EtherType,
		IPProto:   p.IPProto,
		SrcPort:   p.SrcPort, DstPort: p.DstPort,
		ICMPType: p.ICMPType, ICMPCode: p.ICMPCode,
		Payload:    string(p.Payload),
		PayloadLen: p.PayloadLen,
		Truncated:  p.Truncated,
	}
	if p.NumVLAN > 0 {
		var ids []string
		for _, id := range p.VLANs[:min(p.NumVLAN, len(p.VLANs))] {
			ids = append(ids, strconv.Itoa(int(id)))
		}
		s.VLANs = strings.Join(ids, ",") + "/" + strconv.Itoa(p.NumVLAN)
	}
	if p.HasSrcMAC {
		s.SrcMAC = p.SrcMAC.String()
	}
	if p.HasDstMAC {
		s.DstMAC = p.DstMAC.String()
	}
	if p.IsIP() {
		s.Src, s.Dst = p.SrcIP.String(), p.DstIP.String()
	}
	return s
}

var layerNames = []struct {
	l    Layer
	name string
}{
	{LayerEthernet, "eth"}, {LayerARP, "arp"}, {LayerIPv4, "ip4"}, {LayerIPv6, "ip6"},
	{LayerTCP, "tcp"}, {LayerUDP, "udp"}, {LayerICMP, "icmp"}, {LayerICMPv6, "icmp6"},
	{LayerIGMP, "igmp"}, {LayerFragment, "frag"}, {LayerReassembled, "reasm"},
}

// layerList renders a layer set as "eth,ip4,udp" for readable test failures.
func layerList(l Layer) string {
	var names []string
	for _, ln := range layerNames {
		if l&ln.l != 0 {
			names = append(names, ln.name)
		}
	}
	return strings.Join(names, ",")
}
