package destinations_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/synth"
)

// BenchmarkDestinationsSynthetic runs the whole destinations pass over a
// synthetic home capture (about 50 MB); compare with the summary benchmark.
func BenchmarkDestinationsSynthetic(b *testing.B) {
	var buf bytes.Buffer
	if _, err := synth.Generate(&buf, synth.Options{Devices: 20, TargetBytes: 50e6, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "home.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		_, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{path}, Workers: 1, Quiet: true,
			Stderr: io.Discard, Analyses: []engine.Analysis{destinations.Analysis{}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}
