package packets

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/tcpreasm"
)

// Direction names one direction of a TCP connection.
type Direction struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
}

// directionOf returns the direction p travels in.
func directionOf(p *decode.Packet) Direction {
	return Direction{p.SrcIP, p.DstIP, p.SrcPort, p.DstPort}
}

// Reverse returns the other direction of the same connection.
func (d Direction) Reverse() Direction {
	return Direction{d.Dst, d.Src, d.DstPort, d.SrcPort}
}

// Reassembler keeps one tcpreasm.Stream per TCP direction, for tests that
// read TCP streams while they also handle other packets in capture order.
type Reassembler struct {
	limit   int
	streams map[Direction]*tcpreasm.Stream
}

// NewReassembler returns a Reassembler whose streams keep up to limit bytes
// each.
func NewReassembler(limit int) *Reassembler {
	return &Reassembler{limit: limit, streams: map[Direction]*tcpreasm.Stream{}}
}

// Add adds the segment of TCP packet p (its SYN flag too) to the stream of
// its direction, created on first use, and returns the direction and the
// stream.
func (r *Reassembler) Add(p *decode.Packet) (Direction, *tcpreasm.Stream) {
	k := directionOf(p)
	s := r.streams[k]
	if s == nil {
		s = new(tcpreasm.Stream)
		s.Init(r.limit)
		r.streams[k] = s
	}
	s.Add(p.Seq, p.TCPFlags&decode.TCPSyn != 0, p.Payload)
	return k, s
}

// TCPStreams reassembles, up to limit bytes each, every TCP direction of
// the capture at path whose packets keep accepts (nil keeps all), and calls
// fn with the direction and its stream after each segment that carried
// payload. The stream's Bytes are valid during the call; fn may Skip what it
// has consumed. A capture cut short stops cleanly, and TCPStreams returns
// what Each returns.
func TCPStreams(tb testing.TB, path string, keep func(p *decode.Packet) bool, limit int, fn func(k Direction, s *tcpreasm.Stream)) error {
	tb.Helper()
	r := NewReassembler(limit)
	return Each(tb, path, func(p *decode.Packet) {
		if !p.Has(decode.LayerTCP) || (keep != nil && !keep(p)) {
			return
		}
		k, s := r.Add(p)
		if len(p.Payload) > 0 {
			fn(k, s)
		}
	})
}

// Conversation holds the first bytes of both directions of one TCP
// connection, each reassembled in sequence order up to its first gap. The
// client is the side that sent data first.
type Conversation struct {
	Client, Server []byte
}

// Conversations returns the TCP connections of the capture at path that
// carried data, in order of their first data, each direction kept up to
// limit bytes. A capture cut short gives the connections before the cut.
func Conversations(tb testing.TB, path string, limit int) []Conversation {
	tb.Helper()
	streams := map[Direction]*tcpreasm.Stream{}
	var order []Direction
	TCPStreams(tb, path, nil, limit, func(k Direction, s *tcpreasm.Stream) {
		if streams[k] == nil && streams[k.Reverse()] == nil {
			order = append(order, k)
		}
		streams[k] = s
	})
	out := make([]Conversation, 0, len(order))
	for _, k := range order {
		out = append(out, Conversation{bytesOf(streams[k]), bytesOf(streams[k.Reverse()])})
	}
	return out
}

// bytesOf returns s.Bytes(), or nil for a nil stream.
func bytesOf(s *tcpreasm.Stream) []byte {
	if s == nil {
		return nil
	}
	return s.Bytes()
}
