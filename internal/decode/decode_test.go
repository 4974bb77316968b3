package decode

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

const (
	hostV4   = "192.168.1.10"
	serverV4 = "8.8.8.8"
	hostV6   = "fe80::1"
	serverV6 = "2001:db8::53"
)

var (
	udpHello  = udp(5353, 53, []byte("hello"))
	ipv4Hello = ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP}.build(udpHello)
	ipv6Hello = ipv6Packet(hostV6, serverV6, ProtoUDP, udpHello)

	macAString = macA.String()
	macBString = macB.String()
)

// wantHello is the summary of ipv4Hello or ipv6Hello behind a given link.
func wantHello(layers string, v6 bool) summary {
	s := summary{Layers: layers, Src: hostV4, Dst: serverV4, IPProto: ProtoUDP, SrcPort: 5353, DstPort: 53,
		Payload: "hello", PayloadLen: 5}
	if v6 {
		s.Src, s.Dst = hostV6, serverV6
	}
	return s
}

// withLink adds Ethernet-level fields to a summary.
func withLink(s summary, etherType uint16, vlans, src, dst string) summary {
	s.EtherType, s.VLANs, s.SrcMAC, s.DstMAC = etherType, vlans, src, dst
	return s
}

type decodeCase struct {
	name    string
	link    capture.LinkType
	data    []byte
	want    summary
	wantErr error
}

