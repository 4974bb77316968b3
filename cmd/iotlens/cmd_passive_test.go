package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

func treeFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestPassiveCommand: `iotlens passive` writes the seed's layout, -j 1 and
// -j 2 give byte-identical files, and `overall --from-volume` on its
// output_stats reproduces its overall_stats exactly.
func TestPassiveCommand(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	devices := filepath.Join(madea, "Device_MAC_Name_Mapping.csv")
	caps := []string{filepath.Join(madea, "monitoring_2023-6-12_21_50_58.cap"), filepath.Join(madea, "monitoring_2023-6-12_22_15_49.cap")}
	dir := t.TempDir()
	var trees []map[string][]byte
	for _, j := range []string{"1", "2"} {
		out := filepath.Join(dir, "j"+j)
		args := append([]string{"passive", "-q", "-j", j, "--devices", devices, "--name", "US1", "-o", out}, caps...)
		if _, stderr, code := run(t, args...); code != 0 {
			t.Fatalf("-j %s: exit %d: %s", j, code, stderr)
		}
		trees = append(trees, treeFiles(t, out))
	}
	for name, data := range trees[0] {
		if !bytes.Equal(data, trees[1][name]) {
			t.Errorf("%s differs between -j 1 and -j 2", name)
		}
	}
	for _, want := range []string{
		"output_stats/US1-trimmed-split-Blink Mini Camera-stats.csv",
		"output_stats/US1-trimmed-split-Blink Mini Camera-LAN-stats.csv",
		"output_stats/volume.csv",
		"overall_stats/overall-stats.csv",
		"overall_stats/overall-distribution.csv",
		"protocol_stats/US1-trimmed-split-Lifx bulb-ipv6-protocols-WAN.csv",
		"protocol_stats/US1-proto-distributions.csv",
		"protocol_stats/US1-unique-protos-per-mac.csv",
		"protocol_stats/US1-unique-app-protos-overall.csv",
		"protocol_stats/protocols.csv",
	} {
		if _, ok := trees[0][filepath.FromSlash(want)]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	stats := string(trees[0][filepath.FromSlash("output_stats/US1-trimmed-split-Blink Mini Camera-stats.csv")])
	if !strings.HasPrefix(stats, "Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nBlink Mini Camera,0,") {
		t.Errorf("stats file starts %q", stats[:80])
	}
	again := filepath.Join(dir, "again")
	if _, stderr, code := run(t, "overall", "-q", "--from-volume", filepath.Join(dir, "j1", "output_stats"), "-o", again); code != 0 {
		t.Fatalf("overall --from-volume: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"overall-stats.csv", "overall-distribution.csv"} {
		got, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(got, trees[0][filepath.Join("overall_stats", name)]) {
			t.Errorf("%s from the stats files differs from the one-pass result", name)
		}
	}
}

// TestPassiveCommandsUsage: bad flags are usage errors (exit 2) that name
// the flag.
func TestPassiveCommandsUsage(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	capture := filepath.Join(madea, "monitoring_2023-5-31_10_25_14.cap")
	out := filepath.Join(t.TempDir(), "o")
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"volume", capture}, "-o DIR is required"},
		{[]string{"volume", "--interval", "0", "-o", out, capture}, "--interval"},
		{[]string{"protocols", "--lan-rule", "wan", "-o", out, capture}, "--lan-rule"},
		{[]string{"passive", "--filter", "strict", "-o", out, capture}, "--filter"},
		{[]string{"passive", "--exclude", "dnss", "-o", out, capture}, "--exclude"},
		{[]string{"volume", "--start", "yesterday", "-o", out, capture}, "--start"},
		{[]string{"overall", "-o", out}, "--from-volume"},
		{[]string{"split", "-o", out, madea}, "split takes one capture file"},
		{[]string{"split", "-o", out, capture}, "split needs devices"},
		{[]string{"split", "--only", "lan", "--device", "x", "--mac", "aa:bb:cc:dd:ee:ff", "-o", out, capture}, "--only lan/wan"},
		{[]string{"split", "--shard", "0/2", "--device", "x", "--mac", "aa:bb:cc:dd:ee:ff", "-o", out, capture}, "cannot be sharded"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q (want usage error about %q)", c.args, code, stderr, c.msg)
		}
	}
}

// TestSplitCommand: the seed's tree for one device, free-space check
// passed, a valid pcap per selected output.
func TestSplitCommand(t *testing.T) {
	capture := testutil.Fixture(t, "madea", "monitoring_2023-6-13_20_0_41.cap")
	out := t.TempDir()
	_, stderr, code := run(t, "split", "--device", "Blink", "--mac", "b0:73:9c:e6:9a:b9", "--only", "all,no-dns,lan,wan", "-o", out, capture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := treeFiles(t, out)
	for _, want := range []string{
		"unfiltered/per-device/monitoring_2023-6-13_20_0_41-trimmed-split-Blink.pcap",
		"filtered/no-DNS/per-device/monitoring_2023-6-13_20_0_41-trimmed-filtered-split-Blink.pcap",
		"filtered/no-DNS/per-device/LAN/monitoring_2023-6-13_20_0_41-trimmed-filtered-split-Blink-LAN.pcap",
		"filtered/no-DNS/per-device/WAN/monitoring_2023-6-13_20_0_41-trimmed-filtered-split-Blink-WAN.pcap",
	} {
		b, ok := files[filepath.FromSlash(want)]
		if !ok || len(b) < 24 || !bytes.Equal(b[:4], []byte{0x4d, 0x3c, 0xb2, 0xa1}) {
			t.Errorf("%s: missing or not a pcap", want)
		}
	}
	if len(files) != 4 || !strings.Contains(stderr, "4 per-device pcaps") {
		t.Errorf("%d files; stderr %s", len(files), stderr)
	}
}

// TestPassiveSharded: two shards merged give the files of one run.
func TestPassiveSharded(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	devices := filepath.Join(madea, "Device_MAC_Name_Mapping.csv")
	caps := []string{filepath.Join(madea, "monitoring_2023-6-12_21_50_58.cap"), filepath.Join(madea, "monitoring_2023-6-13_20_0_41.cap")}
	dir := t.TempDir()
	var parts []string
	for _, k := range []string{"0", "1"} {
		part := filepath.Join(dir, "part-"+k+".iotl")
		args := append([]string{"passive", "-q", "--shard", k + "/2", "--devices", devices, "-o", part}, caps...)
		if _, stderr, code := run(t, args...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, stderr)
		}
		parts = append(parts, part)
	}
	if _, stderr, code := run(t, append([]string{"merge", "-o", filepath.Join(dir, "merged")}, parts...)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, append([]string{"passive", "-q", "--devices", devices, "-o", filepath.Join(dir, "one")}, caps...)...); code != 0 {
		t.Fatalf("one run: exit %d: %s", code, stderr)
	}
	merged, one := treeFiles(t, filepath.Join(dir, "merged")), treeFiles(t, filepath.Join(dir, "one"))
	if len(merged) != len(one) || len(one) < 90 {
		t.Fatalf("%d and %d files", len(merged), len(one))
	}
	for name, data := range one {
		if !bytes.Equal(data, merged[name]) {
			t.Errorf("%s differs after merging shards", name)
		}
	}
}
