package http

import (
	"errors"
	"io"
	"net/netip"
	"sort"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
)

// tcpStream holds the first bytes of each direction of one TCP connection
// (client = the side that sent data first), joined in sequence order up to
// the first gap.
type tcpStream struct {
	client, server []byte
}

type flowKey struct{ src, dst netip.AddrPort }

type segment struct {
	seq  uint32
	data []byte
}

// readTCPStreams reads a capture and returns its TCP connections in order of
// first data.
func readTCPStreams(t *testing.T, path string) []tcpStream {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dec := decode.NewDecoder(decode.DefaultOptions())
	segs := map[flowKey][]segment{}
	var order []flowKey
	var p decode.Packet
	for {
		f, err := r.Next()
		var ce *capture.Error
		if err == io.EOF || errors.As(err, &ce) && ce.Truncated {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if dec.Decode(f, &p) != nil || !p.Has(decode.LayerTCP) || len(p.Payload) == 0 {
			continue
		}
		k := flowKey{netip.AddrPortFrom(p.SrcIP, p.SrcPort), netip.AddrPortFrom(p.DstIP, p.DstPort)}
		if segs[k] == nil && segs[flowKey{k.dst, k.src}] == nil {
			order = append(order, k)
		}
		segs[k] = append(segs[k], segment{p.Seq, append([]byte(nil), p.Payload...)})
	}
	streams := make([]tcpStream, 0, len(order))
	for _, k := range order {
		streams = append(streams, tcpStream{joinSegments(segs[k]), joinSegments(segs[flowKey{k.dst, k.src}])})
	}
	return streams
}

// joinSegments orders segments by sequence number relative to the first one
// and joins them up to the first gap.
func joinSegments(segs []segment) []byte {
	if len(segs) == 0 {
		return nil
	}
	base := segs[0].seq
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].seq-base < segs[j].seq-base })
	var out []byte
	next := uint32(0)
	for _, s := range segs {
		off := s.seq - base
		if int32(off-next) > 0 {
			break
		}
		if end := off + uint32(len(s.data)); int32(end-next) > 0 {
			out = append(out, s.data[next-off:]...)
			next = end
		}
	}
	return out
}
