// Package decode is the second stage of the iotlens pipeline: it turns a raw
// frame from package capture into a Packet, a set of zero-copy views of its
// link, network and transport headers (Ethernet, 802.1Q/802.1ad at any depth,
// Linux SLL/SLL2, BSD null, raw IP, NFLOG; IPv4 with options, IPv6 with
// extension headers, ARP, TCP, UDP, ICMP, ICMPv6), and reassembles IP
// fragments so that UDP payloads such as large DNS answers reach the
// dissectors whole.
//
// It is hand-written rather than built on gopacket because it is the hot path:
// one Decoder fills one reused Packet, so decoding allocates nothing per packet.
//
// Decode never fails on what it does not know: an unknown link type,
// EtherType or protocol just leaves the Packet with fewer layers, and a
// snaplen cut inside a header sets Packet.Truncated. Only headers that
// contradict themselves produce a *MalformedError (errors.Is ErrMalformed),
// counted per layer in Stats.
//
// Reassembly keys fragments by (source, destination, protocol, id), keeps
// the first copy of overlapping bytes, and bounds memory by Options: the
// number of datagrams, the size of one and the bytes of all, evicting the
// oldest, and drops datagrams after FragTimeout of packet time.
//
// Next stage: package dissect (application protocols) and package engine.
package decode
