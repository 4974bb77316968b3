package proto

import (
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
)

func TestClassify(t *testing.T) {
	quicInitial := []byte{0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8}
	stun := []byte{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	cases := []struct {
		name string
		p    decode.Packet
		want string
	}{
		{"dns", udp(40000, 53, nil), "dns"},
		{"dns reply", udp(53, 40000, nil), "dns"},
		{"mdns", udp(5353, 5353, nil), "mdns"},
		{"llmnr", udp(55000, 5355, nil), "llmnr"},
		{"dhcp", udp(68, 67, nil), "dhcp"},
		{"dhcpv6", udp(546, 547, nil), "dhcpv6"},
		{"ntp", udp(123, 123, nil), "ntp"},
		{"ssdp", udp(50000, 1900, nil), "ssdp"},
		{"quic on 443", udp(50000, 443, quicInitial), "quic"},
		{"quic elsewhere", udp(50000, 4433, quicInitial), "quic"},
		{"stun", udp(50000, 3478, stun), "stun"},
		{"stun unusual port", udp(50000, 10000, stun), "stun"},
		{"tplink shp", udp(9999, 50000, nil), "tplink-shp"},
		{"tuya", udp(6667, 6667, nil), "tuya-lan"},
		{"udp other", udp(56700, 56700, nil), "udp:56700"},
		{"tls", tcp(50000, 443, nil), "tls"},
		{"mqtts", tcp(50000, 8883, nil), "tls"},
		{"tls odd port", tcp(50000, 1443, []byte{0x16, 3, 1, 0, 5}), "tls"},
		{"http", tcp(80, 50000, nil), "http"},
		{"http odd port", tcp(50000, 49152, []byte("GET / HTTP/1.1\r\n")), "http"},
		{"mqtt", tcp(50000, 1883, nil), "mqtt"},
		{"tcp other", tcp(50000, 5228, []byte{1, 2, 3}), "tcp:5228"},
		{"arp", decode.Packet{Layers: decode.LayerEthernet | decode.LayerARP, HasSrcMAC: true}, "arp"},
		{"eapol", decode.Packet{Layers: decode.LayerEthernet, EtherType: decode.EtherTypeEAPOL, HasSrcMAC: true}, "eapol"},
		{"llc", decode.Packet{Layers: decode.LayerEthernet, HasSrcMAC: true}, "eth"},
		{"icmp", decode.Packet{Layers: decode.LayerIPv4 | decode.LayerICMP}, "icmp"},
		{"icmpv6", decode.Packet{Layers: decode.LayerIPv6 | decode.LayerICMPv6}, "icmpv6"},
		{"igmp", decode.Packet{Layers: decode.LayerIPv4 | decode.LayerIGMP}, "igmp"},
		{"udp fragment", decode.Packet{Layers: decode.LayerIPv4 | decode.LayerFragment, IPProto: decode.ProtoUDP}, "udp"},
	}
	for _, c := range cases {
		if got := Classify(&c.p).String(); got != c.want {
			t.Errorf("%s: got %s want %s", c.name, got, c.want)
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	for _, p := range []Proto{DNS, TLS, TuyaLAN, TCPPort(5228), UDPPort(0), UDPPort(65535)} {
		back, ok := Parse(p.String())
		if !ok || back != p {
			t.Errorf("Parse(%q) = %v, %v", p.String(), back, ok)
		}
	}
	for _, bad := range []string{"", "tcp:", "tcp:70000", "udp:x", "nonsense"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestClassifyAllocatesNothing(t *testing.T) {
	p := tcp(50000, 443, nil)
	if n := testing.AllocsPerRun(100, func() { _ = Classify(&p) }); n != 0 {
		t.Fatalf("Classify allocates %v times", n)
	}
}

func udp(src, dst uint16, payload []byte) decode.Packet {
	return decode.Packet{Layers: decode.LayerIPv4 | decode.LayerUDP, IPProto: decode.ProtoUDP, SrcPort: src, DstPort: dst, Payload: payload}
}

func tcp(src, dst uint16, payload []byte) decode.Packet {
	return decode.Packet{Layers: decode.LayerIPv4 | decode.LayerTCP, IPProto: decode.ProtoTCP, SrcPort: src, DstPort: dst, Payload: payload}
}
