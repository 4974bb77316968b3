package passive

import (
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/flow"
)

// TestTCPAnalysisFlags: textbook cases of tshark's sequence analysis.
func TestTCPAnalysisFlags(t *testing.T) {
	const c, s = true, false // direction: from the client or the server
	type seg struct {
		fromClient bool
		ms         int64
		seq, ack   uint32
		len        int
		flags      uint8
		want       uint16
	}
	ack, syn, psh := decode.TCPAck, decode.TCPSyn, decode.TCPPsh
	cases := []struct {
		name string
		segs []seg
	}{
		{"handshake and data are clean", []seg{
			{c, 0, 100, 0, 0, syn, 0}, {s, 10, 900, 101, 0, syn | ack, 0}, {c, 20, 101, 901, 0, ack, 0},
			{c, 30, 101, 901, 50, ack | psh, 0}, {s, 40, 901, 151, 0, ack, 0}}},
		{"retransmission after the RTT", []seg{
			{c, 0, 100, 0, 0, syn, 0}, {s, 10, 900, 101, 0, syn | ack, 0}, {c, 20, 101, 901, 0, ack, 0},
			{c, 30, 101, 901, 50, ack | psh, 0}, {c, 500, 101, 901, 50, ack | psh, tcpRetransmission}}},
		{"duplicate ACKs", []seg{
			{c, 0, 100, 0, 0, syn, 0}, {s, 10, 900, 101, 0, syn | ack, 0}, {c, 20, 101, 901, 0, ack, 0},
			{c, 30, 101, 901, 0, ack, tcpDuplicateAck}, {c, 40, 101, 901, 0, ack, tcpDuplicateAck}}},
		{"ACK of an unseen segment, once", []seg{
			{s, 0, 900, 101, 0, ack, 0}, {c, 10, 101, 950, 0, ack, tcpAckLostSegment},
			{c, 20, 101, 950, 10, ack | psh, 0}}},
		{"SYN retransmitted", []seg{
			{c, 0, 100, 0, 0, syn, 0}, {c, 1000, 100, 0, 0, syn, tcpRetransmission}}},
		{"new SYN on reused ports starts over", []seg{
			{c, 0, 100, 0, 0, syn, 0}, {c, 1000, 5000, 0, 0, syn, tcpReusedPorts}}},
	}
	key := flow.Key{Proto: decode.ProtoTCP, LoPort: 1, HiPort: 2}
	for _, tc := range cases {
		a := newTCPAnalyzer()
		for i, sg := range tc.segs {
			pk := &decode.Packet{Layers: decode.LayerIPv4 | decode.LayerTCP, Seq: sg.seq, Ack: sg.ack, TCPFlags: sg.flags, Window: 1000, PayloadLen: sg.len}
			got := a.analyze(pk, key, sg.fromClient, sg.ms*1e6)
			if got&(suspectFlags|tcpReusedPorts) != sg.want {
				t.Errorf("%s: segment %d: flags %#x, want %#x", tc.name, i, got&(suspectFlags|tcpReusedPorts), sg.want)
			}
		}
	}
}
