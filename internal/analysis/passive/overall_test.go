package passive

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOverallMatchesPandas: the seed's two overall files computed from the
// stats files in testdata/volume are byte-identical to what the seed's
// calculate_overall_stats.py logic prints with pandas (testdata/
// overall-expected was produced with pandas 1.5.3 / numpy 1.24, bottleneck
// off): float repr, integer 0 CoV for a zero mean, nan CoV for one row.
func TestOverallMatchesPandas(t *testing.T) {
	in, err := ReadVolumeDir(filepath.Join("testdata", "volume"))
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 2 || in[0].Key != "DLink (FR)" || len(in[0].Rows[ScopeWAN]) != 30 {
		t.Fatalf("read %+v", in)
	}
	dir := t.TempDir()
	if err := WriteOverall(dir, ComputeOverall(in)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"overall-stats.csv", "overall-distribution.csv"} {
		got, _ := os.ReadFile(filepath.Join(dir, name))
		want, _ := os.ReadFile(filepath.Join("testdata", "overall-expected", name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from pandas:\n got %s\nwant %s", name, got, want)
		}
	}
	if len(OverallStatsHeader) != 37 || len(OverallDistributionHeader) != 35 {
		t.Errorf("headers: %d and %d columns", len(OverallStatsHeader), len(OverallDistributionHeader))
	}
}

func TestColumnStat(t *testing.T) {
	cases := []struct {
		col      []int64
		avg, cov float64
		zero     bool
	}{
		{[]int64{0, 0, 0}, 0, 0, true},
		{[]int64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0/7) / 5, false},
		{[]int64{10}, 10, math.NaN(), false},
	}
	for _, c := range cases {
		s := columnStat(c.col)
		if s.Avg != c.avg || s.CoVZero != c.zero || (math.IsNaN(c.cov) != math.IsNaN(s.CoV)) || (!math.IsNaN(c.cov) && math.Abs(s.CoV-c.cov) > 1e-15) {
			t.Errorf("%v: %+v, want avg %v cov %v zero %v", c.col, s, c.avg, c.cov, c.zero)
		}
	}
}

func TestPairwiseSumMatchesNumpyBlocks(t *testing.T) {
	// 1e16 + 1 + ... loses the ones in a running sum but not in numpy's
	// 8-way unrolled blocks, which add the ones among themselves first.
	a := make([]float64, 16)
	a[0] = 1e16
	for i := 1; i < len(a); i++ {
		a[i] = 1
	}
	if got := pairwiseSum(a); got != 1e16+14 {
		t.Errorf("pairwise sum %v", got)
	}
}

func TestDeviceKey(t *testing.T) {
	cases := map[string]string{
		"DLink (FR-1)":      "DLink (FR)",
		"DLink (US1-2)":     "DLink (US1)",
		"Roborock S7 (US2)": "Roborock S7 (US2)",
		"Plug-1":            "Plug-1",
		"TP-Link (x-y)":     "TP-Link (x-y)",
		"A (B-12)":          "A (B)",
	}
	for in, want := range cases {
		if got := DeviceKey(in); got != want {
			t.Errorf("DeviceKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseVolumeCSV(t *testing.T) {
	cases := []struct {
		name, data string
		rows       int
		err        string
	}{
		{"lf", "Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nA,0,3,30,2,20,1,10\n", 1, ""},
		{"crlf and bom", "\ufeffDevice,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\r\nA,0,3,30,2,20,1,10\r\nA,3600,0,0,0,0,0,0\r\n", 2, ""},
		{"empty", "", 0, "empty file"},
		{"wrong header", "a,b\n1,2\n", 0, "line 1: header"},
		{"bad number", "Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nA,0,x,30,2,20,1,10\n", 0, "line 2: Frames"},
		{"negative", "Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nA,0,-3,30,2,20,1,10\n", 0, "line 2"},
		{"short row", "Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nA,0,3\n", 0, "line 2: 3 fields"},
	}
	for _, c := range cases {
		vf, err := ParseVolumeCSV(strings.NewReader(c.data), "f.csv")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.HasPrefix(err.Error(), "f.csv: ") {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || len(vf.Rows) != c.rows || vf.Device != "A" {
			t.Errorf("%s: %+v %v", c.name, vf, err)
		}
	}
}

func TestReadVolumeDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadVolumeDir(dir); err == nil || !strings.Contains(err.Error(), "no *-stats.csv") {
		t.Errorf("empty folder: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x-stats.csv"), []byte("nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadVolumeDir(dir); err == nil || !strings.Contains(err.Error(), "x-stats.csv") {
		t.Errorf("bad file: %v", err)
	}
}
