package passive

import (
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/proto"
)

var (
	camMAC   = mac("aa:bb:cc:00:00:01")
	phoneMAC = mac("aa:bb:cc:00:00:02")
	gwMAC    = mac("aa:bb:cc:00:00:fe")
	mdns4MAC = mac("01:00:5e:00:00:fb")
	mdns6MAC = mac("33:33:00:00:00:fb")
)

const hour = int64(3600e9)

// t0 is 2023-06-13T00:00:00Z, on an hour boundary.
const t0 = int64(1686614400e9)

// camFrames: a camera that changes its IPv4 address between the first and
// the third hour (the second hour is silent), talks to an IPv6-only
// Internet endpoint over NTP, sends mDNS on both families and is reached
// by a phone on the LAN.
func camFrames() []testFrame {
	return []testFrame{
		{t: t0 + 10e9, src: camMAC, dst: gwMAC, sip: ip("192.168.1.10"), dip: ip("52.1.1.1"), proto: decode.ProtoTCP, sport: 40000, dport: 443, payload: 100, tcpFlags: decode.TCPAck | decode.TCPPsh, seq: 1000, ack: 5000},
		{t: t0 + 11e9, src: gwMAC, dst: camMAC, sip: ip("52.1.1.1"), dip: ip("192.168.1.10"), proto: decode.ProtoTCP, sport: 443, dport: 40000, payload: 200, tcpFlags: decode.TCPAck | decode.TCPPsh, seq: 5000, ack: 1100},
		{t: t0 + 20e9, src: camMAC, dst: mdns4MAC, sip: ip("192.168.1.10"), dip: ip("224.0.0.251"), proto: decode.ProtoUDP, sport: 5353, dport: 5353, payload: 30},
		{t: t0 + 2*hour + 5e9, src: camMAC, dst: gwMAC, sip: ip("192.168.1.77"), dip: ip("52.1.1.1"), proto: decode.ProtoTCP, sport: 40001, dport: 443, payload: 50, tcpFlags: decode.TCPAck | decode.TCPPsh, seq: 9000, ack: 7000},
		{t: t0 + 2*hour + 6e9, src: gwMAC, dst: camMAC, sip: ip("52.1.1.1"), dip: ip("192.168.1.77"), proto: decode.ProtoTCP, sport: 443, dport: 40001, payload: 60, tcpFlags: decode.TCPAck | decode.TCPPsh, seq: 7000, ack: 9050},
		{t: t0 + 2*hour + 10e9, src: camMAC, dst: gwMAC, sip: ip("2001:db8:1::10"), dip: ip("2001:db8::5"), proto: decode.ProtoUDP, sport: 50000, dport: 123, payload: 48},
		{t: t0 + 2*hour + 11e9, src: gwMAC, dst: camMAC, sip: ip("2001:db8::5"), dip: ip("2001:db8:1::10"), proto: decode.ProtoUDP, sport: 123, dport: 50000, payload: 48},
		{t: t0 + 2*hour + 20e9, src: camMAC, dst: mdns6MAC, sip: ip("fe80::1"), dip: ip("ff02::fb"), proto: decode.ProtoUDP, sport: 5353, dport: 5353, payload: 40},
		{t: t0 + 2*hour + 30e9, src: phoneMAC, dst: camMAC, sip: ip("192.168.1.50"), dip: ip("192.168.1.77"), proto: decode.ProtoTCP, sport: 50000, dport: 9999, payload: 10, tcpFlags: decode.TCPAck | decode.TCPPsh, seq: 1, ack: 1},
	}
}

func wireLen(fs []testFrame, idx ...int) int64 {
	var n int64
	for _, i := range idx {
		n += int64(len(fs[i].bytes()))
	}
	return n
}

func runSynthetic(t *testing.T, a *Analysis, frames []testFrame) (*pipeline.Outcome, *Partial) {
	t.Helper()
	dir := t.TempDir()
	capPath := writeCapture(t, dir, "cam.pcap", frames)
	macs := filepath.Join(dir, "macs.txt")
	if err := os.WriteFile(macs, []byte("Cam,AA:BB:CC:00:00:01\nPhone,AA:BB:CC:00:00:02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: []string{capPath}, DevicesFile: macs,
		Stderr: io.Discard, Quiet: true, Analyses: []engine.Analysis{a}})
	if err != nil {
		t.Fatal(err)
	}
	return out, out.Partial(Name).(*Partial)
}

