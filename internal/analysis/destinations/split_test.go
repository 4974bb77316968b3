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
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, Workers: workers, Quiet: true, Stderr: io.Discard,
		DevicesFile: devices, Analyses: []engine.Analysis{destinations.Analysis{}}})
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
		for _, workers := range []int{1, 3} {
			got := destinationRows(t, parts, devices, workers)
			if !reflect.DeepEqual(got, want) {
				for k, w := range want {
					if got[k] != w {
						t.Errorf("%d files, -j %d: %s = %+v, want %+v", n, workers, k, got[k], w)
					}
				}
				for k := range got {
					if _, ok := want[k]; !ok {
						t.Errorf("%d files, -j %d: extra row %s", n, workers, k)
					}
				}
				t.FailNow()
			}
		}
	}
	var flows int64
	for _, r := range want {
		flows += r.Flows
	}
	t.Logf("%d destinations, %d flows: identical from 1, 2 and 7 files", len(want), flows)
}

// TestMADEARunEqualsMergedCapture: the 11 rotated files of the MADEA run
// and the same frames merged into one capture give the same destinations,
// flow counts included (long-lived TLS connections cross the cuts).
func TestMADEARunEqualsMergedCapture(t *testing.T) {
	var paths []string
	for _, f := range gaplessRun {
		paths = append(paths, testutil.Fixture(t, "madea", f))
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
	got := destinationRows(t, paths, devices, 2)
	var flows int64
	for k, w := range want {
		flows += w.Flows
		if got[k] != w {
			t.Errorf("%s: rotated files %+v, merged capture %+v", k, got[k], w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("rotated files only: %s", k)
		}
	}
	t.Logf("%d destinations, %d flows: identical from the 11 rotated files and the merged capture", len(want), flows)
}
