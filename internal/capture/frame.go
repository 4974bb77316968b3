package capture

import (
	"errors"
	"fmt"
)

// LinkType is a LINKTYPE_* value from the tcpdump.org registry.
type LinkType uint32

// Link types iotlens decodes.
const (
	LinkNull     LinkType = 0   // BSD loopback: 4-byte host-order address family
	LinkEthernet LinkType = 1   // Ethernet II / 802.3
	LinkRaw      LinkType = 101 // raw IPv4 or IPv6, no link header
	LinkLoop     LinkType = 108 // OpenBSD loopback: 4-byte network-order family
	LinkSLL      LinkType = 113 // Linux cooked capture v1
	LinkIPv4     LinkType = 228 // raw IPv4
	LinkIPv6     LinkType = 229 // raw IPv6
	LinkNFLOG    LinkType = 239 // Linux netfilter NFLOG
	LinkSLL2     LinkType = 276 // Linux cooked capture v2
)

// Frame is one captured packet. Data aliases the reader's buffer and is only
// valid until the next call to Reader.Next.
type Frame struct {
	Data     []byte   // captured bytes (len(Data) is the captured length)
	Time     int64    // Unix time in nanoseconds (UTC)
	WireLen  int      // original length on the wire (>= len(Data) normally)
	LinkType LinkType // link type of the interface the frame came from
	IfIndex  int      // pcapng interface index (0 for classic pcap)
	Offset   int64    // byte offset of the frame's record in the uncompressed stream
	Number   int      // 1-based frame number within the file, as tshark counts
}

// Format names a capture container format.
type Format string

// Container formats.
const (
	FormatPcap   Format = "pcap"
	FormatPcapNG Format = "pcapng"
)

// MaxFrameLen bounds one captured frame. A record that claims more is corrupt:
// it is reported as an error rather than allocated (a hostile file can claim
// 4 GB). 256 KiB is libpcap's and Wireshark's largest standard snaplen.
const MaxFrameLen = 256 * 1024

// Error is a problem in a capture file, with the place it was found.
// Truncated is set when the file simply ends inside a record (a capture that
// was still being written or was cut short); frames before it are intact.
type Error struct {
	File      string
	Offset    int64 // byte offset in the uncompressed stream
	Msg       string
	Truncated bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: offset %d: %s", e.File, e.Offset, e.Msg)
}

// ErrNotCapture is wrapped by the error returned for a file whose magic
// number is neither pcap, pcapng, gzip nor zstd.
var ErrNotCapture = errors.New("not a pcap or pcapng capture")