func findRow(rows []ProtoRow, proto, endpoint string) *ProtoRow {
	for i := range rows {
		if rows[i].Protocol == proto && rows[i].Endpoint == endpoint {
			return &rows[i]
		}
	}
	return nil
}

// TestProtocolsIPChangeAndIPv6Only: direction comes from the MAC, so both
// of the camera's IPv4 addresses count as the camera (neither ever shows
// up as an endpoint), the IPv6-only NTP server lands in the -ipv6 files,
// and LAN/WAN rows go to their own scopes.
func TestProtocolsIPChangeAndIPv6Only(t *testing.T) {
	fs := camFrames()
	out, p := runSynthetic(t, &Analysis{Protocols: true}, fs)
	cats, err := LoadCategories("")
	if err != nil {
		t.Fatal(err)
	}
	devs := BuildProtocols(p, out.Inventory, cats)
	if len(devs) != 2 || devs[0].Name != "Cam" {
		t.Fatalf("devices %+v", devs)
	}
	cam := &devs[0]
	v4all := cam.Rows[FamilyIPv4][ScopeAll]
	for _, own := range []string{"192.168.1.10", "192.168.1.77", "2001:db8:1::10", "fe80::1"} {
		for _, r := range append(v4all, cam.Rows[FamilyIPv6][ScopeAll]...) {
			if r.Endpoint == own {
				t.Errorf("the camera's own address %s is an endpoint: %+v", own, r)
			}
		}
	}
	cases := []struct {
		family, scope   int
		proto, endpoint string
		want            Traffic
	}{
		{FamilyIPv4, ScopeAll, "ip", "52.1.1.1", Traffic{4, wireLen(fs, 0, 1, 3, 4), 2, wireLen(fs, 0, 3), 2, wireLen(fs, 1, 4)}},
		{FamilyIPv4, ScopeWAN, "tls", "52.1.1.1", Traffic{4, wireLen(fs, 0, 1, 3, 4), 2, wireLen(fs, 0, 3), 2, wireLen(fs, 1, 4)}},
		{FamilyIPv4, ScopeLAN, "mdns", "224.0.0.251", Traffic{1, wireLen(fs, 2), 1, wireLen(fs, 2), 0, 0}},
		{FamilyIPv4, ScopeLAN, "tplink-shp", "192.168.1.50", Traffic{1, wireLen(fs, 8), 0, 0, 1, wireLen(fs, 8)}},
		{FamilyIPv4, ScopeAll, "tcp", "192.168.1.50", Traffic{1, wireLen(fs, 8), 0, 0, 1, wireLen(fs, 8)}},
		{FamilyIPv6, ScopeWAN, "ntp", "2001:db8::5", Traffic{2, wireLen(fs, 5, 6), 1, wireLen(fs, 5), 1, wireLen(fs, 6)}},
		{FamilyIPv6, ScopeAll, "ipv6", "2001:db8::5", Traffic{2, wireLen(fs, 5, 6), 1, wireLen(fs, 5), 1, wireLen(fs, 6)}},
		{FamilyIPv6, ScopeLAN, "mdns", "ff02::fb", Traffic{1, wireLen(fs, 7), 1, wireLen(fs, 7), 0, 0}},
	}
	for _, c := range cases {
		r := findRow(cam.Rows[c.family][c.scope], c.proto, c.endpoint)
		if r == nil {
			t.Errorf("%s %s %s: no row", ScopeNames[c.scope], c.proto, c.endpoint)
			continue
		}
		if r.Traffic != c.want {
			t.Errorf("%s %s %s: %+v, want %+v", ScopeNames[c.scope], c.proto, c.endpoint, r.Traffic, c.want)
		}
	}
	if findRow(cam.Rows[FamilyIPv4][ScopeWAN], "mdns", "224.0.0.251") != nil || findRow(cam.Rows[FamilyIPv6][ScopeLAN], "ntp", "2001:db8::5") != nil {
		t.Error("rows in the wrong scope")
	}
	if !cam.HasIPv6() || devs[1].HasIPv6() {
		t.Error("only the camera has IPv6 files")
	}
	s := Summarize(cam)
	// Application packets: tls 4 + mdns 2 (discovery) + tplink-shp 1 +
	// ntp 2 (management) + tls (encrypted).
	want := [numCategories]int64{Discovery: 3, Management: 2, Encrypted: 4}
	if s.Counts[ScopeAll] != want {
		t.Errorf("category counts %v, want %v", s.Counts[ScopeAll], want)
	}
}

