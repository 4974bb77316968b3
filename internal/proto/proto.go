package proto

import (
	"strconv"

	"github.com/iotlens/iotlens/internal/decode"
)

// Proto identifies a protocol. Values below portBase are named protocols;
// tcp:PORT and udp:PORT are encoded above it.
type Proto uint32

// Named protocols. The order is part of no output; names are.
const (
	Unknown  Proto = iota
	Ethernet       // Ethernet frame with no IP, ARP or EAPOL payload (LLC, basicxid, ...)
	ARP
	EAPOL
	IPv4Other // IPv4 with a transport iotlens does not name
	IPv6Other
	ICMP
	ICMPv6
	IGMP
	DNS
	MDNS
	LLMNR
	NBNS
	DHCP
	DHCPv6
	NTP
	SSDP
	TLS
	QUIC
	HTTP
	MQTT
	CoAP
	STUN
	TPLinkSHP
	TuyaLAN
	TCPOther // TCP without payload or port information (e.g. a later IP fragment)
	UDPOther
	numNamed
)

const (
	portBase Proto = 1 << 20
	tcpBase        = portBase
	udpBase        = portBase << 1
)

var names = [numNamed]string{
	Unknown: "unknown", Ethernet: "eth", ARP: "arp", EAPOL: "eapol",
	IPv4Other: "ip", IPv6Other: "ipv6", ICMP: "icmp", ICMPv6: "icmpv6", IGMP: "igmp",
	DNS: "dns", MDNS: "mdns", LLMNR: "llmnr", NBNS: "nbns", DHCP: "dhcp", DHCPv6: "dhcpv6",
	NTP: "ntp", SSDP: "ssdp", TLS: "tls", QUIC: "quic", HTTP: "http", MQTT: "mqtt",
	CoAP: "coap", STUN: "stun", TPLinkSHP: "tplink-shp", TuyaLAN: "tuya-lan",
	TCPOther: "tcp", UDPOther: "udp",
}

// TCPPort and UDPPort build the tcp:PORT / udp:PORT protocols.
func TCPPort(port uint16) Proto { return tcpBase | Proto(port) }

// UDPPort builds udp:PORT.
func UDPPort(port uint16) Proto { return udpBase | Proto(port) }

// String returns the stable output name ("dns", "tcp:8883", ...).
func (p Proto) String() string {
	switch {
	case p&udpBase != 0:
		return "udp:" + strconv.Itoa(int(p&0xffff))
	case p&tcpBase != 0:
		return "tcp:" + strconv.Itoa(int(p&0xffff))
	case p < numNamed:
		return names[p]
	}
	return "unknown"
}

// Parse is the inverse of String, for user-supplied tables.
func Parse(s string) (Proto, bool) {
	for i, n := range names {
		if n == s {
			return Proto(i), true
		}
	}
	for _, pre := range []struct {
		prefix string
		base   Proto
	}{{"tcp:", tcpBase}, {"udp:", udpBase}} {
		if len(s) > len(pre.prefix) && s[:len(pre.prefix)] == pre.prefix {
			n, err := strconv.Atoi(s[len(pre.prefix):])
			if err == nil && n >= 0 && n <= 0xffff {
				return pre.base | Proto(n), true
			}
		}
	}
	return Unknown, false
}

// udpPortNames and tcpPortNames name the services iotlens recognises by
// port. A payload check in Classify confirms the ambiguous ones. They are
// expanded into 64K-entry arrays at init: an array index is several times
// faster than a map lookup on the per-packet path.
var udpPortNames = map[uint16]Proto{
	53: DNS, 5353: MDNS, 5355: LLMNR, 137: NBNS, 67: DHCP, 68: DHCP, 546: DHCPv6, 547: DHCPv6,
	123: NTP, 1900: SSDP, 443: QUIC, 5683: CoAP, 3478: STUN, 19302: STUN, 9999: TPLinkSHP,
	6666: TuyaLAN, 6667: TuyaLAN, 7000: TuyaLAN,
}

var tcpPortNames = map[uint16]Proto{
	53: DNS, 443: TLS, 8443: TLS, 8883: TLS, 853: TLS, 80: HTTP, 8080: HTTP, 1883: MQTT,
	9999: TPLinkSHP, 5355: LLMNR,
}

var udpPorts, tcpPorts [1 << 16]Proto

