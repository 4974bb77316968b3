package engine

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/frameseeds"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// FuzzEngine feeds arbitrary frame sequences through every dissector the
// engine has, with flow state carried from frame to frame: a TCP stream, a
// DNS answer and the flow it names, a QUIC Initial after a lookup.
func FuzzEngine(f *testing.F) {
	frameseeds.Add(f)
	path := filepath.Join(f.TempDir(), "fuzz.pcap")
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := packets.UnpackFrames(data)
		packets.WriteFrames(t, path, frames)
		res, err := Run(context.Background(), Config{Files: []FileInfo{{Path: path}}, Workers: 1, Analyses: []Analysis{everything{}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Partials[0].(*countPartial).frames; got != int64(len(frames)) {
			t.Fatalf("%d frames analysed, want %d", got, len(frames))
		}
	})
}
