package decode

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

// fuzzLinks are the link types a fuzz input's first byte selects from.
var fuzzLinks = []capture.LinkType{
	capture.LinkEthernet, capture.LinkSLL, capture.LinkSLL2, capture.LinkNull, capture.LinkLoop,
	capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6, capture.LinkNFLOG, capture.LinkType(147),
}

// encodeFuzzInput packs a link selector and a sequence of frames: each frame
// is a 2-byte length, a 1-byte time step in seconds, then its bytes.
func encodeFuzzInput(link int, frames ...[]byte) []byte {
	out := []byte{byte(link)}
	for _, f := range frames {
		out = binary.BigEndian.AppendUint16(out, uint16(len(f)))
		out = append(out, 1)
		out = append(out, f...)
	}
	return out
}

// fuzzSeeds are well-formed sequences for every link type, including
// fragment trains, for the fuzzer to mutate.
func fuzzSeeds() [][]byte {
	datagram := fragDatagram(200)
	v4Frags := [][]byte{v4Fragment(9, 104, false, datagram[104:]), v4Fragment(9, 0, true, datagram[:104])}
	v6Frags := [][]byte{v6Fragment(9, ProtoUDP, 0, true, datagram[:104]), v6Fragment(9, ProtoUDP, 104, false, datagram[104:])}
	tcp := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoTCP}.build(tcpHeader{src: 1, dst: 2, options: []byte{2, 4, 5, 0xb4}}.build([]byte("x")))
	return [][]byte{
		encodeFuzzInput(0, ether(macB, macA, EtherTypeIPv4, ipv4Hello), ether(macB, macA, EtherTypeIPv4, tcp)),
		encodeFuzzInput(0, vlanFrame([]uint16{EtherTypeQinQ, EtherTypeVLAN}, []uint16{1, 2}, EtherTypeIPv6, ipv6Hello)),
		encodeFuzzInput(0, ether(macB, macA, 16, cat([]byte{0xaa, 0xaa, 3, 0, 0, 0}, be16(EtherTypeARP), arpEthIPv4(1, macA, hostV4, macB, serverV4)))),
		encodeFuzzInput(0, ether(macB, macA, EtherTypeIPv4, v4Frags[0]), ether(macB, macA, EtherTypeIPv4, v4Frags[1])),
		encodeFuzzInput(1, cat(sllHeader(arphrdEthernet, macA[:], EtherTypeIPv4), tcp)),
		encodeFuzzInput(2, cat(sll2Header(EtherTypeIPv6, arphrdEthernet, macA[:]), ipv6Hello)),
		encodeFuzzInput(3, cat(le32(30), ipv6Hello), cat(be32(afInet), ipv4Hello)),
		encodeFuzzInput(4, cat(be32(24), ipv6Hello)),
		encodeFuzzInput(5, v6Frags[0], v6Frags[1]),
		encodeFuzzInput(6, ipv4Header{src: hostV4, dst: serverV4, proto: ProtoICMP, options: []byte{1, 1, 1, 0}}.build(icmp(8, 0, []byte("ping")))),
		encodeFuzzInput(7, ipv6Packet(hostV6, serverV6, ipv6HopByHop, cat(extHeader(ipv6AH, 1, false), extHeader(ProtoICMPv6, 2, true), icmp(135, 0, nil)))),
		encodeFuzzInput(8, cat([]byte{afInet, 0, 0, 0}, nflogTLV(10, []byte("p")), nflogTLV(nflogTypePayload, tcp))),
		encodeFuzzInput(9, ipv4Hello),
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(runFuzzInput)
}

// runFuzzInput decodes the frames of one fuzz input with one decoder whose
// reassembly caps are small, so eviction is exercised too.
func runFuzzInput(t *testing.T, input []byte) {
	if len(input) == 0 {
		return
	}
	link := fuzzLinks[int(input[0])%len(fuzzLinks)]
	opts := DefaultOptions()
	opts.MaxDatagrams, opts.MaxTotalBytes = 4, 1<<17
	d := NewDecoder(opts)
	var p Packet
	var now int64
	for rest := input[1:]; len(rest) >= 3; {
		n := min(int(binary.BigEndian.Uint16(rest)), len(rest)-3)
		now += int64(rest[2]) * 1e9
		data := rest[3 : 3+n]
		rest = rest[3+n:]
		err := d.Decode(&capture.Frame{Data: data, WireLen: len(data), LinkType: link, Time: now}, &p)
		checkFuzzPacket(t, d, &p, err)
	}
}

// checkFuzzPacket checks invariants that hold for any input.
func checkFuzzPacket(t *testing.T, d *Decoder, p *Packet, err error) {
	if err != nil && !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v does not match ErrMalformed", err)
	}
	if len(p.Payload) > p.PayloadLen || p.PayloadLen < 0 {
		t.Fatalf("payload %d bytes, PayloadLen %d", len(p.Payload), p.PayloadLen)
	}
	if p.Layers&(LayerTCP|LayerUDP|LayerICMP|LayerICMPv6|LayerIGMP|LayerFragment) != 0 && !p.IsIP() {
		t.Fatalf("layers %s without IP", layerList(p.Layers))
	}
	if p.Has(LayerReassembled) && !p.Has(LayerFragment) {
		t.Fatalf("reassembled without fragment")
	}
	r := &d.frags
	if r.heldBytes > d.opts.MaxTotalBytes || len(r.index) > d.opts.MaxDatagrams {
		t.Fatalf("reassembler holds %d bytes and %d datagrams", r.heldBytes, len(r.index))
	}
}