func runDecodeCases(t *testing.T, cases []decodeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DefaultOptions())
			var p Packet
			err := d.Decode(frame(tc.link, tc.data), &p)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not match ErrMalformed", err)
			}
			if got := summarize(&p); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeEthernetAndVLANs(t *testing.T) {
	padded := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP}.build(udp(5353, 53, []byte("hi")))
	padded = append(padded, make([]byte, 46-len(padded))...)
	wantHi := withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "", macAString, macBString)
	wantHi.Payload, wantHi.PayloadLen = "hi", 2
	q, ad, old := EtherTypeVLAN, EtherTypeQinQ, uint16(etherTypeVLAN9100)
	llcSNAP := func(etherType uint16) []byte { return cat([]byte{0xaa, 0xaa, 0x03, 0, 0, 0}, be16(etherType)) }

	runDecodeCases(t, []decodeCase{
		{name: "ipv4 udp", link: capture.LinkEthernet, data: ether(macB, macA, EtherTypeIPv4, ipv4Hello),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "", macAString, macBString)},
		{name: "ipv6 udp", link: capture.LinkEthernet, data: ether(macB, macA, EtherTypeIPv6, ipv6Hello),
			want: withLink(wantHello("eth,ip6,udp", true), EtherTypeIPv6, "", macAString, macBString)},
		{name: "padding cut by IPv4 total length", link: capture.LinkEthernet, data: ether(macB, macA, EtherTypeIPv4, padded),
			want: wantHi},
		{name: "802.1Q depth 1", link: capture.LinkEthernet,
			data: vlanFrame([]uint16{q}, []uint16{10}, EtherTypeIPv4, ipv4Hello),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "10/1", macAString, macBString)},
		{name: "QinQ 802.1ad+802.1Q depth 2", link: capture.LinkEthernet,
			data: vlanFrame([]uint16{ad, q}, []uint16{100, 200}, EtherTypeIPv6, ipv6Hello),
			want: withLink(wantHello("eth,ip6,udp", true), EtherTypeIPv6, "100,200/2", macAString, macBString)},
		{name: "0x9100 depth 3", link: capture.LinkEthernet,
			data: vlanFrame([]uint16{old, ad, q}, []uint16{7, 8, 9}, EtherTypeIPv4, ipv4Hello),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "7,8,9/3", macAString, macBString)},
		{name: "five tags keep four", link: capture.LinkEthernet,
			data: vlanFrame([]uint16{ad, q, q, q, q}, []uint16{1, 2, 3, 4, 5}, EtherTypeIPv4, ipv4Hello),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "1,2,3,4/5", macAString, macBString)},
		{name: "tag cut short", link: capture.LinkEthernet, data: ether(macB, macA, EtherTypeVLAN, be16(10)),
			want: summary{Layers: "eth", EtherType: EtherTypeVLAN, SrcMAC: macAString, DstMAC: macBString, Truncated: true}},
		{name: "ethernet header cut short", link: capture.LinkEthernet, data: macB[:],
			want: summary{Truncated: true}},
		{name: "802.3 LLC/SNAP zero OUI", link: capture.LinkEthernet,
			data: ether(macB, macA, uint16(8+len(ipv4Hello)), cat(llcSNAP(EtherTypeIPv4), ipv4Hello, make([]byte, 6))),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "", macAString, macBString)},
		{name: "802.3 LLC XID", link: capture.LinkEthernet,
			data: ether(macB, macA, 6, []byte{0x00, 0x01, 0xaf, 0x81, 0x01, 0x00}),
			want: summary{Layers: "eth", SrcMAC: macAString, DstMAC: macBString}},
		{name: "802.3 vendor SNAP", link: capture.LinkEthernet,
			data: ether(macB, macA, 10, cat([]byte{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c}, be16(0x2000), []byte{1, 2})),
			want: summary{Layers: "eth", SrcMAC: macAString, DstMAC: macBString}},
		{name: "802.3 inside VLAN", link: capture.LinkEthernet,
			data: vlanFrame([]uint16{q}, []uint16{5}, uint16(8+len(ipv4Hello)), cat(llcSNAP(EtherTypeIPv4), ipv4Hello)),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "5/1", macAString, macBString)},
		{name: "LLC cut short", link: capture.LinkEthernet, data: ether(macB, macA, 3, []byte{0xaa, 0xaa}),
			want: summary{Layers: "eth", SrcMAC: macAString, DstMAC: macBString, Truncated: true}},
		{name: "unknown EtherType LLDP", link: capture.LinkEthernet, data: ether(macB, macA, 0x88cc, []byte{1, 2, 3}),
			want: summary{Layers: "eth", EtherType: 0x88cc, SrcMAC: macAString, DstMAC: macBString}},
		{name: "EAPOL", link: capture.LinkEthernet, data: ether(macB, macA, EtherTypeEAPOL, []byte{1, 0, 0, 0}),
			want: summary{Layers: "eth", EtherType: EtherTypeEAPOL, SrcMAC: macAString, DstMAC: macBString}},
		{name: "ARP", link: capture.LinkEthernet,
			data: ether(macB, macA, EtherTypeARP, arpEthIPv4(1, macA, hostV4, MAC{}, serverV4)),
			want: summary{Layers: "eth,arp", EtherType: EtherTypeARP, SrcMAC: macAString, DstMAC: macBString}},
		{name: "ARP for another hardware type", link: capture.LinkEthernet,
			data: ether(macB, macA, EtherTypeARP, cat(be16(6), arpEthIPv4(1, macA, hostV4, MAC{}, serverV4)[2:])),
			want: summary{Layers: "eth", EtherType: EtherTypeARP, SrcMAC: macAString, DstMAC: macBString}},
		{name: "ARP cut short", link: capture.LinkEthernet,
			data: ether(macB, macA, EtherTypeARP, arpEthIPv4(1, macA, hostV4, MAC{}, serverV4)[:20]),
			want: summary{Layers: "eth", EtherType: EtherTypeARP, SrcMAC: macAString, DstMAC: macBString, Truncated: true}},
	})
}

