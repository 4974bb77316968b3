package pipeline_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/endpoints"
	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/enrich"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil/frameseeds"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// FuzzAnalyses runs arbitrary frame sequences through the whole pipeline
// (device discovery, the dissectors, and the summary, destinations,
// passive and endpoints analyses in one pass) and then builds every
// report with the real classifier: no hostile packet may make any
// analysis or report panic.
func FuzzAnalyses(f *testing.F) {
	frameseeds.Add(f)
	en, _, err := enrich.New(enrich.Options{})
	if err != nil {
		f.Fatal(err)
	}
	cats, err := passive.LoadCategories("")
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "fuzz.pcap")
	f.Fuzz(func(t *testing.T, data []byte) {
		packets.WriteFrames(t, path, packets.UnpackFrames(data))
		pass := &passive.Analysis{Volume: true, Protocols: true}
		out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{path}, Workers: 1, Quiet: true, Stderr: io.Discard,
			Analyses: []engine.Analysis{summary.Analysis{}, destinations.Analysis{}, pass, endpoints.Analysis{}}})
		if err != nil {
			t.Fatal(err)
		}
		inv := out.Inventory
		summary.Build(out.Partial(summary.Name).(*summary.Partial), inv, 3)
		destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), inv, en.Destinations())
		pp := out.Partial(passive.Name).(*passive.Partial)
		if _, err := passive.BuildVolume(pp, inv, ""); err != nil {
			t.Fatal(err)
		}
		passive.BuildProtocols(pp, inv, cats)
		endpoints.Report(out.Partial(endpoints.Name).(*endpoints.Partial), inv, en.Endpoints(), nil)
	})
}
