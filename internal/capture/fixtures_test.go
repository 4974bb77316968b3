package capture

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// fixtureCounts lists every capture under the shared fixtures with the
// packet count that `capinfos -c` (Wireshark 4.0.17) reports; the
// per-frame times, lengths and interfaces were also checked against
// `tshark -T fields -e frame.number -e frame.time_epoch -e frame.len
// -e frame.cap_len -e frame.interface_id` while this reader was written.
var fixtureCounts = []struct {
	path   string
	format Format
	frames int
}{
	{"iot-sentinel/D-LinkCam/Setup-A-2-STA.pcap", FormatPcap, 642},
	{"iot-sentinel/D-LinkHomeHub/Setup-C-3-STA.pcap", FormatPcap, 924},
	{"iot-sentinel/EdimaxPlug1101W/Setup-C-2-STA.pcap", FormatPcap, 159},
	{"iot-sentinel/HueBridge/Setup-A-2-STA.pcap", FormatPcap, 1557},
	{"iot-sentinel/Lightify/Setup-C-9-STA.pcap", FormatPcap, 412},
	{"iot-sentinel/TP-LinkPlugHS110/Setup-A-5-STA.pcap", FormatPcap, 73},
	{"iot-sentinel/WeMoInsightSwitch2/Setup-C-4-STA.pcap", FormatPcap, 585},
	{"iot-sentinel/WeMoLink/Setup-C-1-STA.pcap", FormatPcap, 763},
	{"iot-sentinel/Withings/Setup-C-2-STA.pcap", FormatPcap, 85},
	{"madea/monitoring_2023-5-31_10_11_20.cap", FormatPcapNG, 1475},
	{"madea/monitoring_2023-5-31_10_25_14.cap", FormatPcapNG, 196},
	{"madea/monitoring_2023-6-12_21_50_58.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-12_22_15_49.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-12_22_34_51.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-12_22_59_41.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-12_23_21_33.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-12_23_41_58.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_0_28_38.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_0_55_26.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_0_8_15.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_12_13_40.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_1_23_16.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_1_44_49.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_20_0_41.cap", FormatPcapNG, 20000},
	{"madea/monitoring_2023-6-13_22_17_52.cap", FormatPcapNG, 17736},
	{"madea/training_2023-5-25_23_15_41.cap", FormatPcapNG, 20000},
	{"madea/training_2023-5-26_1_13_9.cap", FormatPcapNG, 20000},
	{"madea/training_2023-5-26_8_38_48.cap", FormatPcapNG, 20000},
	{"ndpi/KakaoTalk_chat.pcap", FormatPcap, 347},
	{"ndpi/alexa-app.pcapng", FormatPcapNG, 3103},
	{"ndpi/coap_mqtt.pcap", FormatPcap, 1082},
	{"ndpi/dingtalk.pcap", FormatPcap, 16},
	{"ndpi/dns-google-nsid.pcapng", FormatPcapNG, 14},
	{"ndpi/dns_dot.pcap", FormatPcap, 24},
	{"ndpi/dns_fragmented.pcap", FormatPcap, 66},
	{"ndpi/doh.pcapng", FormatPcapNG, 120},
	{"ndpi/malformed_dns.pcap", FormatPcap, 6},
	{"ndpi/mqtt.pcap", FormatPcapNG, 9},
	{"ndpi/nest_log_sink.pcap", FormatPcap, 1000},
	{"ndpi/nfsv3.pcap", FormatPcap, 128},
	{"ndpi/sites.pcapng", FormatPcapNG, 699},
	{"ndpi/sonos.pcapng", FormatPcapNG, 61},
	{"ndpi/ssdp-m-search.pcap", FormatPcap, 19},
	{"ndpi/tls_ech.pcapng", FormatPcapNG, 10},
	{"ndpi/tls_missing_ch_frag.pcap", FormatPcapNG, 14},
	{"ndpi/tls_with_huge_ch.pcapng", FormatPcapNG, 428},
	{"ndpi/tplink_shp.pcap", FormatPcap, 251},
	{"ndpi/tuya_lp.pcap", FormatPcap, 98},
	{"ndpi/upnp.pcap", FormatPcapNG, 14},
	{"ndpi/xiaomi.pcap", FormatPcap, 52},
	{"tcpdump/802.1ad_QinQ.pcap", FormatPcap, 2},
	{"tcpdump/dns_tcp.pcap", FormatPcap, 11},
	{"tcpdump/empty.pcapng", FormatPcapNG, 0},
	{"tcpdump/quic_handshake_truncated.pcap", FormatPcap, 18},
	{"tcpdump/time_2106_overflow.pcapng", FormatPcapNG, 1},
	{"uclouvain-shhcp/DLinkCamera/boot/1741797105.anon.pcap", FormatPcap, 150},
	{"uclouvain-shhcp/DLinkCamera/boot/1741797232.anon.pcap", FormatPcap, 219},
	{"uclouvain-shhcp/DLinkCamera/stream/1732800761.anon.pcap", FormatPcap, 1805},
	{"uclouvain-shhcp/HueLight/boot/1742400880.anon.pcap", FormatPcap, 483},
	{"uclouvain-shhcp/HueLight/boot/1742402415.anon.pcap", FormatPcap, 398},
	{"uclouvain-shhcp/HueLight/toggle/1732359451.anon.pcap", FormatPcap, 283},
	{"uclouvain-shhcp/SmartThingsOutlet/boot/1741970425.anon.pcap", FormatPcap, 957},
	{"uclouvain-shhcp/SmartThingsOutlet/boot/1741971765.anon.pcap", FormatPcap, 991},
	{"uclouvain-shhcp/SmartThingsOutlet/toggle/1732096539.anon.pcap", FormatPcap, 217},
	{"uclouvain-shhcp/TapoCamera/boot/1741369688.anon.pcap", FormatPcap, 167},
	{"uclouvain-shhcp/TapoCamera/boot/1741370762.anon.pcap", FormatPcap, 147},
	{"uclouvain-shhcp/TapoCamera/stream/1732643787.anon.pcap", FormatPcap, 1510},
	{"uclouvain-shhcp/TapoLight/boot/1741342621.anon.pcap", FormatPcap, 136},
	{"uclouvain-shhcp/TapoLight/boot/1741342896.anon.pcap", FormatPcap, 115},
	{"uclouvain-shhcp/TapoPlug/boot/1741867017.anon.pcap", FormatPcap, 169},
	{"uclouvain-shhcp/TapoPlug/boot/1741867534.anon.pcap", FormatPcap, 207},
	{"uclouvain-shhcp/TpLinkPlug/boot/1741767184.anon.pcap", FormatPcap, 74},
	{"uclouvain-shhcp/TpLinkPlug/boot/1741767718.anon.pcap", FormatPcap, 135},
	{"uclouvain-shhcp/TpLinkPlug/toggle/1732176027.anon.pcap", FormatPcap, 132},
	{"uclouvain-shhcp/TuyaLight/boot/1741943111.anon.pcap", FormatPcap, 174},
	{"uclouvain-shhcp/TuyaLight/boot/1741944426.anon.pcap", FormatPcap, 167},
	{"uclouvain-shhcp/TuyaPlug/boot/1741186292.anon.pcap", FormatPcap, 171},
	{"uclouvain-shhcp/TuyaPlug/boot/1741186550.anon.pcap", FormatPcap, 178},
	{"uclouvain-shhcp/TuyaPlug/toggle/1732612318.anon.pcap", FormatPcap, 61},
	{"uclouvain-shhcp/XiaomiCamera/boot/1741532312.anon.pcap", FormatPcap, 335},
	{"uclouvain-shhcp/XiaomiCamera/boot/1741533808.anon.pcap", FormatPcap, 323},
	{"uclouvain-shhcp/XiaomiCamera/stream/1732526215.anon.pcap", FormatPcap, 759},
	{"zeek/dhcp/dhcp.pcap", FormatPcap, 9},
	{"zeek/dns-edns-ecs.pcap", FormatPcap, 89},
	{"zeek/dns/ech.pcap", FormatPcap, 4},
	{"zeek/dns/mdns.pcap", FormatPcap, 24},
	{"zeek/http-qinq-0.pcap", FormatPcap, 14},
	{"zeek/http-vlan-0.pcap", FormatPcap, 14},
	{"zeek/http/get-to-ssh-server.pcap", FormatPcap, 9},
	{"zeek/ipv6-fragmented-dns.pcap", FormatPcap, 8},
	{"zeek/linux_dlt_sll2.pcap", FormatPcap, 6},
	{"zeek/nflog-http.pcap", FormatPcap, 13},
	{"zeek/pcapng-multi-interface.pcapng", FormatPcapNG, 6},
	{"zeek/quic/chromium-115.0.5790.110-google-de-fragmented.pcap", FormatPcap, 917},
	{"zeek/quic/curl-8.1.2-dev-http3-www-google-de.pcap", FormatPcap, 48},
	{"zeek/quic/quic_win11_firefox_google.pcap", FormatPcap, 441},
	{"zeek/tcp/timestamp.pcap", FormatPcap, 878},
	{"zeek/tcp/truncated-header.pcap", FormatPcap, 24},
	{"zeek/tls/chrome-1250-tls-x25519-kyber.pcap", FormatPcap, 15},
	{"zeek/tls/openjdk-25.0.2-zeek.org.pcap", FormatPcap, 6},
	{"zeek/tls/tls13-ech.pcap", FormatPcap, 69},
}

