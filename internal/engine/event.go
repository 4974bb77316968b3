package engine

import (
	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dhcp"
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/dissect/http"
	"github.com/iotlens/iotlens/internal/dissect/ssdp"
	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/proto"
)

// Event is what analyses see for one frame: the decoded packet plus the
// facts the dissectors found in it. Fact pointers are nil when the frame
// carries no such fact; everything is valid only during the Packet call.
type Event struct {
	File   *FileInfo
	Frame  *capture.Frame
	Packet *decode.Packet
	Proto  proto.Proto
	// SrcLocal/DstLocal: the IP is on the LAN side (private, link-local,
	// ULA, multicast, broadcast); true for frames without IP.
	SrcLocal, DstLocal bool
	// Flow is the transport 5-tuple (valid when HasFlow) and FromLo tells
	// the direction of this packet within it.
	Flow    flow.Key
	HasFlow bool
	FromLo  bool

	DNS           []*dns.Message // DNS/mDNS/LLMNR messages completed by this frame
	ClientHello   *tls.ClientHello
	HelloOverQUIC bool
	Server        *tls.ServerInfo
	DHCP          *dhcp.Message
	DHCPv6        *dhcp.V6Message
	HTTP          *http.Request
	SSDP          *ssdp.Message
}

// LAN reports whether both ends of the frame are local.
func (e *Event) LAN() bool { return e.SrcLocal && e.DstLocal }

func (e *Event) reset() {
	*e = Event{DNS: e.DNS[:0]}
}
