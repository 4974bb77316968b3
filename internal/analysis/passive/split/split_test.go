package split

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/tshark"

	"github.com/iotlens/iotlens/internal/analysis/passive"
	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/testutil"
)

func frameSet(rows [][]string) map[string]bool {
	s := map[string]bool{}
	for _, r := range rows {
		s[r[0]] = true
	}
	return s
}

// The seed's display filters, with its site IPv6 prefixes generalised to
// ULA as iotlens' seed rule does.
const (
	seedBase = `!(tcp.analysis.retransmission || tcp.analysis.ack_lost_segment || tcp.analysis.duplicate_ack) && (ip || ipv6) && !(dhcp || dhcpv6 || icmp || icmpv6 || igmp)`
	seedPriv = `((ip.src == 10.0.0.0/8 || ip.src == 172.16.0.0/12 || ip.src == 192.168.0.0/16 || ipv6.src == fc00::/7) && (ip.dst == 10.0.0.0/8 || ip.dst == 172.16.0.0/12 || ip.dst == 192.168.0.0/16 || ipv6.dst == ff00::/8 || ipv6.dst == fe80::/10 || ipv6.dst == fc00::/7))`
	seedLAN  = `(eth.dst.ig == 1 || ` + seedPriv + `)`
)

func countFrames(t *testing.T, path string) int {
	t.Helper()
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		n++
	}
}

func madeaDevices(t *testing.T) []Device {
	t.Helper()
	inv, err := inventory.Load(testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Device
	for _, d := range inv.Devices {
		out = append(out, Device{Name: d.Name, MACs: d.MACs})
	}
	return out
}

func runSplit(t *testing.T, o Options) []FileStat {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{o.Input}, Quiet: true, Stderr: io.Discard,
		Analyses: []engine.Analysis{s.Analysis()}})
	if err != nil {
		s.Abort()
		t.Fatal(err)
	}
	files, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSplitMatchesTshark: every file of the seed's tree, for every MADEA