// truncatedFixtures maps the captures that end mid-packet to the offset of
// their cut block (capinfos: "cut short in the middle of a packet").
var truncatedFixtures = map[string]int64{
	"madea/monitoring_2023-5-31_10_11_20.cap": 1568220,
	"madea/monitoring_2023-5-31_10_25_14.cap": 28644,
	"madea/monitoring_2023-6-13_22_17_52.cap": 1675260,
}

// isCaptureName tells the capture files of the fixture tree from its
// metadata.
func isCaptureName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".yaml", ".md":
		return false
	}
	return true
}

// TestFixtureTableIsComplete walks the fixture tree so a new capture cannot
// be left out of fixtureCounts.
func TestFixtureTableIsComplete(t *testing.T) {
	dir := testutil.FixturesDir(t)
	known := map[string]bool{}
	for _, fc := range fixtureCounts {
		known[fc.path] = true
	}
	found := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isCaptureName(path) {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		found++
		if !known[filepath.ToSlash(rel)] {
			t.Errorf("capture %s is missing from fixtureCounts", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != len(fixtureCounts) {
		t.Errorf("found %d captures, the table lists %d", found, len(fixtureCounts))
	}
}

func TestFixtures(t *testing.T) {
	for _, fc := range fixtureCounts {
		t.Run(fc.path, func(t *testing.T) {
			path := testutil.Fixture(t, strings.Split(fc.path, "/")...)
			format, compression, err := Sniff(path)
			if err != nil || format != fc.format || compression != "" {
				t.Fatalf("Sniff = %s, %q, %v; want %s", format, compression, err, fc.format)
			}
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Format() != fc.format {
				t.Errorf("format %s, want %s", r.Format(), fc.format)
			}
			n, lastOff := 0, int64(-1)
			for {
				f, err := r.Next()
				if err != nil {
					checkFixtureEnd(t, fc.path, path, err)
					break
				}
				n++
				if f.Number != n || f.Offset <= lastOff || len(f.Data) > MaxFrameLen {
					t.Fatalf("frame %d: number %d, offset %d after %d, %d bytes", n, f.Number, f.Offset, lastOff, len(f.Data))
				}
				lastOff = f.Offset
			}
			if n != fc.frames {
				t.Errorf("read %d frames, tshark counts %d", n, fc.frames)
			}
		})
	}
}

func checkFixtureEnd(t *testing.T, rel, path string, err error) {
	t.Helper()
	cut, truncated := truncatedFixtures[rel]
	if !truncated {
		if err != io.EOF {
			t.Errorf("ended with %v, want io.EOF", err)
		}
		return
	}
	ce := asCaptureError(t, err)
	if !ce.Truncated || ce.Offset != cut || ce.File != path {
		t.Errorf("ended with %+v, want a truncation at offset %d", ce, cut)
	}
}

// TestFixturesSmallBuffer reads every fixture again with a tiny read-ahead,
// so each record takes the copying path, and expects identical frames.
func TestFixturesSmallBuffer(t *testing.T) {
	for _, fc := range fixtureCounts {
		data, err := os.ReadFile(testutil.Fixture(t, strings.Split(fc.path, "/")...))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summarizeBytes(t, data, minBufferSize), summarizeBytes(t, data, defaultBufferSize); got != want {
			t.Errorf("%s: small buffer %+v, default %+v", fc.path, got, want)
		}
	}
}

func summarizeBytes(t *testing.T, data []byte, bufSize int) summary {
	t.Helper()
	r, err := newReader(bytes.NewReader(data), "mem", bufSize)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return summarize(r)
}

// TestFixtureLengthSums compares the sums of wire and captured lengths with
// capinfos -d (wire) and the sum of tshark's frame.cap_len.
func TestFixtureLengthSums(t *testing.T) {
	cases := []struct {
		path            []string
		frames          int
		wireSum, capSum int64
	}{
		{[]string{"zeek", "tcp", "timestamp.pcap"}, 878, 1057964, 78694},
		{[]string{"tcpdump", "quic_handshake_truncated.pcap"}, 18, 5485, 2462},
		{[]string{"ndpi", "nfsv3.pcap"}, 128, 22816, 22816},
		{[]string{"ndpi", "sites.pcapng"}, 699, 374435, 374435},
		{[]string{"madea", "monitoring_2023-6-12_21_50_58.cap"}, 20000, 2292444, 2292444},
		{[]string{"madea", "monitoring_2023-5-31_10_25_14.cap"}, 196, 21377, 21377},
	}
	for _, tc := range cases {
		t.Run(filepath.Join(tc.path...), func(t *testing.T) {
			r, err := Open(testutil.Fixture(t, tc.path...))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			s := summarize(r)
			if s.Frames != tc.frames || s.WireSum != tc.wireSum || s.CapSum != tc.capSum {
				t.Errorf("%d frames, wire %d, captured %d; want %d, %d, %d", s.Frames, s.WireSum, s.CapSum, tc.frames, tc.wireSum, tc.capSum)
			}
		})
	}
}

// TestFixtureFrames checks single frames against values printed by tshark
// (-T fields -e frame.time_epoch -e frame.len -e frame.interface_id).
func TestFixtureFrames(t *testing.T) {
	cases := []struct {
		name    string
		path    []string
		number  int
		time    int64
		wireLen int
		link    LinkType
		ifIndex int
	}{
		{"big-endian pcap", []string{"ndpi", "nfsv3.pcap"}, 3, 944207397290000000, 82, LinkEthernet, 0},
		{"nanosecond pcap", []string{"zeek", "http", "get-to-ssh-server.pcap"}, 1, 1770126425732560000, 74, LinkEthernet, 0},
		{"nanosecond pcap, later frame", []string{"zeek", "http", "get-to-ssh-server.pcap"}, 5, 1770126425885330000, 66, LinkEthernet, 0},
		{"pcapng at 10^-9 resolution", []string{"madea", "monitoring_2023-6-12_21_50_58.cap"}, 1, 1686631860040154578, 156, LinkEthernet, 0},
		{"pcapng interface 0 in ns", []string{"zeek", "pcapng-multi-interface.pcapng"}, 2, 1767663089514291940, 214, LinkEthernet, 0},
		{"pcapng interface 1 in µs", []string{"zeek", "pcapng-multi-interface.pcapng"}, 6, 1767663437140942000, 182, LinkEthernet, 1},
		{"pcapng with 22 interfaces", []string{"ndpi", "sites.pcapng"}, 699, 0, 0, LinkEthernet, -1},
		{"pcapng inside a .pcap name", []string{"ndpi", "upnp.pcap"}, 14, 0, 0, LinkEthernet, 0},
		{"timestamp beyond 2106", []string{"tcpdump", "time_2106_overflow.pcapng"}, 1, 4294967296e9, 98, LinkEthernet, 0},
		{"Linux cooked v1", []string{"ndpi", "KakaoTalk_chat.pcap"}, 1, 0, 0, LinkSLL, 0},
		{"Linux cooked v2", []string{"zeek", "linux_dlt_sll2.pcap"}, 1, 0, 0, LinkSLL2, 0},
		{"raw IP", []string{"ndpi", "dingtalk.pcap"}, 1, 0, 0, LinkRaw, 0},
		{"BSD loopback", []string{"tcpdump", "quic_handshake_truncated.pcap"}, 1, 0, 0, LinkNull, 0},
		{"NFLOG", []string{"zeek", "nflog-http.pcap"}, 1, 0, 0, LinkNFLOG, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(testutil.Fixture(t, tc.path...))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for {
				f, err := r.Next()
				if err != nil {
					t.Fatalf("frame %d not reached: %v", tc.number, err)
				}
				if f.Number != tc.number {
					continue
				}
				if f.LinkType != tc.link || tc.ifIndex >= 0 && f.IfIndex != tc.ifIndex {
					t.Errorf("link %d interface %d, want %d and %d", f.LinkType, f.IfIndex, tc.link, tc.ifIndex)
				}
				if tc.time != 0 && (f.Time != tc.time || f.WireLen != tc.wireLen) {
					t.Errorf("time %d wire %d, want %d and %d", f.Time, f.WireLen, tc.time, tc.wireLen)
				}
				return
			}
		})
	}
}

// TestFixtureInterfaces checks how frames spread over the interfaces of
// multi-interface pcapng files (tshark -e frame.interface_id | sort | uniq -c).
func TestFixtureInterfaces(t *testing.T) {
	cases := []struct {
		path []string
		want map[int]int
	}{
		{[]string{"zeek", "pcapng-multi-interface.pcapng"}, map[int]int{0: 2, 1: 4}},
		{[]string{"ndpi", "dns-google-nsid.pcapng"}, map[int]int{0: 2, 1: 6, 2: 6}},
		{[]string{"ndpi", "sites.pcapng"}, map[int]int{0: 30, 1: 1, 2: 29, 3: 226, 4: 118, 5: 25, 6: 55, 7: 8, 8: 4, 9: 16,
			10: 50, 11: 22, 12: 20, 13: 6, 14: 6, 15: 7, 16: 6, 17: 1, 18: 6, 19: 20, 20: 22, 21: 21}},
	}
	for _, tc := range cases {
		t.Run(filepath.Join(tc.path...), func(t *testing.T) {
			r, err := Open(testutil.Fixture(t, tc.path...))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := map[int]int{}
			for {
				f, err := r.Next()
				if err != nil {
					break
				}
				got[f.IfIndex]++
			}
			for id, n := range tc.want {
				if got[id] != n {
					t.Errorf("interface %d: %d frames, want %d", id, got[id], n)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%d interfaces carry frames, want %d", len(got), len(tc.want))
			}
		})
	}
}

// TestCompressedFixtures compresses fixtures with gzip and zstd under
// misleading names and expects the very frames of the plain file.
func TestCompressedFixtures(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range [][]string{
		{"ndpi", "nfsv3.pcap"},
		{"ndpi", "upnp.pcap"},
		{"zeek", "pcapng-multi-interface.pcapng"},
		{"madea", "monitoring_2023-5-31_10_25_14.cap"},
		{"madea", "monitoring_2023-6-12_21_50_58.cap"},
	} {
		plain, err := os.ReadFile(testutil.Fixture(t, rel...))
		if err != nil {
			t.Fatal(err)
		}
		want := summarizeBytes(t, plain, defaultBufferSize)
		for _, variant := range []struct {
			compression string
			data        []byte
		}{{"gzip", gzipBytes(t, plain)}, {"zstd", zstdBytes(t, plain)}} {
			path := filepath.Join(dir, rel[len(rel)-1]+"."+variant.compression+".pcap")
			if err := os.WriteFile(path, variant.data, 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if r.Compression() != variant.compression {
				t.Errorf("%s: compression %q", path, r.Compression())
			}
			if got := summarize(r); got != want {
				t.Errorf("%s: %+v, plain file gives %+v", path, got, want)
			}
			r.Close()
		}
	}
}

// TestCutCompressedStream cuts a gzip and a zstd stream in the middle: the
// frames before the cut arrive, then a truncation.
func TestCutCompressedStream(t *testing.T) {
	plain, err := os.ReadFile(testutil.Fixture(t, "ndpi", "sites.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	for _, packed := range [][]byte{gzipBytes(t, plain), zstdBytes(t, plain)} {
		r, err := NewReader(bytes.NewReader(packed[:len(packed)/2]), "cut")
		if err != nil {
			t.Fatal(err)
		}
		frames, err := drainFrames(r)
		if len(frames) == 0 || len(frames) >= 699 {
			t.Errorf("%s: %d frames before the cut", r.Compression(), len(frames))
		}
		if ce := asCaptureError(t, err); !ce.Truncated {
			t.Errorf("%s: %v is not a truncation", r.Compression(), err)
		}
		r.Close()
	}
}