func init() {
	for port, p := range udpPortNames {
		udpPorts[port] = p
	}
	for port, p := range tcpPortNames {
		tcpPorts[port] = p
	}
}

// Classify names the protocol of p. It looks at ports first (the lower
// well-known one wins), then the first payload bytes for TLS/HTTP/QUIC on
// unusual ports.
func Classify(p *decode.Packet) Proto {
	switch {
	case p.Layers&decode.LayerTCP != 0:
		return classifyTCP(p)
	case p.Layers&decode.LayerUDP != 0:
		return classifyUDP(p)
	case p.Layers&decode.LayerICMP != 0:
		return ICMP
	case p.Layers&decode.LayerICMPv6 != 0:
		return ICMPv6
	case p.Layers&decode.LayerIGMP != 0:
		return IGMP
	case p.Layers&decode.LayerARP != 0:
		return ARP
	case p.Layers&decode.LayerIPv4 != 0:
		return ipOther(p, IPv4Other)
	case p.Layers&decode.LayerIPv6 != 0:
		return ipOther(p, IPv6Other)
	case p.EtherType == decode.EtherTypeEAPOL:
		return EAPOL
	case p.HasSrcMAC || p.HasDstMAC:
		return Ethernet
	}
	return Unknown
}

// ipOther handles later IP fragments (no transport header) by protocol number.
func ipOther(p *decode.Packet, fallback Proto) Proto {
	switch p.IPProto {
	case decode.ProtoTCP:
		return TCPOther
	case decode.ProtoUDP:
		return UDPOther
	case decode.ProtoICMP:
		return ICMP
	case decode.ProtoICMPv6:
		return ICMPv6
	case decode.ProtoIGMP:
		return IGMP
	}
	return fallback
}

func classifyUDP(p *decode.Packet) Proto {
	lo, hi := orderPorts(p.SrcPort, p.DstPort)
	if n := udpPorts[lo]; n != Unknown && confirmUDP(n, p) {
		return n
	}
	if n := udpPorts[hi]; n != Unknown && confirmUDP(n, p) {
		return n
	}
	if looksLikeQUICInitial(p.Payload) {
		return QUIC
	}
	if looksLikeSTUN(p.Payload) {
		return STUN
	}
	return UDPPort(servicePort(p.SrcPort, p.DstPort))
}

func classifyTCP(p *decode.Packet) Proto {
	lo, hi := orderPorts(p.SrcPort, p.DstPort)
	if n := tcpPorts[lo]; n != Unknown {
		return n
	}
	if n := tcpPorts[hi]; n != Unknown {
		return n
	}
	switch {
	case looksLikeTLS(p.Payload):
		return TLS
	case looksLikeHTTP(p.Payload):
		return HTTP
	}
	return TCPPort(servicePort(p.SrcPort, p.DstPort))
}

// confirmUDP rejects port matches whose payload clearly is something else
// (QUIC on 443 must have the QUIC fixed bit; others are taken on port alone).
func confirmUDP(n Proto, p *decode.Packet) bool {
	if n == QUIC {
		return len(p.Payload) == 0 || p.Payload[0]&0x40 != 0
	}
	return true
}

func orderPorts(a, b uint16) (lo, hi uint16) {
	if a <= b {
		return a, b
	}
	return b, a
}

// servicePort picks the port that names the service: the lower one, since
// clients use ephemeral ports (>= 32768 on Linux devices, >= 49152 per IANA).
func servicePort(a, b uint16) uint16 {
	lo, _ := orderPorts(a, b)
	return lo
}

func looksLikeTLS(b []byte) bool {
	return len(b) >= 3 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 3 && b[2] <= 4
}

var httpMethods = []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "HTTP/1.", "NOTIFY ", "SUBSCRIBE "}

func looksLikeHTTP(b []byte) bool {
	for _, m := range httpMethods {
		if len(b) >= len(m) && string(b[:len(m)]) == m {
			return true
		}
	}
	return false
}

// looksLikeQUICInitial: long header, fixed bit, version 1, 2 or a draft.
func looksLikeQUICInitial(b []byte) bool {
	if len(b) < 7 || b[0]&0xc0 != 0xc0 {
		return false
	}
	v := uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4])
	return v == 1 || v == 0x6b3343cf || v>>8 == 0xff0000
}

// looksLikeSTUN checks the RFC 5389 magic cookie.
func looksLikeSTUN(b []byte) bool {
	return len(b) >= 20 && b[0]&0xc0 == 0 && b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42
}
