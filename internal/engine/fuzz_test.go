package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/synth"
	"github.com/iotlens/iotlens/internal/testutil"
)

// framesPerSeed is how many consecutive frames make one seed: enough for a
// DNS answer and the flow that uses it, or a TCP handshake and its first
// records, so the fuzzer starts from states deep inside the dissectors.
const framesPerSeed = 16

// packFrames encodes frames as the fuzz input: each is a 2-byte big-endian
// length followed by that many bytes.
func packFrames(frames [][]byte) []byte {
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

// unpackFrames is the inverse of packFrames; a short last frame keeps what
// is there.
func unpackFrames(b []byte) [][]byte {
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

// seedsFrom cuts a capture into windows of consecutive frames.
func seedsFrom(r capture.Reader, maxSeeds int) [][]byte {
	defer r.Close()
	var seeds [][]byte
	var window [][]byte
	for len(seeds) < maxSeeds {
		fr, err := r.Next()
		if err != nil {
			break
		}
		window = append(window, append([]byte(nil), fr.Data...))
		if len(window) == framesPerSeed {
			seeds = append(seeds, packFrames(window))
			window = nil
		}
	}
	return seeds
}

// FuzzEngine feeds arbitrary frame sequences through every dissector the
// engine has, with flow state carried from frame to frame: a TCP stream, a
// DNS answer and the flow it names, a QUIC Initial after a lookup.
func FuzzEngine(f *testing.F) {
	var sample bytes.Buffer
	if _, err := synth.Generate(&sample, synth.Options{Devices: 9, Duration: 3 * time.Minute, Seed: 7, Hostile: true}); err != nil {
		f.Fatal(err)
	}
	r, err := capture.NewReader(&sample, "synth")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seedsFrom(r, 64) {
		f.Add(s)
	}
	for _, rel := range [][]string{
		{"ndpi", "tls_missing_ch_frag.pcap"},
		{"ndpi", "dns_fragmented.pcap"},
		{"zeek", "quic", "curl-8.1.2-dev-http3-www-google-de.pcap"},
		{"iot-sentinel", "Withings", "Setup-C-2-STA.pcap"},
		{"uclouvain-shhcp", "TuyaPlug", "boot", "1741186292.anon.pcap"},
	} {
		r, err := capture.Open(testutil.Fixture(f, rel...))
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range seedsFrom(r, 8) {
			f.Add(s)
		}
	}
	path := filepath.Join(f.TempDir(), "fuzz.pcap")
	f.Fuzz(func(t *testing.T, data []byte) {
		writeFrames(t, path, unpackFrames(data))
		res, err := Run(context.Background(), Config{Files: []FileInfo{{Path: path}}, Workers: 1, Analyses: []Analysis{everything{}}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Partials[0].(*countPartial).frames, int64(len(unpackFrames(data))); got != want {
			t.Fatalf("%d frames analysed, want %d", got, want)
		}
	})
}

func writeFrames(t *testing.T, path string, frames [][]byte) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(io.Writer(f), capture.LinkEthernet, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	base := synth.DefaultStart.UnixNano()
	for i, fr := range frames {
		if err := w.WritePacket(base+int64(i)*int64(time.Millisecond), len(fr), fr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
