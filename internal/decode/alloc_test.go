package decode

import (
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

// hotPathFrames are typical frames of each kind the per-packet path sees.
func hotPathFrames() []struct {
	name  string
	frame *capture.Frame
} {
	tcp := tcpHeader{src: 40000, dst: 443, flags: TCPAck | TCPPsh, options: []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}}.build(make([]byte, 1200))
	ipv4TCP := ipv4Header{src: hostV4, dst: serverV4, proto: ProtoTCP}.build(tcp)
	ipv6Ext := ipv6Packet(hostV6, serverV6, ipv6HopByHop, cat(extHeader(ProtoUDP, 1, false), udp(5353, 5353, make([]byte, 300))))
	return []struct {
		name  string
		frame *capture.Frame
	}{
		{"ethernet ipv4 tcp", frame(capture.LinkEthernet, ether(macB, macA, EtherTypeIPv4, ipv4TCP))},
		{"vlan qinq ipv4 tcp", frame(capture.LinkEthernet, vlanFrame([]uint16{EtherTypeQinQ, EtherTypeVLAN}, []uint16{100, 200}, EtherTypeIPv4, ipv4TCP))},
		{"ethernet ipv6 udp", frame(capture.LinkEthernet, ether(macB, macA, EtherTypeIPv6, ipv6Ext))},
		{"sll ipv4 tcp", frame(capture.LinkSLL, cat(sllHeader(arphrdEthernet, macA[:], EtherTypeIPv4), ipv4TCP))},
		{"nflog ipv4 tcp", frame(capture.LinkNFLOG, cat([]byte{afInet, 0, 0, 0}, nflogTLV(nflogTypePayload, ipv4TCP)))},
		{"arp", frame(capture.LinkEthernet, ether(macB, macA, EtherTypeARP, arpEthIPv4(1, macA, hostV4, MAC{}, serverV4)))},
		{"malformed ipv4", frame(capture.LinkIPv4, ipv4Header{src: hostV4, dst: serverV4, ihlWords: 2}.build(nil))},
	}
}

func TestDecodeDoesNotAllocate(t *testing.T) {
	for _, tc := range hotPathFrames() {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DefaultOptions())
			var p Packet
			allocs := testing.AllocsPerRun(1000, func() {
				_ = d.Decode(tc.frame, &p) // the malformed case returns a shared error value
			})
			if allocs != 0 {
				t.Errorf("Decode allocates %.1f times per frame, want 0", allocs)
			}
		})
	}
}

// TestReassemblySteadyStateDoesNotAllocate checks that once its buffers
// exist, reassembling datagram after datagram allocates nothing.
func TestReassemblySteadyStateDoesNotAllocate(t *testing.T) {
	datagram := fragDatagram(2000)
	first := frame(capture.LinkIPv4, v4Fragment(1, 0, true, datagram[:1480]))
	last := frame(capture.LinkIPv4, v4Fragment(1, 1480, false, datagram[1480:]))
	d := NewDecoder(DefaultOptions())
	var p Packet
	allocs := testing.AllocsPerRun(1000, func() {
		_ = d.Decode(first, &p) // fragments of a valid datagram: no error
		_ = d.Decode(last, &p)
	})
	if allocs != 0 {
		t.Errorf("reassembly allocates %.1f times per datagram, want 0", allocs)
	}
	if !p.Has(LayerReassembled) || p.PayloadLen != 2000 {
		t.Errorf("layers %s payload %d, want a reassembled 2000-byte payload", layerList(p.Layers), p.PayloadLen)
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, tc := range hotPathFrames() {
		b.Run(tc.name, func(b *testing.B) {
			d := NewDecoder(DefaultOptions())
			var p Packet
			b.ReportAllocs()
			for b.Loop() {
				_ = d.Decode(tc.frame, &p) // only speed is measured here
			}
		})
	}
}
