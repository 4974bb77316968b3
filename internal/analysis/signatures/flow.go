package signatures

import (
	"net/netip"
	"strconv"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/proto"
)

// maxSeq is how many payload-packet lengths a flow keeps for packet-pair
// signatures: request/response exchanges that identify an event happen
// at the start of a connection.
const maxSeq = 64

// Flow is one bidirectional conversation of the device: a transport
// 5-tuple (plus, for UDP exchanges, the DNS question or DHCP message type)
// until it stays idle longer than the idle timeout.
type Flow struct {
	Transport string // tcp, udp, icmp, icmpv6, igmp, ip
	App       string // protocol name from internal/proto: dns, tls, quic, http, dhcp, ntp, tcp:9999, ...
	Device    netip.AddrPort
	Remote    netip.AddrPort
	// RemoteNames are the DNS names the remote address had in this capture
	// when the flow started (the queried name of each answer, most recent
	// last); SNI is the first TLS/QUIC server name of the flow.
	RemoteNames []string
	// RemoteAliases are the other names of those answers' CNAME chains.
	RemoteAliases []string
	SNI           string
	// DeviceInitiated: the device sent the SYN (TCP) or the first packet.
	DeviceInitiated bool
	First, Last     int64 // Unix ns
	PktsOut, PktsIn int64 // device -> remote, remote -> device
	BytesOut        int64 // wire bytes
	BytesIn         int64
	// Seq holds the wire lengths of the first payload-carrying packets,
	// positive when the device sent them, negative when it received them.
	Seq []int32

	DNSName, DNSType     string // first question (lower case, no trailing dot)
	HTTPMethod, HTTPPath string
	DHCPType             string // discover, offer, ...
	DHCPClient           decode.MAC
	DHCPRequest          bool // BOOTREQUEST: the device is the sender
	SSDPMethod           string
	ICMPType             int // -1 when none
	IGMP                 IGMPMessage
	HasIGMP              bool

	proto                        proto.Proto
	synFromDevice, synFromRemote bool
}

// Packets is the flow's packet count, both directions.
func (f *Flow) Packets() int64 { return f.PktsOut + f.PktsIn }

// Bytes is the flow's wire bytes, both directions.
func (f *Flow) Bytes() int64 { return f.BytesOut + f.BytesIn }

// Family is 4 or 6.
func (f *Flow) Family() int {
	if f.Remote.Addr().Is4() || f.Device.Addr().Is4() {
		return 4
	}
	return 6
}

// Bidirectional reports packets in both directions.
func (f *Flow) Bidirectional() bool { return f.PktsOut > 0 && f.PktsIn > 0 }

// Ports returns the initiator's and the responder's port.
func (f *Flow) Ports() (initiator, responder uint16) {
	if f.DeviceInitiated {
		return f.Device.Port(), f.Remote.Port()
	}
	return f.Remote.Port(), f.Device.Port()
}

// HasPorts reports a TCP or UDP flow.
func (f *Flow) HasPorts() bool { return f.Transport == "tcp" || f.Transport == "udp" }

// name returns the most recent DNS name of the remote, else its SNI.
func (f *Flow) name() string {
	if n := len(f.RemoteNames); n > 0 {
		return f.RemoteNames[n-1]
	}
	return f.SNI
}

// wellKnownPorts are service ports a client may also send from (DHCP 68,
// NTP 123, mDNS 5353, SSDP 1900, ...): when the initiator uses one, it is
// part of the signature too. Any port below 1024 counts as well.
var wellKnownPorts = map[uint16]bool{
	1883: true, 1900: true, 3478: true, 5353: true, 5355: true, 5683: true, 6666: true, 6667: true,
	6668: true, 7000: true, 8080: true, 8443: true, 8800: true, 8883: true, 8886: true, 9999: true,
	19302: true, 20002: true,
}

// IsWellKnownPort reports a service port (below 1024 or a known IoT one).
func IsWellKnownPort(p uint16) bool { return p != 0 && (p < 1024 || wellKnownPorts[p]) }

func transportName(p *decode.Packet) string {
	switch {
	case p.Layers&decode.LayerTCP != 0 || p.IPProto == decode.ProtoTCP:
		return "tcp"
	case p.Layers&decode.LayerUDP != 0 || p.IPProto == decode.ProtoUDP:
		return "udp"
	case p.IPProto == decode.ProtoICMP:
		return "icmp"
	case p.IPProto == decode.ProtoICMPv6:
		return "icmpv6"
	case p.IPProto == decode.ProtoIGMP:
		return "igmp"
	}
	return "ip"
}

// dhcpTypeName gives the firewall's lower-case DHCP message type names.
func dhcpTypeName(t uint8) string {
	switch t {
	case 1:
		return "discover"
	case 2:
		return "offer"
	case 3:
		return "request"
	case 4:
		return "decline"
	case 5:
		return "ack"
	case 6:
		return "nak"
	case 7:
		return "release"
	case 8:
		return "inform"
	}
	return "type" + strconv.Itoa(int(t))
}

// icmpTypeNames are the nft names of ICMPv4 types (the firewall's icmp
// "type" values).
var icmpTypeNames = map[int]string{
	0: "echo-reply", 3: "destination-unreachable", 4: "source-quench", 5: "redirect", 8: "echo-request",
	9: "router-advertisement", 10: "router-solicitation", 11: "time-exceeded", 12: "parameter-problem",
	13: "timestamp-request", 14: "timestamp-reply", 15: "info-request", 16: "info-reply",
	17: "address-mask-request", 18: "address-mask-reply",
}