func TestDecodeCookedAndOtherLinks(t *testing.T) {
	nflogPrefix := cat([]byte{afInet, 0}, be16(0), nflogTLV(1, cat(be16(EtherTypeIPv4), []byte{1, 0})), nflogTLV(10, []byte("http\x00")))
	wantSLL := func(s summary, etherType uint16) summary { return withLink(s, etherType, "", macAString, "") }

	runDecodeCases(t, []decodeCase{
		{name: "SLL ipv4", link: capture.LinkSLL, data: cat(sllHeader(arphrdEthernet, macA[:], EtherTypeIPv4), ipv4Hello),
			want: wantSLL(wantHello("eth,ip4,udp", false), EtherTypeIPv4)},
		{name: "SLL ARP", link: capture.LinkSLL,
			data: cat(sllHeader(arphrdEthernet, macA[:], EtherTypeARP), arpEthIPv4(2, macA, hostV4, macB, serverV4)),
			want: summary{Layers: "eth,arp", EtherType: EtherTypeARP, SrcMAC: macAString}},
		{name: "SLL loopback device has no MAC", link: capture.LinkSLL,
			data: cat(sllHeader(772, make([]byte, 6), EtherTypeIPv4), ipv4Hello),
			want: withLink(wantHello("ip4,udp", false), EtherTypeIPv4, "", "", "")},
		{name: "SLL tunnel with no address", link: capture.LinkSLL,
			data: cat(sllHeader(65534, nil, EtherTypeIPv6), ipv6Hello),
			want: withLink(wantHello("ip6,udp", true), EtherTypeIPv6, "", "", "")},
		{name: "SLL netlink", link: capture.LinkSLL, data: cat(sllHeader(arphrdNetlink, nil, 0), []byte{1, 2, 3, 4}),
			want: summary{}},
		{name: "SLL 802.2 LLC", link: capture.LinkSLL,
			data: cat(sllHeader(arphrdEthernet, macA[:], sllProtoLLC), []byte{0xaa, 0xaa, 0x03, 0, 0, 0}, be16(EtherTypeIPv4), ipv4Hello),
			want: wantSLL(wantHello("eth,ip4,udp", false), EtherTypeIPv4)},
		{name: "SLL VLAN", link: capture.LinkSLL,
			data: cat(sllHeader(arphrdEthernet, macA[:], EtherTypeVLAN), be16(42), be16(EtherTypeIPv4), ipv4Hello),
			want: withLink(wantHello("eth,ip4,udp", false), EtherTypeIPv4, "42/1", macAString, "")},
		{name: "SLL cut short", link: capture.LinkSLL, data: sllHeader(arphrdEthernet, macA[:], EtherTypeIPv4)[:10],
			want: summary{Truncated: true}},
		{name: "SLL2 ipv4", link: capture.LinkSLL2, data: cat(sll2Header(EtherTypeIPv4, arphrdEthernet, macA[:]), ipv4Hello),
			want: wantSLL(wantHello("eth,ip4,udp", false), EtherTypeIPv4)},
		{name: "SLL2 ipv6", link: capture.LinkSLL2, data: cat(sll2Header(EtherTypeIPv6, arphrdEthernet, macA[:]), ipv6Hello),
			want: wantSLL(wantHello("eth,ip6,udp", true), EtherTypeIPv6)},
		{name: "SLL2 ARP", link: capture.LinkSLL2,
			data: cat(sll2Header(EtherTypeARP, arphrdEthernet, macA[:]), arpEthIPv4(1, macA, hostV4, MAC{}, serverV4)),
			want: summary{Layers: "eth,arp", EtherType: EtherTypeARP, SrcMAC: macAString}},
		{name: "SLL2 cut short", link: capture.LinkSLL2, data: sll2Header(EtherTypeIPv4, arphrdEthernet, macA[:])[:19],
			want: summary{Truncated: true}},
		{name: "null little-endian AF_INET", link: capture.LinkNull, data: cat(le32(afInet), ipv4Hello),
			want: wantHello("ip4,udp", false)},
		{name: "null big-endian AF_INET", link: capture.LinkNull, data: cat(be32(afInet), ipv4Hello),
			want: wantHello("ip4,udp", false)},
		{name: "null little-endian AF_INET6 Darwin", link: capture.LinkNull, data: cat(le32(30), ipv6Hello),
			want: wantHello("ip6,udp", true)},
		{name: "null big-endian AF_INET6 OpenBSD", link: capture.LinkNull, data: cat(be32(24), ipv6Hello),
			want: wantHello("ip6,udp", true)},
		{name: "null little-endian AF_INET6 FreeBSD", link: capture.LinkNull, data: cat(le32(28), ipv6Hello),
			want: wantHello("ip6,udp", true)},
		{name: "null big-endian AF_INET6 Linux", link: capture.LinkNull, data: cat(be32(10), ipv6Hello),
			want: wantHello("ip6,udp", true)},
		{name: "null unknown family", link: capture.LinkNull, data: cat(le32(7), ipv4Hello), want: summary{}},
		{name: "null cut short", link: capture.LinkNull, data: []byte{2, 0}, want: summary{Truncated: true}},
		{name: "OpenBSD loop AF_INET", link: capture.LinkLoop, data: cat(be32(afInet), ipv4Hello),
			want: wantHello("ip4,udp", false)},
		{name: "OpenBSD loop AF_INET6", link: capture.LinkLoop, data: cat(be32(24), ipv6Hello),
			want: wantHello("ip6,udp", true)},
		{name: "OpenBSD loop cut short", link: capture.LinkLoop, data: []byte{0, 0}, want: summary{Truncated: true}},
		{name: "raw ipv4", link: capture.LinkRaw, data: ipv4Hello, want: wantHello("ip4,udp", false)},
		{name: "raw ipv6", link: capture.LinkRaw, data: ipv6Hello, want: wantHello("ip6,udp", true)},
		{name: "raw bad version", link: capture.LinkRaw, data: []byte{0x50, 0, 0, 0}, wantErr: errRawVersion},
		{name: "raw empty", link: capture.LinkRaw, data: nil, want: summary{Truncated: true}},
		{name: "LINKTYPE_IPV4", link: capture.LinkIPv4, data: ipv4Hello, want: wantHello("ip4,udp", false)},
		{name: "LINKTYPE_IPV6", link: capture.LinkIPv6, data: ipv6Hello, want: wantHello("ip6,udp", true)},
		{name: "LINKTYPE_IPV4 holding IPv6", link: capture.LinkIPv4, data: ipv6Hello, wantErr: errIPv4Version},
		{name: "NFLOG ipv4", link: capture.LinkNFLOG, data: cat(nflogPrefix, nflogTLV(nflogTypePayload, ipv4Hello)),
			want: wantHello("ip4,udp", false)},
		{name: "NFLOG ipv6", link: capture.LinkNFLOG,
			data: cat([]byte{afInet6, 0}, be16(0), nflogTLV(nflogTypePayload, ipv6Hello)),
			want: wantHello("ip6,udp", true)},
		{name: "NFLOG without payload", link: capture.LinkNFLOG, data: nflogPrefix, want: summary{}},
		{name: "NFLOG TLV shorter than its header", link: capture.LinkNFLOG,
			data: cat(nflogPrefix, le16(2), le16(nflogTypePayload)), wantErr: errNFLOGTLVLen},
		{name: "NFLOG TLV cut short", link: capture.LinkNFLOG, data: cat(nflogPrefix, le16(40), le16(10), []byte{1}),
			want: summary{Truncated: true}},
		{name: "NFLOG unknown family", link: capture.LinkNFLOG,
			data: cat([]byte{7, 0}, be16(0), nflogTLV(nflogTypePayload, ipv4Hello)), want: summary{}},
		{name: "unknown link type", link: capture.LinkType(147), data: ipv4Hello, want: summary{}},
	})
}

