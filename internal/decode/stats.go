package decode

// Stats are the decoder's running counters, reported by the engine.
type Stats struct {
	Packets   uint64 // frames passed to Decode
	Truncated uint64 // frames whose captured bytes end inside a header
	Malformed MalformedCounts

	Fragments    uint64 // frames carrying an IP fragment
	Reassembled  uint64 // datagrams completed by reassembly
	FragTimedOut uint64 // incomplete datagrams dropped after Options.FragTimeout
	FragEvicted  uint64 // incomplete datagrams dropped to stay within MaxDatagrams / MaxTotalBytes
	FragDropped  uint64 // datagrams abandoned as oversized, inconsistent or too scattered
	FragSkipped  uint64 // fragments not used because the capture cut their data short
}

// MalformedCounts counts malformed frames by the layer whose header is bad.
type MalformedCounts struct {
	Link     uint64 // Ethernet, SLL, NFLOG, null or raw-IP framing
	IPv4     uint64
	IPv6     uint64
	TCP      uint64
	UDP      uint64
	ICMP     uint64 // ICMPv4 and ICMPv6
	Fragment uint64 // impossible fragment geometry (e.g. ending past 65535 bytes)
}

// Total is the number of malformed frames over all layers.
func (m MalformedCounts) Total() uint64 {
	return m.Link + m.IPv4 + m.IPv6 + m.TCP + m.UDP + m.ICMP + m.Fragment
}

func (m *MalformedCounts) count(l Layer) {
	switch l {
	case LayerIPv4:
		m.IPv4++
	case LayerIPv6:
		m.IPv6++
	case LayerTCP:
		m.TCP++
	case LayerUDP:
		m.UDP++
	case LayerICMP, LayerICMPv6:
		m.ICMP++
	case LayerFragment:
		m.Fragment++
	default:
		m.Link++
	}
}
