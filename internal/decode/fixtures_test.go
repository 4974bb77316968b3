package decode

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// TestDecodeEveryFixture decodes every frame of every shared capture. None
// may panic, and none is malformed: tshark 4.0 decodes all their headers.
func TestDecodeEveryFixture(t *testing.T) {
	root := testutil.FixturesDir(t)
	files := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !isCaptureName(path) {
			return err
		}
		files++
		rel, _ := filepath.Rel(root, path)
		d := NewDecoder(DefaultOptions())
		var p Packet
		for _, f := range readCaptureFile(t, path) {
			if err := d.Decode(&f, &p); err != nil {
				t.Errorf("%s frame %d: %v", rel, f.Number, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no capture files under the fixtures folder")
	}
}

func isCaptureName(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".pcap" || ext == ".pcapng" || ext == ".cap"
}

// fixtureExpectation holds what tshark 4.0 reports for a capture, from
//
//	tshark -r F -T fields -E occurrence=f -e frame.protocols -e ip.src -e ip.dst \
//	    -e ipv6.src -e ipv6.dst -e ip.flags.mf -e ip.frag_offset -e ipv6.fraghdr.offset \
//	    -e ipv6.fraghdr.more -e ip.reassembled.length -e ipv6.reassembled.length -e udp.length \
//	    -e sll.hatype -e sll.halen -e arp.hw.type -e vlan.id -e frame.cap_len -e frame.len
//
// counting, per frame, only the outer IP header (tshark also shows the
// headers quoted inside ICMP errors) and its first transport protocol. A
// fragment that does not complete its datagram counts for the transport
// layer only at offset 0, where iotlens reads the ports (tshark shows it as
// "data"). SLL frames count as Ethernet when they carry a 6-byte address of
// ARPHRD type 1.
type fixtureExpectation struct {
	file           string
	frames         int
	layers         map[Layer]int
	pairs          []string // "src>dst" of the outer IP header, sorted
	reassembledUDP []int    // udp.length-8 of each reassembled datagram, in order
	vlans          string   // VLAN IDs of every frame as "outer,inner/count"; "" when untagged
	truncated      int      // frames whose headers the snaplen cut
	payloadCut     int      // frames whose captured payload is shorter than its headers say
}

var fixtureExpectations = []fixtureExpectation{
	{
		file: "zeek/http-vlan-0.pcap", frames: 14,
		layers: map[Layer]int{LayerEthernet: 14, LayerIPv4: 14, LayerTCP: 14},
		pairs:  []string{"141.142.228.5>192.150.187.43", "192.150.187.43>141.142.228.5"},
		vlans:  "0/1",
	},
	{
		file: "zeek/http-qinq-0.pcap", frames: 14,
		layers: map[Layer]int{LayerEthernet: 14, LayerIPv4: 14, LayerTCP: 14},
		pairs:  []string{"141.142.228.5>192.150.187.43", "192.150.187.43>141.142.228.5"},
		vlans:  "0,0/2",
	},
	{
		file: "tcpdump/802.1ad_QinQ.pcap", frames: 2,
		layers: map[Layer]int{LayerEthernet: 2, LayerARP: 2},
		vlans:  "200,2001/2",
	},
	{
		file: "ndpi/KakaoTalk_chat.pcap", frames: 347,
		layers: map[Layer]int{LayerIPv4: 347, LayerTCP: 310, LayerUDP: 36, LayerICMP: 1},
		pairs: []string{
			"10.188.1.1>10.24.82.188", "10.188.191.1>10.24.82.188", "10.24.82.188>10.188.1.1",
			"10.24.82.188>10.188.191.1", "10.24.82.188>103.246.57.251", "10.24.82.188>139.150.0.125",
			"10.24.82.188>173.194.72.188", "10.24.82.188>173.252.97.2", "10.24.82.188>210.103.240.15",
			"10.24.82.188>216.58.220.174", "10.24.82.188>216.58.221.10", "10.24.82.188>31.13.68.70",
			"10.24.82.188>31.13.68.73", "10.24.82.188>31.13.68.84", "10.24.82.188>54.255.253.199",
			"103.246.57.251>10.24.82.188", "120.28.26.242>10.24.82.188", "139.150.0.125>10.24.82.188",
			"173.252.97.2>10.24.82.188", "210.103.240.15>10.24.82.188", "216.58.221.10>10.24.82.188",
			"31.13.68.70>10.24.82.188", "31.13.68.73>10.24.82.188", "31.13.68.84>10.24.82.188",
			"54.255.253.199>10.24.82.188",
		},
	},
	{
		file: "zeek/linux_dlt_sll2.pcap", frames: 6,
		layers: map[Layer]int{LayerEthernet: 2, LayerARP: 2, LayerIPv4: 2, LayerIPv6: 2, LayerICMP: 2, LayerICMPv6: 2},
		pairs:  []string{"192.0.2.1>192.0.2.1", "fe80::8c36:6ff:fe44:acaf>fe80::8c36:6ff:fe44:acaf"},
	},
	{
		file: "tcpdump/quic_handshake_truncated.pcap", frames: 18,
		layers:     map[Layer]int{LayerIPv6: 18, LayerUDP: 18},
		pairs:      []string{"::1>::1"},
		payloadCut: 4,
	},
	{
		file: "ndpi/dingtalk.pcap", frames: 16,
		layers: map[Layer]int{LayerIPv4: 16, LayerTCP: 16},
		pairs: []string{
			"10.215.173.1>104.166.182.25", "10.215.173.1>47.246.133.39", "104.166.182.25>10.215.173.1",
			"47.246.133.39>10.215.173.1",
		},
	},
	{
		file: "zeek/dns/ech.pcap", frames: 4,
		layers: map[Layer]int{LayerIPv6: 4, LayerUDP: 4},
		pairs:  []string{"2620:fe::fe>2a02:6bf:8080:165::1:12", "2a02:6bf:8080:165::1:12>2620:fe::fe"},
	},
	{
		file: "zeek/nflog-http.pcap", frames: 13,
		layers: map[Layer]int{LayerIPv4: 13, LayerTCP: 13},
		pairs:  []string{"10.0.2.15>93.184.216.34", "93.184.216.34>10.0.2.15"},
	},
	{
		file: "zeek/ipv6-fragmented-dns.pcap", frames: 8,
		layers:         map[Layer]int{LayerEthernet: 8, LayerIPv6: 8, LayerUDP: 6, LayerFragment: 4, LayerReassembled: 1},
		pairs:          []string{"2001:470:1f11:81f:d138:5f55:6d4:1fe2>2607:f740:b::f93", "2607:f740:b::f93>2001:470:1f11:81f:d138:5f55:6d4:1fe2"},
		reassembledUDP: []int{3230},
	},
	{
		file: "ndpi/dns_fragmented.pcap", frames: 66,
		layers: map[Layer]int{LayerEthernet: 66, LayerIPv4: 22, LayerIPv6: 44, LayerTCP: 20, LayerUDP: 46, LayerFragment: 14, LayerReassembled: 7},
		pairs: []string{
			"172.217.40.76>193.24.227.238", "173.194.169.104>193.24.227.238", "193.24.227.238>172.217.40.76",
			"193.24.227.238>173.194.169.104", "193.24.227.238>194.247.5.6", "193.24.227.238>74.125.47.136",
			"194.247.5.14>194.247.5.6", "194.247.5.6>193.24.227.238", "194.247.5.6>194.247.5.14",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2001:470:1f0b:16b0::a26:53",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2001:470:765b::a25:53",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2606:4700:4700::1111",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2620:fe::fe",
			"2001:470:1f0b:16b0::a26:53>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb",
			"2001:470:765b::a25:53>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb",
			"2001:470:765b::a25:53>2a00:1450:400c:c00::106", "2001:470:765b::a25:53>2a00:1450:4013:c03::10a",
			"2001:470:765b::a25:53>2a00:1450:4013:c05::10e", "2001:470:765b::a25:53>2a00:1450:4013:c06::105",
			"2606:4700:4700::1111>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb",
			"2620:fe::fe>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb", "2a00:1450:400c:c00::106>2001:470:765b::a25:53",
			"2a00:1450:4013:c03::10a>2001:470:765b::a25:53", "2a00:1450:4013:c05::10e>2001:470:765b::a25:53",
			"2a00:1450:4013:c06::105>2001:470:765b::a25:53", "74.125.47.136>193.24.227.238",
		},
		reassembledUDP: []int{1702, 1501, 1490, 1490, 1702, 1730, 1730},
	},
	{
		file: "zeek/dns-edns-ecs.pcap", frames: 89,
		layers: map[Layer]int{LayerEthernet: 89, LayerIPv4: 46, LayerIPv6: 43, LayerTCP: 9, LayerUDP: 80, LayerFragment: 8, LayerReassembled: 4},
		pairs: []string{
			"156.154.65.154>192.168.120.22", "173.194.169.104>193.24.227.238", "192.168.120.21>192.168.90.10",
			"192.168.90.10>192.168.120.21", "192.168.90.10>74.125.47.13", "192.168.90.10>74.125.73.76",
			"192.168.90.10>74.125.73.83", "192.54.112.30>192.168.120.22", "193.0.9.7>192.168.120.22",
			"193.24.227.238>172.217.40.76", "193.24.227.238>173.194.169.104", "193.24.227.238>194.247.5.6",
			"193.24.227.238>74.125.47.136", "194.247.5.14>194.247.5.6", "194.247.5.6>193.24.227.238",
			"194.247.5.6>194.247.5.14", "2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2001:470:765b::a25:53",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2606:4700:4700::1111",
			"2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb>2620:fe::fe",
			"2001:470:765b::a25:53>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb",
			"2001:470:765b::a25:53>2a00:1450:400c:c00::106", "2001:470:765b::a25:53>2a00:1450:4013:c05::10e",
			"2001:500:d937::30>2003:de:2016:120::a08:53", "2001:502:cbe4::33>2003:de:2016:120::a08:53",
			"2001:503:83eb::30>2003:de:2016:120::a08:53", "2003:de:2016:120::a08:53>2003:de:2016:110::b15:22",
			"205.251.192.186>192.168.120.22", "205.251.192.81>192.168.120.22", "205.251.194.147>192.168.120.22",
			"205.251.194.252>192.168.120.22", "205.251.197.93>192.168.120.22", "205.251.198.70>192.168.120.22",
			"205.251.199.192>192.168.120.22", "209.112.114.33>192.168.120.22", "213.248.220.1>192.168.120.22",
			"2600:9000:5301:4800::1>2003:de:2016:120::a08:53", "2600:9000:5301:d300::1>2003:de:2016:120::a08:53",
			"2600:9000:5302:ed00::1>2003:de:2016:120::a08:53", "2600:9000:5304:2e00::1>2003:de:2016:120::a08:53",
			"2600:9000:5305:fb00::1>2003:de:2016:120::a08:53", "2600:9000:5306:ee00::1>2003:de:2016:120::a08:53",
			"2606:4700:4700::1111>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb",
			"2620:fe::fe>2001:470:1f0b:16b0:20c:29ff:fe7c:a4cb", "2a00:1450:400c:c00::106>2001:470:765b::a25:53",
			"2a00:1450:4013:c03::10a>2001:470:765b::a25:53", "2a00:1450:4013:c05::10e>2001:470:765b::a25:53",
			"2a00:1450:4013:c06::105>2001:470:765b::a25:53", "37.209.192.2>192.168.120.22",
			"74.125.47.13>192.168.90.10", "74.125.73.76>192.168.90.10",
		},
		reassembledUDP: []int{1702, 1490, 1702, 1730},
	},
	{
		file: "zeek/tcp/truncated-header.pcap", frames: 24,
		layers:    map[Layer]int{LayerEthernet: 24, LayerIPv4: 24, LayerTCP: 24},
		pairs:     []string{"128.3.26.249>201.186.157.67", "201.186.157.67>128.3.26.249"},
		truncated: 1, payloadCut: 11,
	},
}

func TestDecodeFixturesAgainstTshark(t *testing.T) {
	for _, want := range fixtureExpectations {
		t.Run(want.file, func(t *testing.T) {
			path := testutil.Fixture(t, strings.Split(want.file, "/")...)
			got := observeFixture(t, path)
			if got.frames != want.frames {
				t.Errorf("frames = %d, want %d", got.frames, want.frames)
			}
			for _, ln := range layerNames {
				if got.layers[ln.l] != want.layers[ln.l] {
					t.Errorf("frames with %s = %d, want %d", ln.name, got.layers[ln.l], want.layers[ln.l])
				}
			}
			if !slices.Equal(got.pairs, want.pairs) {
				t.Errorf("address pairs:\n got  %q\n want %q", got.pairs, want.pairs)
			}
			if !slices.Equal(got.reassembledUDP, want.reassembledUDP) {
				t.Errorf("reassembled UDP payload lengths = %v, want %v", got.reassembledUDP, want.reassembledUDP)
			}
			if got.vlans != want.vlans {
				t.Errorf("VLANs = %q, want %q", got.vlans, want.vlans)
			}
			if got.truncated != want.truncated || got.payloadCut != want.payloadCut {
				t.Errorf("truncated %d, payload cut %d; want %d, %d", got.truncated, got.payloadCut, want.truncated, want.payloadCut)
			}
		})
	}
}

// observeFixture decodes a capture and tallies what fixtureExpectation holds.
func observeFixture(t *testing.T, path string) fixtureExpectation {
	t.Helper()
	obs := fixtureExpectation{layers: map[Layer]int{}}
	seenPairs := map[string]bool{}
	vlanSets := map[string]bool{}
	d := NewDecoder(DefaultOptions())
	var p Packet
	for _, f := range readCaptureFile(t, path) {
		if err := d.Decode(&f, &p); err != nil {
			t.Errorf("frame %d: %v", f.Number, err)
		}
		obs.frames++
		for _, ln := range layerNames {
			if p.Has(ln.l) {
				obs.layers[ln.l]++
			}
		}
		if p.IsIP() {
			seenPairs[p.SrcIP.String()+">"+p.DstIP.String()] = true
		}
		if p.Has(LayerReassembled | LayerUDP) {
			obs.reassembledUDP = append(obs.reassembledUDP, p.PayloadLen)
		}
		vlanSets[summarize(&p).VLANs] = true
		if p.Truncated {
			obs.truncated++
		}
		if len(p.Payload) < p.PayloadLen {
			obs.payloadCut++
		}
	}
	for pair := range seenPairs {
		obs.pairs = append(obs.pairs, pair)
	}
	slices.Sort(obs.pairs)
	if len(vlanSets) != 1 {
		t.Errorf("frames differ in VLAN tags: %v", vlanSets)
	}
	for v := range vlanSets {
		obs.vlans = v
	}
	return obs
}