// TestVolumeIntervals: the silent hour between two busy ones is a row of
// zeros, the rows start at the first hour, and they add up to the totals.
func TestVolumeIntervals(t *testing.T) {
	fs := camFrames()
	out, p := runSynthetic(t, &Analysis{Volume: true, Interval: 3600}, fs)
	devs, err := BuildVolume(p, out.Inventory, " (T)")
	if err != nil {
		t.Fatal(err)
	}
	cam := devs[0]
	if cam.Label != "Cam (T)" || len(cam.Rows[ScopeAll]) != 3 {
		t.Fatalf("cam: %q, %d rows", cam.Label, len(cam.Rows[ScopeAll]))
	}
	if cam.Start(0) != t0/1e9 || cam.Offset(2) != 7200 {
		t.Errorf("start %d offset %d", cam.Start(0), cam.Offset(2))
	}
	if (cam.Rows[ScopeAll][1] != Volume{}) {
		t.Errorf("silent hour: %+v", cam.Rows[ScopeAll][1])
	}
	wantAll := Volume{Frames: 9, Bytes: wireLen(fs, 0, 1, 2, 3, 4, 5, 6, 7, 8), TxFrames: 5, TxBytes: wireLen(fs, 0, 2, 3, 5, 7),
		RxFrames: 4, RxBytes: wireLen(fs, 1, 4, 6, 8)}
	if got := cam.Totals(ScopeAll); got != wantAll {
		t.Errorf("totals %+v, want %+v", got, wantAll)
	}
	lan, wan := cam.Totals(ScopeLAN), cam.Totals(ScopeWAN)
	lan.add(&wan)
	if lan != wantAll {
		t.Errorf("LAN + WAN = %+v, want %+v", lan, wantAll)
	}
	if got := cam.Totals(ScopeLAN); got.Frames != 3 || got.RxFrames != 1 {
		t.Errorf("LAN totals %+v", got)
	}
	phone := devs[1]
	if len(phone.Rows[ScopeAll]) != 1 || phone.Rows[ScopeAll][0].TxFrames != 1 {
		t.Errorf("phone rows %+v", phone.Rows[ScopeAll])
	}
}

// TestFilterExcludesAndTrims: --exclude, --exclude-ip and the time window
// drop frames before they are counted.
func TestFilterExcludesAndTrims(t *testing.T) {
	fs := camFrames()
	cases := []struct {
		name   string
		filter Filter
		frames int64
	}{
		{"none", Filter{}, 9},
		{"exclude mdns", Filter{Exclude: mustProtos(t, "mdns")}, 7},
		{"exclude ip", Filter{ExcludeIPs: []netip.Addr{ip("52.1.1.1")}}, 5},
		{"window", Filter{Start: t0 + hour, End: t0 + 2*hour + 10e9}, 2},
		{"filtered preset keeps IP, drops nothing here", Filter{Preset: PresetFiltered}, 9},
	}
	for _, c := range cases {
		out, p := runSynthetic(t, &Analysis{Volume: true, Filter: c.filter}, fs)
		devs, err := BuildVolume(p, out.Inventory, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := devs[0].Totals(ScopeAll).Frames; got != c.frames {
			t.Errorf("%s: %d frames, want %d", c.name, got, c.frames)
		}
	}
}

func mustProtos(t *testing.T, names ...string) []proto.Proto {
	t.Helper()
	ps, err := ParseExclude(names)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
