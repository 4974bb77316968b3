package packets

import (
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
)

// Each decodes every frame of the capture at path with
// decode.DefaultOptions and calls fn with each packet that decodes without
// error; the packet and its payload are valid only during the call. A frame
// that does not decode is skipped. Any read error other than a cut fails the
// test at once.
//
// Each returns nil when the capture was read to its end, or the
// *capture.Error (Truncated set) of a capture cut short, after fn has seen
// every frame before the cut. Callers that must read the whole capture fail
// on it; others ignore it.
func Each(tb testing.TB, path string, fn func(p *decode.Packet)) error {
	tb.Helper()
	r, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	dec := decode.NewDecoder(decode.DefaultOptions())
	var p decode.Packet
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var ce *capture.Error
		if errors.As(err, &ce) && ce.Truncated {
			return err
		}
		if err != nil {
			tb.Fatal(err)
		}
		if dec.Decode(f, &p) == nil {
			fn(&p)
		}
	}
}

// Partial reports whether p is an IP fragment that does not complete its
// datagram: its Payload is only the part this fragment carries.
func Partial(p *decode.Packet) bool {
	return p.Has(decode.LayerFragment) && !p.Has(decode.LayerReassembled)
}

// UDPPayloads returns copies of the UDP payloads, in capture order, of the
// packets of the capture at path sent from or to one of ports. A capture cut
// short gives the payloads before the cut.
func UDPPayloads(tb testing.TB, path string, ports ...uint16) [][]byte {
	tb.Helper()
	var out [][]byte
	Each(tb, path, func(p *decode.Packet) {
		if p.Has(decode.LayerUDP) && (slices.Contains(ports, p.SrcPort) || slices.Contains(ports, p.DstPort)) {
			out = append(out, append([]byte(nil), p.Payload...))
		}
	})
	return out
}