func TestDecodeNetworkLayer(t *testing.T) {
	routerAlert := []byte{0x94, 0x04, 0x00, 0x00}
	withOptions := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP, options: routerAlert}.build(udpHello)
	ipv4Base := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP}
	badIHL := ipv4Base
	badIHL.ihlWords = 4
	shortTotal := ipv4Base
	shortTotal.totalLen = 12
	longOptions := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP, options: make([]byte, 40)}.build(udpHello)
	chain := func(next uint8, headers ...[]byte) []byte {
		return ipv6Packet(hostV6, serverV6, next, cat(append(headers, udpHello)...))
	}
	ipOnly := func(layers string, proto uint8, v6 bool) summary {
		s := summary{Layers: layers, Src: hostV4, Dst: serverV4, IPProto: proto}
		if v6 {
			s.Src, s.Dst = hostV6, serverV6
		}
		return s
	}
	esp := ipOnly("ip6", ipv6ESP, true)
	esp.Payload, esp.PayloadLen = "\x00\x00\x10\x01", 4
	noNext := ipOnly("ip6", ipv6NoNext, true)
	cut := ipOnly("ip6", ipv6DestOptions, true)
	cut.Truncated = true
	optionsCut := ipOnly("ip4", ProtoUDP, false)
	optionsCut.Truncated = true
	atomicFragment := wantHello("ip6,udp", true)

	runDecodeCases(t, []decodeCase{
		{name: "ipv4 options", link: capture.LinkIPv4, data: withOptions, want: wantHello("ip4,udp", false)},
		{name: "ipv4 IHL below 5", link: capture.LinkIPv4, data: badIHL.build(udpHello), wantErr: errIPv4HeaderLen},
		{name: "ipv4 total length below header", link: capture.LinkIPv4, data: shortTotal.build(udpHello),
			want: ipOnly("ip4", ProtoUDP, false), wantErr: errIPv4TotalLen},
		{name: "ipv4 header cut short", link: capture.LinkIPv4, data: ipv4Hello[:12], want: summary{Truncated: true}},
		{name: "ipv4 options cut short", link: capture.LinkIPv4, data: longOptions[:30], want: optionsCut},
		{name: "ipv6 header cut short", link: capture.LinkIPv6, data: ipv6Hello[:39], want: summary{Truncated: true}},
		{name: "ipv6 bad version", link: capture.LinkIPv6, data: ipv4Hello, wantErr: errIPv6Version},
		{name: "ipv6 hop-by-hop", link: capture.LinkIPv6, data: chain(ipv6HopByHop, extHeader(ProtoUDP, 1, false)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 routing", link: capture.LinkIPv6, data: chain(ipv6Routing, extHeader(ProtoUDP, 3, false)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 destination options", link: capture.LinkIPv6, data: chain(ipv6DestOptions, extHeader(ProtoUDP, 2, false)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 AH", link: capture.LinkIPv6, data: chain(ipv6AH, extHeader(ProtoUDP, 3, true)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 mobility", link: capture.LinkIPv6, data: chain(ipv6Mobility, extHeader(ProtoUDP, 2, false)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 every extension header", link: capture.LinkIPv6,
			data: chain(ipv6HopByHop, extHeader(ipv6DestOptions, 1, false), extHeader(ipv6Routing, 1, false),
				extHeader(ipv6AH, 2, false), extHeader(ipv6Mobility, 2, true), extHeader(ProtoUDP, 1, false)),
			want: wantHello("ip6,udp", true)},
		{name: "ipv6 atomic fragment", link: capture.LinkIPv6, data: chain(ipv6Fragment, fragHeader(ProtoUDP, 0, false, 99)),
			want: atomicFragment},
		{name: "ipv6 ESP stops the walk", link: capture.LinkIPv6,
			data: ipv6Packet(hostV6, serverV6, ipv6ESP, []byte{0, 0, 0x10, 0x01}), want: esp},
		{name: "ipv6 no next header", link: capture.LinkIPv6, data: ipv6Packet(hostV6, serverV6, ipv6NoNext, nil), want: noNext},
		{name: "ipv6 extension past payload length", link: capture.LinkIPv6,
			data: ipv6Packet(hostV6, serverV6, ipv6DestOptions, []byte{ProtoUDP, 3, 0, 0, 0, 0, 0, 0}),
			want: ipOnly("ip6", ipv6DestOptions, true), wantErr: errIPv6ExtLen},
		{name: "ipv6 extension cut by the capture", link: capture.LinkIPv6,
			data: chain(ipv6DestOptions, extHeader(ProtoUDP, 4, false))[:50], want: cut},
	})
}

func TestDecodeTransportLayer(t *testing.T) {
	ip4 := func(proto uint8, payload []byte) []byte {
		return ipv4Header{src: hostV4, dst: serverV4, proto: proto}.build(payload)
	}
	tcpOptions := []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7} // MSS, SACK-permitted, timestamps, NOP, wscale
	tcpWithOptions := tcpHeader{src: 40000, dst: 443, options: tcpOptions}.build([]byte("tls"))
	tcpWant := func(payload string, payloadLen int, truncated bool) summary {
		return summary{Layers: "ip4,tcp", Src: hostV4, Dst: serverV4, IPProto: ProtoTCP, SrcPort: 40000, DstPort: 443,
			Payload: payload, PayloadLen: payloadLen, Truncated: truncated}
	}
	udpWant := func(payload string, payloadLen int) summary {
		s := wantHello("ip4,udp", false)
		s.Payload, s.PayloadLen = payload, payloadLen
		return s
	}
	longUDP := ip4(ProtoUDP, udp(5353, 53, make([]byte, 100)))
	trailing := ip4(ProtoUDP, udpWithLength(5353, 53, 10, []byte("hello")))
	icmpWant := summary{Layers: "ip4,icmp", Src: hostV4, Dst: serverV4, IPProto: ProtoICMP, ICMPType: 8, Payload: "ping", PayloadLen: 4}
	icmp6Want := summary{Layers: "ip6,icmp6", Src: hostV6, Dst: serverV6, IPProto: ProtoICMPv6, ICMPType: 135, Payload: "nd", PayloadLen: 2}
	igmpWant := summary{Layers: "ip4,igmp", Src: hostV4, Dst: serverV4, IPProto: ProtoIGMP, Payload: "\x16\x00\x00\x00", PayloadLen: 4}
	otherWant := summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: 47, Payload: "gre!", PayloadLen: 4}

	runDecodeCases(t, []decodeCase{
		{name: "tcp with options", link: capture.LinkIPv4, data: ip4(ProtoTCP, tcpWithOptions), want: tcpWant("tls", 3, false)},
		{name: "tcp options cut by snaplen", link: capture.LinkIPv4, data: ip4(ProtoTCP, tcpWithOptions)[:20+30],
			want: tcpWant("", 3, true)},
		{name: "tcp fixed header cut", link: capture.LinkIPv4, data: ip4(ProtoTCP, tcpWithOptions)[:20+12],
			want: summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: ProtoTCP, Truncated: true}},
		{name: "tcp data offset below 5", link: capture.LinkIPv4, data: ip4(ProtoTCP, tcpHeader{src: 40000, dst: 443, offset: 4}.build(nil)),
			want: tcpWant("", 0, false), wantErr: errTCPDataOffset},
		{name: "tcp header past IP payload", link: capture.LinkIPv4, data: ip4(ProtoTCP, tcpHeader{src: 40000, dst: 443, offset: 15}.build(nil)),
			want: tcpWant("", 0, false), wantErr: errTCPHeaderPastIP},
		{name: "tcp in a tiny IP payload", link: capture.LinkIPv4, data: ip4(ProtoTCP, []byte{1, 2, 3}),
			want: summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: ProtoTCP}, wantErr: errTCPShort},
		{name: "udp length past the capture", link: capture.LinkIPv4, data: longUDP[:20+8+10],
			want: udpWant(string(make([]byte, 10)), 100)},
		{name: "udp length past the IP payload", link: capture.LinkIPv4, data: ip4(ProtoUDP, udpWithLength(5353, 53, 200, []byte("hello"))),
			want: udpWant("hello", 5), wantErr: errUDPLengthPastIP},
		{name: "udp length below 8", link: capture.LinkIPv4, data: ip4(ProtoUDP, udpWithLength(5353, 53, 4, []byte("hello"))),
			want: udpWant("hello", 5), wantErr: errUDPLength},
		{name: "udp payload trimmed to its length", link: capture.LinkIPv4, data: trailing, want: udpWant("he", 2)},
		{name: "udp header cut", link: capture.LinkIPv4, data: ipv4Hello[:24],
			want: summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: ProtoUDP, Truncated: true}},
		{name: "udp in a tiny IP payload", link: capture.LinkIPv4, data: ip4(ProtoUDP, []byte{1, 2, 3, 4}),
			want: summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: ProtoUDP}, wantErr: errUDPShort},
		{name: "icmp echo", link: capture.LinkIPv4, data: ip4(ProtoICMP, icmp(8, 0, []byte("ping"))), want: icmpWant},
		{name: "icmp too short", link: capture.LinkIPv4, data: ip4(ProtoICMP, []byte{3}),
			want: summary{Layers: "ip4", Src: hostV4, Dst: serverV4, IPProto: ProtoICMP}, wantErr: errICMPShort},
		{name: "icmpv6 neighbour solicitation", link: capture.LinkIPv6,
			data: ipv6Packet(hostV6, serverV6, ProtoICMPv6, icmp(135, 0, []byte("nd"))), want: icmp6Want},
		{name: "icmpv6 cut after type and code", link: capture.LinkIPv6,
			data: ipv6Packet(hostV6, serverV6, ProtoICMPv6, icmp(135, 0, []byte("nd")))[:42],
			want: summary{Layers: "ip6,icmp6", Src: hostV6, Dst: serverV6, IPProto: ProtoICMPv6, ICMPType: 135, Truncated: true}},
		{name: "igmp", link: capture.LinkIPv4, data: ip4(ProtoIGMP, []byte{0x16, 0, 0, 0}), want: igmpWant},
		{name: "unknown protocol keeps its payload", link: capture.LinkIPv4, data: ip4(47, []byte("gre!")), want: otherWant},
	})
}

