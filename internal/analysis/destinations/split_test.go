package destinations_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/synth"
	"github.com/iotlens/iotlens/internal/testutil"
)

// rotate cuts a capture into n files of about equal packet counts, as a
// rotating tcpdump would, and returns their paths in order.
func rotate(t *testing.T, src []byte, dir string, n int, packets int64) []string {
	t.Helper()
	r, err := capture.NewReader(bytes.NewReader(src), "synth")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	var w *capture.PcapWriter
	var f *os.File
	per := packets/int64(n) + 1
	for i := int64(0); ; i++ {
		fr, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%per == 0 {
			if f != nil {
				w.Flush()
				f.Close()
			}
			p := filepath.Join(dir, fmt.Sprintf("part-%02d.pcap", len(paths)))
			if f, err = os.Create(p); err != nil {
				t.Fatal(err)
			}
			w, _ = capture.NewPcapWriter(f, capture.LinkEthernet, 0, false)
			paths = append(paths, p)
		}
		w.WritePacket(fr.Time, fr.WireLen, fr.Data)
	}
	w.Flush()
	f.Close()
	return paths
}

type rowTotals struct{ Flows, Packets, BytesUp, BytesDown int64 }

func destinationRows(t *testing.T, inputs []string, devices string, workers int) map[string]rowTotals {
	t.Helper()
	return rowsOf(t, pipeline.Options{Inputs: inputs, Workers: workers, DevicesFile: devices})
}

// shardedRows runs the files as n shards, each saved to a shard file, and
// merges the shard files as `iotlens merge` does.
func shardedRows(t *testing.T, inputs []string, devices string, n int) map[string]rowTotals {
	t.Helper()
	dir := t.TempDir()
	var shards []string
	for k := range n {
		path := filepath.Join(dir, fmt.Sprintf("part-%d.iotl", k))
		opts := pipeline.Options{Inputs: inputs, DevicesFile: devices, Shard: fmt.Sprintf("%d/%d", k, n), ShardOut: path,
			Quiet: true, Stderr: io.Discard, Analyses: []engine.Analysis{destinations.Analysis{}}}
		if _, err := pipeline.Run(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, path)
	}
	return rowsOf(t, pipeline.Options{FromShards: shards, DevicesFile: devices})
}

func rowsOf(t *testing.T, opts pipeline.Options) map[string]rowTotals {
	t.Helper()
	opts.Quiet, opts.Stderr, opts.Analyses = true, io.Discard, []engine.Analysis{destinations.Analysis{}}
	out, err := pipeline.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]rowTotals{}
	for _, m := range destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, destinations.Enricher{}) {
		for _, r := range m.Rows {
			rows[m.Device.Name+" "+m.Month+" "+r.Domain+" "+r.IPs] = rowTotals{r.Flows, r.Packets, r.BytesUp, r.BytesDown}
		}
	}
	return rows
}

// TestRotatedFilesCountFlowsOnce: the same traffic as one capture or cut
// into rotated files gives the same destinations, flows included: a
// connection open across a cut is one flow, as in the single file.
func TestRotatedFilesCountFlowsOnce(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	truth, err := synth.Generate(&buf, synth.Options{Devices: 8, Duration: 90 * time.Minute, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	devices := filepath.Join(dir, "devices.csv")
	df, _ := os.Create(devices)
	synth.WriteMACList(df, truth)
	df.Close()
	whole := filepath.Join(dir, "whole.pcap")
	if err := os.WriteFile(whole, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := destinationRows(t, []string{whole}, devices, 1)
	for _, n := range []int{2, 7} {
		parts := rotate(t, buf.Bytes(), t.TempDir(), n, truth.Packets)
		runs := map[string]map[string]rowTotals{
			"-j 1":     destinationRows(t, parts, devices, 1),
			"-j 3":     destinationRows(t, parts, devices, 3),
			"2 shards": shardedRows(t, parts, devices, 2),
		}
		if n == 7 {
			runs["3 shards"] = shardedRows(t, parts, devices, 3)
		}
		for how, got := range runs {
			if !reflect.DeepEqual(got, want) {
				for k, w := range want {
					if got[k] != w {
						t.Errorf("%d files, %s: %s = %+v, want %+v", n, how, k, got[k], w)
					}
				}
				for k := range got {
					if _, ok := want[k]; !ok {
						t.Errorf("%d files, %s: extra row %s", n, how, k)
					}
				}
			}
		}
	}
	var flows int64
	for _, r := range want {
		flows += r.Flows
	}
	t.Logf("%d destinations, %d flows: identical from 1, 2 and 7 files, with -j 1 and 3 and in 2 and 3 shards", len(want), flows)
}

// TestMADEARunEqualsMergedCapture: the 19 rotated MADEA files and the same
// frames merged into one capture give the same destinations, flow counts
// included (long-lived TLS connections cross the cuts), also when the files
// are split into 4 shards (a connection named by its SNI in one shard and
// continued through the first files of the next).
func TestMADEARunEqualsMergedCapture(t *testing.T) {
	files, err := engine.ExpandInputs([]string{testutil.Fixture(t, "madea")})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	merged := filepath.Join(t.TempDir(), "merged.pcap")
	out, err := os.Create(merged)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := capture.NewPcapWriter(out, capture.LinkEthernet, 0, true)
	for _, p := range paths {
		r, err := capture.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for {
			fr, err := r.Next()
			if err != nil {
				break // end, or the truncated tail of a damaged file: its complete frames are kept
			}
			w.WritePacket(fr.Time, fr.WireLen, fr.Data)
		}
		r.Close()
	}
	w.Flush()
	out.Close()
	devices := testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv")
	want := destinationRows(t, []string{merged}, devices, 1)
	var flows int64
	for _, w := range want {
		flows += w.Flows
	}
	for how, got := range map[string]map[string]rowTotals{
		"rotated files":           destinationRows(t, paths, devices, 2),
		"rotated files, 4 shards": shardedRows(t, paths, devices, 4),
	} {
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s %+v, merged capture %+v", k, how, got[k], w)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s only: %s", how, k)
			}
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("%d destinations, %d flows: identical from the %d rotated files (also in 4 shards) and the merged capture", len(want), flows, len(paths))
}
