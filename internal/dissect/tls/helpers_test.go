package tls

import (
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"sort"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
)

// helloSpec describes a ClientHello for buildClientHello.
type helloSpec struct {
	version    uint16
	ciphers    []uint16
	extensions []extensionSpec
}

type extensionSpec struct {
	typ  uint16
	data []byte
}

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

func u16List(lenBytes int, values ...uint16) []byte {
	var body []byte
	for _, v := range values {
		body = append(body, u16(v)...)
	}
	return prefixLen(lenBytes, body)
}

func prefixLen(lenBytes int, body []byte) []byte {
	n := len(body)
	var hdr []byte
	switch lenBytes {
	case 1:
		hdr = []byte{byte(n)}
	case 2:
		hdr = u16(uint16(n))
	case 3:
		hdr = []byte{byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return append(hdr, body...)
}

func sniExtension(name string) extensionSpec {
	entry := append([]byte{0}, prefixLen(2, []byte(name))...)
	return extensionSpec{extServerName, prefixLen(2, entry)}
}

func alpnExtension(protocols ...string) extensionSpec {
	var list []byte
	for _, p := range protocols {
		list = append(list, prefixLen(1, []byte(p))...)
	}
	return extensionSpec{extALPN, prefixLen(2, list)}
}

// helloMessage encodes the handshake message (type, length, body).
func (s helloSpec) helloMessage() []byte {
	body := u16(s.version)
	body = append(body, make([]byte, 32)...) // random
	body = append(body, prefixLen(1, []byte{1, 2, 3, 4})...)
	body = append(body, u16List(2, s.ciphers...)...)
	body = append(body, 1, 0) // null compression
	var exts []byte
	for _, e := range s.extensions {
		exts = append(exts, u16(e.typ)...)
		exts = append(exts, prefixLen(2, e.data)...)
	}
	body = append(body, prefixLen(2, exts)...)
	return append([]byte{typeClientHello}, prefixLen(3, body)...)
}

// records wraps handshake bytes into TLS records of at most maxFrag bytes.
func records(hs []byte, maxFrag int) []byte {
	var out []byte
	for len(hs) > 0 {
		n := min(maxFrag, len(hs))
		out = append(out, contentHandshake, 3, 1)
		out = append(out, prefixLen(2, hs[:n])...)
		hs = hs[n:]
	}
	return out
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tcpStreams reads a capture and returns, for each TCP connection in order
// of first data, the first bytes of each direction (client = the side that
// sent data first), joined in sequence order up to the first gap.
type tcpStream struct {
	client, server []byte
}

type flowKey struct {
	src, dst netip.AddrPort
}

type segment struct {
	seq  uint32
	data []byte
}

func readTCPStreams(t *testing.T, path string, limit int) []tcpStream {
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
		if err == io.EOF {
			break
		}
		var ce *capture.Error
		if errors.As(err, &ce) && ce.Truncated {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if dec.Decode(f, &p) != nil || !p.Has(decode.LayerTCP) || len(p.Payload) == 0 {
			continue
		}
		k := flowKey{netip.AddrPortFrom(p.SrcIP, p.SrcPort), netip.AddrPortFrom(p.DstIP, p.DstPort)}
		rev := flowKey{k.dst, k.src}
		if _, ok := segs[k]; !ok {
			if _, ok := segs[rev]; !ok {
				order = append(order, k)
			}
		}
		segs[k] = append(segs[k], segment{p.Seq, append([]byte(nil), p.Payload...)})
	}
	streams := make([]tcpStream, 0, len(order))
	for _, k := range order {
		streams = append(streams, tcpStream{
			client: joinSegments(segs[k], limit),
			server: joinSegments(segs[flowKey{k.dst, k.src}], limit),
		})
	}
	return streams
}

// joinSegments orders segments by sequence number (relative to the first
// one sent) and joins them until a gap or limit bytes.
func joinSegments(segs []segment, limit int) []byte {
	if len(segs) == 0 {
		return nil
	}
	base := segs[0].seq
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].seq-base < segs[j].seq-base })
	var out []byte
	next := uint32(0)
	for _, s := range segs {
		off := s.seq - base
		end := off + uint32(len(s.data))
		if end <= next || int32(off-next) > 0 || len(out) >= limit {
			if int32(off-next) > 0 {
				break
			}
			continue
		}
		out = append(out, s.data[next-off:]...)
		next = end
	}
	return out
}
