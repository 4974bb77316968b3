package packets

import (
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
)

// Fuzz inputs that carry several frames encode each as a 2-byte big-endian
// length and that many bytes: the fuzzer then mutates lengths and contents
// alike, and a sequence keeps flow state (handshakes, DNS then the flow it
// names) from one frame to the next.

// PackFrames encodes frames as one fuzz input (frames over 64 KiB are cut).
func PackFrames(frames [][]byte) []byte {
	var b []byte
	for _, f := range frames {
		if len(f) > 0xffff {
			f = f[:0xffff]
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// UnpackFrames is the inverse of PackFrames; a short last frame keeps the
// bytes that are there.
func UnpackFrames(b []byte) [][]byte {
	var frames [][]byte
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		n = min(n, len(b))
		frames = append(frames, b[:n])
		b = b[n:]
	}
	return frames
}

// SeedsFrom cuts a capture into fuzz seeds of perSeed consecutive frames,
// at most maxSeeds of them, and closes the reader.
func SeedsFrom(r capture.Reader, perSeed, maxSeeds int) [][]byte {
	defer r.Close()
	var seeds, window [][]byte
	for len(seeds) < maxSeeds {
		fr, err := r.Next()
		if err != nil {
			break
		}
		window = append(window, append([]byte(nil), fr.Data...))
		if len(window) == perSeed {
			seeds = append(seeds, PackFrames(window))
			window = nil
		}
	}
	return seeds
}

// WriteFrames writes frames as an Ethernet pcap at path, 1 ms apart from
// 2025-07-01, the synthetic captures' start.
func WriteFrames(tb testing.TB, path string, frames [][]byte) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(f, capture.LinkEthernet, 0, false)
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for i, fr := range frames {
		if err := w.WritePacket(base+int64(i)*int64(time.Millisecond), len(fr), fr); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}
