package passive

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/tshark"
)

func runMADEA(t *testing.T, workers int) (*inventory.Inventory, *Partial) {
	t.Helper()
	madea := testutil.Fixture(t, "madea")
	a := &Analysis{Volume: true, Protocols: true, Interval: 3600}
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{madea}, Workers: workers, Quiet: true,
		DevicesFile: filepath.Join(madea, "Device_MAC_Name_Mapping.csv"), Stderr: io.Discard, Analyses: []engine.Analysis{a}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Inventory, out.Partial(Name).(*Partial)
}

// nonIPProtocols are the application rows without a network row.
var nonIPProtocols = map[string]bool{"arp": true, "eapol": true, "eth": true, "unknown": true}

// TestMADEATotalsMatchTshark: for every device of the mapping, the volume
// rows and the protocol rows add up to tshark's eth.src == MAC (Tx) and
// eth.dst == MAC (Rx) packet and byte counts over the 19 captures, and
// every interval's LAN and WAN rows add up to its combined row.
func TestMADEATotalsMatchTshark(t *testing.T) {
	inv, p := runMADEA(t, 0)
	tx, rx := tshark.PerMAC(t, testutil.Fixture(t, "madea"))
	vols, err := BuildVolume(p, inv, "")
	if err != nil {
		t.Fatal(err)
	}
	cats, _ := LoadCategories("")
	protos := BuildProtocols(p, inv, cats)
	seen := 0
	for i, d := range vols {
		m := d.MACs[0].String()
		want := Volume{TxFrames: tx[m].Packets, TxBytes: tx[m].Bytes, RxFrames: rx[m].Packets, RxBytes: rx[m].Bytes}
		got := d.Totals(ScopeAll)
		if got.TxFrames != want.TxFrames || got.TxBytes != want.TxBytes || got.RxFrames != want.RxFrames || got.RxBytes != want.RxBytes {
			t.Errorf("%s volume: tx %d/%d rx %d/%d, tshark tx %d/%d rx %d/%d", d.Name, got.TxFrames, got.TxBytes,
				got.RxFrames, got.RxBytes, want.TxFrames, want.TxBytes, want.RxFrames, want.RxBytes)
		}
		if got.Frames != got.TxFrames+got.RxFrames {
			t.Errorf("%s: Frames %d != Tx + Rx", d.Name, got.Frames)
		}
		for j := range d.Rows[ScopeAll] {
			sum := d.Rows[ScopeLAN][j]
			sum.add(&d.Rows[ScopeWAN][j])
			if sum != d.Rows[ScopeAll][j] {
				t.Fatalf("%s row %d: LAN + WAN != ALL", d.Name, j)
			}
		}
		var pt Traffic
		for f := 0; f < numFamilies; f++ {
			for _, r := range protos[i].Rows[f][ScopeAll] {
				if r.Layer == LayerNetwork || (r.Layer == LayerApplication && nonIPProtocols[r.Protocol]) {
					pt.add(&r.Traffic)
				}
			}
		}
		if pt.TxPackets != want.TxFrames || pt.TxBytes != want.TxBytes || pt.RxPackets != want.RxFrames || pt.RxBytes != want.RxBytes {
			t.Errorf("%s protocols: tx %d/%d rx %d/%d, tshark tx %d/%d rx %d/%d", d.Name, pt.TxPackets, pt.TxBytes,
				pt.RxPackets, pt.RxBytes, want.TxFrames, want.TxBytes, want.RxFrames, want.RxBytes)
		}
		if got.Frames > 0 {
			seen++
		}
	}
	if seen != 14 {
		t.Errorf("%d devices seen, want 14 (the Nest Protect is silent)", seen)
	}
}

// TestMADEABlinkStorm: the Blink camera's SYN/RST loop in
// monitoring_2023-6-13_20_0_41.cap (2023-06-14 03:00-03:02 UTC) makes its
// hour the busiest of the camera by far.
func TestMADEABlinkStorm(t *testing.T) {
	inv, p := runMADEA(t, 0)
	vols, err := BuildVolume(p, inv, "")
	if err != nil {
		t.Fatal(err)
	}
	var blink *DeviceVolume
	for i := range vols {
		if vols[i].Name == "Blink Mini Camera" {
			blink = &vols[i]
		}
	}
	if blink == nil {
		t.Fatal("no Blink Mini Camera")
	}
	storm := time.Date(2023, 6, 14, 3, 0, 0, 0, time.UTC).Unix()
	var stormRow Volume
	var busy []int64
	for j, r := range blink.Rows[ScopeAll] {
		if blink.Start(j) == storm {
			stormRow = r
			continue
		}
		if r.Frames > 0 {
			busy = append(busy, r.Frames)
		}
	}
	sort.Slice(busy, func(i, j int) bool { return busy[i] < busy[j] })
	median := busy[len(busy)/2]
	if stormRow.Frames < 17000 || stormRow.Frames < 10*median {
		t.Fatalf("storm hour: %d frames, median busy hour %d", stormRow.Frames, median)
	}
	// The loop is TCP/443 to a LAN host (192.168.5.1): it is LAN traffic.
	lanStorm := blink.Rows[ScopeLAN][(storm/3600)-blink.FirstIdx]
	if lanStorm.TxFrames < 8000 || lanStorm.RxFrames < 8000 {
		t.Errorf("storm hour LAN: %+v", lanStorm)
	}
}

// TestMADEAWorkersByteIdentical: -j 1 and -j 2 write byte-identical files.
func TestMADEAWorkersByteIdentical(t *testing.T) {
	var dirs []string
	for _, j := range []int{1, 2} {
		inv, p := runMADEA(t, j)
		dir := t.TempDir()
		naming := &Naming{Capture: "madea"}
		vols, err := BuildVolume(p, inv, "")
		if err != nil {
			t.Fatal(err)
		}
		cats, _ := LoadCategories("")
		if err := WriteVolume(filepath.Join(dir, "v"), naming, vols); err != nil {
			t.Fatal(err)
		}
		if err := WriteOverall(filepath.Join(dir, "o"), ComputeOverall(OverallFromVolume(vols))); err != nil {
			t.Fatal(err)
		}
		if err := WriteProtocols(filepath.Join(dir, "p"), naming, BuildProtocols(p, inv, cats)); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	a, b := readTree(t, dirs[0]), readTree(t, dirs[1])
	if len(a) < 90 || len(a) != len(b) {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between -j 1 and -j 2", name)
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