func TestDecodeHeaderFields(t *testing.T) {
	tcp := tcpHeader{src: 1, dst: 2, seq: 0x01020304, ack: 0x0a0b0c0d, flags: TCPSyn | TCPAck, window: 65000}.build(nil)
	data := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoTCP, id: 0xbeef, ttl: 7}.build(tcp)
	d := NewDecoder(DefaultOptions())
	var p Packet
	if err := d.Decode(frame(capture.LinkIPv4, data), &p); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Seq", p.Seq, uint32(0x01020304)},
		{"Ack", p.Ack, uint32(0x0a0b0c0d)},
		{"TCPFlags", p.TCPFlags, TCPSyn | TCPAck},
		{"Window", p.Window, uint16(65000)},
		{"TTL", p.TTL, uint8(7)},
		{"IPID", p.IPID, uint32(0xbeef)},
		{"IPLen", p.IPLen, 40},
		{"FragOffset", p.FragOffset, 0},
		{"MoreFrags", p.MoreFrags, false},
		{"Frame", p.Frame.Number, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestDecodeARPFields(t *testing.T) {
	d := NewDecoder(DefaultOptions())
	var p Packet
	data := ether(MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, macA, EtherTypeARP, arpEthIPv4(2, macA, hostV4, macB, serverV4))
	if err := d.Decode(frame(capture.LinkEthernet, data), &p); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ARPOp", p.ARPOp, uint16(2)},
		{"ARPSenderMAC", p.ARPSenderMAC, macA},
		{"ARPSenderIP", p.ARPSenderIP, netip.MustParseAddr(hostV4)},
		{"ARPTargetMAC", p.ARPTargetMAC, macB},
		{"ARPTargetIP", p.ARPTargetIP, netip.MustParseAddr(serverV4)},
		{"DstMAC is broadcast", p.DstMAC.IsGroup(), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestDecodeResetsPacket checks that nothing from a previous frame leaks
// into the next one.
func TestDecodeResetsPacket(t *testing.T) {
	d := NewDecoder(DefaultOptions())
	var p Packet
	if err := d.Decode(frame(capture.LinkEthernet, vlanFrame([]uint16{EtherTypeVLAN}, []uint16{10}, EtherTypeIPv4, ipv4Hello)), &p); err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(frame(capture.LinkNull, cat(le32(afInet6), ipv6Packet(hostV6, serverV6, ipv6NoNext, nil))), &p); err != nil {
		t.Fatal(err)
	}
	want := summary{Layers: "ip6", Src: hostV6, Dst: serverV6, IPProto: ipv6NoNext}
	if got := summarize(&p); got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestAsymmetricTagging decodes a request tagged on the way in and its
// untagged answer: both must yield the same (mirrored) flow.
func TestAsymmetricTagging(t *testing.T) {
	request := vlanFrame([]uint16{EtherTypeVLAN}, []uint16{30}, EtherTypeIPv4, ipv4Hello)
	answer := ether(macA, macB, EtherTypeIPv4, ipv4Header{src: serverV4, dst: hostV4, proto: ProtoUDP}.build(udp(53, 5353, []byte("hello"))))
	d := NewDecoder(DefaultOptions())
	var req, ans Packet
	if err := d.Decode(frame(capture.LinkEthernet, request), &req); err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(frame(capture.LinkEthernet, answer), &ans); err != nil {
		t.Fatal(err)
	}
	if req.NumVLAN != 1 || ans.NumVLAN != 0 {
		t.Errorf("VLAN tags: request %d, answer %d; want 1 and 0", req.NumVLAN, ans.NumVLAN)
	}
	if req.SrcIP != ans.DstIP || req.DstIP != ans.SrcIP || req.SrcPort != ans.DstPort || req.DstPort != ans.SrcPort ||
		req.EtherType != ans.EtherType || req.Layers != ans.Layers {
		t.Errorf("request %+v and answer %+v do not mirror", summarize(&req), summarize(&ans))
	}
}

func TestDecodeStatsCountMalformedAndTruncated(t *testing.T) {
	d := NewDecoder(DefaultOptions())
	var p Packet
	badIHL := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP, ihlWords: 3}.build(udpHello)
	frames := []*capture.Frame{
		frame(capture.LinkIPv4, badIHL),
		frame(capture.LinkIPv4, ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP}.build(udpWithLength(1, 2, 3, nil))),
		frame(capture.LinkIPv4, ipv4Hello[:10]),
		frame(capture.LinkRaw, []byte{0x10}),
		frame(capture.LinkIPv4, ipv4Hello),
	}
	for _, f := range frames {
		_ = d.Decode(f, &p) // errors are counted in Stats, which is what this test checks
	}
	got := d.Stats()
	want := Stats{Packets: 5, Truncated: 1, Malformed: MalformedCounts{Link: 1, IPv4: 1, UDP: 1}}
	if got != want {
		t.Errorf("stats = %+v, want %+v", got, want)
	}
	if got.Malformed.Total() != 3 {
		t.Errorf("Malformed.Total() = %d, want 3", got.Malformed.Total())
	}
}

func TestMalformedErrorText(t *testing.T) {
	tests := []struct {
		err  *MalformedError
		want string
	}{
		{errIPv4HeaderLen, "decode: malformed IPv4: header length below 20"},
		{errNFLOGTLVLen, "decode: malformed link header: NFLOG TLV length below 4"},
		{errFragmentOverflow, "decode: malformed IP fragment: fragment ends past 65535 bytes"},
		{errICMPv6Short, "decode: malformed ICMPv6: message shorter than 4 bytes"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