// device, holds exactly the frames of the original capture that tshark
// selects with the matching display filter (eth.addr == MAC, the seed's
// global filter with and without DNS, its LAN filter and its WAN
// complement), and reads back as a valid capture.
func TestSplitMatchesTshark(t *testing.T) {
	tshark.Require(t)
	input := testutil.Fixture(t, "madea", "monitoring_2023-6-12_21_50_58.cap")
	out := t.TempDir()
	all, _ := ParseOnly(nil)
	files := runSplit(t, Options{Out: out, Capture: "cap", Input: input, Devices: madeaDevices(t), Kinds: all,
		Filter: passive.Filter{Preset: passive.PresetFilteredWithDNS}, Scope: passive.Scoper{Rule: passive.RuleSeed}})
	if len(files) != 15*7 {
		t.Fatalf("%d files, want 105", len(files))
	}
	eth := tshark.Fields(t, input, "", "frame.number", "eth.src", "eth.dst")
	base, dns, lan := frameSet(tshark.Fields(t, input, seedBase, "frame.number")), frameSet(tshark.Fields(t, input, "dns", "frame.number")),
		frameSet(tshark.Fields(t, input, seedLAN, "frame.number"))
	macOf := map[string]string{}
	for _, d := range madeaDevices(t) {
		macOf[d.Name] = d.MACs[0].String()
	}
	nonEmpty := 0
	for _, fs := range files {
		want := 0
		for _, r := range eth {
			if len(r) < 3 || (r[1] != macOf[fs.Device] && r[2] != macOf[fs.Device]) {
				continue
			}
			if kindHolds(fs.Kind, base[r[0]], dns[r[0]], lan[r[0]]) {
				want++
			}
		}
		got := countFrames(t, fs.Path)
		if got != want || int64(got) != fs.Packets {
			t.Errorf("%s %s: %d frames (reported %d), tshark's filter selects %d", fs.Device, fs.Kind, got, fs.Packets, want)
		}
		if got > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 40 {
		t.Errorf("only %d non-empty files", nonEmpty)
	}
	// tshark reads the files back, with the original times and lengths.
	blink := KindAll.Path(out, "cap", "Blink Mini Camera")
	orig := tshark.Fields(t, input, "eth.addr == b0:73:9c:e6:9a:b9", "frame.time_epoch", "frame.len")
	back := tshark.Fields(t, blink, "", "frame.time_epoch", "frame.len")
	if len(back) == 0 || len(back) != len(orig) || strings.Join(back[0], " ") != strings.Join(orig[0], " ") ||
		strings.Join(back[len(back)-1], " ") != strings.Join(orig[len(orig)-1], " ") {
		t.Errorf("tshark reads %d frames back, want %d with the same times and lengths", len(back), len(orig))
	}
}

func kindHolds(k Kind, base, dns, lan bool) bool {
	switch k {
	case KindAll:
		return true
	case KindWithDNS:
		return base
	case KindWithDNSLAN:
		return base && lan
	case KindWithDNSWAN:
		return base && !lan
	case KindNoDNS:
		return base && !dns
	case KindNoDNSLAN:
		return base && !dns && lan
	case KindNoDNSWAN:
		return base && !dns && !lan
	}
	return false
}

// TestSplitNoPreset: with --filter none the no-DNS files are exactly
// `eth.addr == MAC && !dns`, and --only limits the outputs.
func TestSplitNoPreset(t *testing.T) {
	tshark.Require(t)
	input := testutil.Fixture(t, "madea", "monitoring_2023-6-13_20_0_41.cap")
	kinds, err := ParseOnly([]string{"no-dns"})
	if err != nil {
		t.Fatal(err)
	}
	files := runSplit(t, Options{Out: t.TempDir(), Capture: "storm", Input: input, Devices: madeaDevices(t), Kinds: kinds})
	if len(files) != 15 {
		t.Fatalf("%d files, want one per device", len(files))
	}
	for _, fs := range files {
		if fs.Device != "Blink Mini Camera" && fs.Device != "Pixel 6 Phone" {
			continue
		}
		m := map[string]string{"Blink Mini Camera": "b0:73:9c:e6:9a:b9", "Pixel 6 Phone": "e6:ce:94:c8:64:43"}[fs.Device]
		want := len(tshark.Fields(t, input, "eth.addr == "+m+" && !dns", "frame.number"))
		if got := countFrames(t, fs.Path); got != want {
			t.Errorf("%s: %d frames, tshark %d", fs.Device, got, want)
		}
	}
}

// TestSplitWindow: --start/--end keep start <= time < end, as editcap.
func TestSplitWindow(t *testing.T) {
	tshark.Require(t)
	input := testutil.Fixture(t, "madea", "monitoring_2023-6-13_20_0_41.cap")
	times := tshark.Fields(t, input, "", "frame.time_epoch")
	start, _ := strconv.ParseFloat(times[100][0], 64)
	end, _ := strconv.ParseFloat(times[5000][0], 64)
	f := passive.Filter{Start: int64(start*1e9) / 1000 * 1000, End: int64(end*1e9) / 1000 * 1000}
	files := runSplit(t, Options{Out: t.TempDir(), Capture: "w", Input: input, Devices: madeaDevices(t), Kinds: []Kind{KindAll}, Filter: f})
	var total int64
	for _, fs := range files {
		total += fs.Packets
	}
	inWindow := 0
	for _, r := range times {
		v, _ := strconv.ParseFloat(r[0], 64)
		ns := int64(v*1e9) / 1000 * 1000
		if ns >= f.Start && ns < f.End {
			inWindow++
		}
	}
	if total == 0 || total > int64(2*inWindow) || inWindow < 4800 {
		t.Errorf("%d frames written for %d frames in the window", total, inWindow)
	}
}

func TestParseOnly(t *testing.T) {
	cases := []struct {
		in   []string
		want []Kind
		err  bool
	}{
		{nil, []Kind{KindAll, KindNoDNS, KindNoDNSLAN, KindNoDNSWAN, KindWithDNS, KindWithDNSLAN, KindWithDNSWAN}, false},
		{[]string{"all,no-dns,lan,wan"}, []Kind{KindAll, KindNoDNS, KindNoDNSLAN, KindNoDNSWAN}, false},
		{[]string{"with-dns", "wan"}, []Kind{KindWithDNS, KindWithDNSWAN}, false},
		{[]string{"lan"}, nil, true},
		{[]string{"everything"}, nil, true},
	}
	for _, c := range cases {
		got, err := ParseOnly(c.in)
		if (err != nil) != c.err || len(got) != len(c.want) {
			t.Errorf("%v: %v %v", c.in, got, err)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v: %v", c.in, got)
			}
		}
	}
	if p := KindNoDNSLAN.Path("out", "US1-Capture2", "Netvue"); p != filepath.Join("out", "filtered", "no-DNS", "per-device", "LAN", "US1-Capture2-trimmed-filtered-split-Netvue-LAN.pcap") {
		t.Errorf("path %s", p)
	}
}

func TestSpaceCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet")
	if err := CheckSpace(dir, 1<<20); err != nil {
		t.Errorf("1 MiB: %v", err)
	}
	err := CheckSpace(dir, 1<<62)
	if _, measurable := freeBytes(t.TempDir()); measurable && (err == nil || !strings.Contains(err.Error(), "not enough free space")) {
		t.Errorf("4 EiB: %v", err)
	}
}

// TestAbortLeavesNothing: an interrupted run leaves no pcap, complete or
// partial, and no temporary file.
func TestAbortLeavesNothing(t *testing.T) {
	out := t.TempDir()
	s, err := New(Options{Out: out, Capture: "c", Input: "in.pcap", Devices: []Device{{Name: "a/b", MACs: madeaDevices(t)[0].MACs}}, Kinds: []Kind{KindAll, KindNoDNS}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.create(0, KindAll); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	var left []string
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if _, err := New(Options{Out: out, Devices: []Device{{Name: "x"}}, Kinds: []Kind{KindAll}}); err == nil {
		t.Error("a device without MAC accepted")
	}
}
