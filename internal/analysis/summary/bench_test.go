package summary_test

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

// BenchmarkSummaryMADEA is the whole summary pass (hosts discovery included)
// over one real 20 000-packet capture; b.SetBytes makes it report MB/s.
func BenchmarkSummaryMADEA(b *testing.B) {
	path := testutil.Fixture(b, "madea", "monitoring_2023-6-12_21_50_58.cap")
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		_, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{path}, Workers: 1,
			Stderr: io.Discard, Quiet: true, Analyses: []engine.Analysis{summary.Analysis{}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}
