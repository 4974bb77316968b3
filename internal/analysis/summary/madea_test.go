package summary_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/tshark"
)

func runSummary(t *testing.T, opts pipeline.Options) (*pipeline.Outcome, []summary.Row) {
	t.Helper()
	opts.Analyses = []engine.Analysis{summary.Analysis{}}
	opts.Stderr = io.Discard
	out, err := pipeline.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return out, summary.Build(out.Partial(summary.Name).(*summary.Partial), out.Inventory, 3)
}

// TestMADEAWithMapping: every host of Device_MAC_Name_Mapping.csv that
// appears in the captures is named (14 of 15 rows: the Nest Protect is
// silent), the truncated files warn and keep their packets, and the Tx/Rx
// totals equal tshark's eth.src / eth.dst counts.
func TestMADEAWithMapping(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	out, rows := runSummary(t, pipeline.Options{Inputs: []string{madea}, DevicesFile: filepath.Join(madea, "Device_MAC_Name_Mapping.csv")})
	if len(rows) != 15 {
		t.Fatalf("want the 15 rows of the mapping, got %d", len(rows))
	}
	seen := 0
	for _, r := range rows {
		if r.Packets > 0 {
			seen++
		} else if r.Device != "Nest Smoke & CO Detector" {
			t.Errorf("%s not seen", r.Device)
		}
	}
	if seen != 14 {
		t.Errorf("%d devices seen, want 14", seen)
	}
	truncated := 0
	for _, w := range out.Result.Warnings {
		if w.Kind == engine.WarnTruncated {
			truncated++
		}
	}
	if truncated != 3 {
		t.Errorf("want 3 truncation warnings, got %v", out.Result.Warnings)
	}
	if out.Result.Frames != 339407 {
		t.Errorf("frames = %d, want 339407 (tshark's count over the 19 files)", out.Result.Frames)
	}
	tx, rx := tshark.PerMAC(t, madea)
	for _, r := range rows {
		if len(r.MACs) != 1 {
			t.Fatalf("%s: MACs %v", r.Device, r.MACs)
		}
		m := r.MACs[0]
		if r.TxPackets != tx[m].Packets || r.TxBytes != tx[m].Bytes || r.RxPackets != rx[m].Packets || r.RxBytes != rx[m].Bytes {
			t.Errorf("%s (%s): iotlens tx %d/%d rx %d/%d, tshark tx %d/%d rx %d/%d", r.Device, m,
				r.TxPackets, r.TxBytes, r.RxPackets, r.RxBytes, tx[m].Packets, tx[m].Bytes, rx[m].Packets, rx[m].Bytes)
		}
	}
}

// TestMADEADiscovery: without the mapping the same 14 hosts are discovered,
// with vendor names from the MAC registry where the MAC is not random.
func TestMADEADiscovery(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	_, mapped := runSummary(t, pipeline.Options{Inputs: []string{madea}, DevicesFile: filepath.Join(madea, "Device_MAC_Name_Mapping.csv")})
	_, found := runSummary(t, pipeline.Options{Inputs: []string{madea}})
	byMAC := map[string]summary.Row{}
	for _, r := range found {
		for _, m := range r.MACs {
			byMAC[m] = r
		}
	}
	for _, want := range mapped {
		if want.Packets == 0 {
			continue
		}
		got, ok := byMAC[want.MACs[0]]
		if !ok {
			t.Errorf("%s (%s) not discovered", want.Device, want.MACs[0])
			continue
		}
		if got.TxPackets != want.TxPackets || got.RxBytes != want.RxBytes {
			t.Errorf("%s: discovered counts differ", want.Device)
		}
		if got.Vendor == "" && want.MACs[0] != "e6:ce:94:c8:64:43" { // the Pixel uses a random MAC
			t.Errorf("%s: no vendor", want.Device)
		}
	}
}

// TestWorkersDoNotChangeResults: -j 1 and -j 2 give identical rows (files
// are merged in input order whatever finishes first).
func TestWorkersDoNotChangeResults(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	var outs [][]summary.Row
	for _, j := range []int{1, 2, 5} {
		_, rows := runSummary(t, pipeline.Options{Inputs: []string{madea}, Workers: j})
		outs = append(outs, rows)
	}
	for i := 1; i < len(outs); i++ {
		a, b := fmt.Sprint(outs[0]), fmt.Sprint(outs[i])
		if a != b {
			t.Fatalf("results differ between worker counts:\n%s\n%s", a, b)
		}
	}
}
