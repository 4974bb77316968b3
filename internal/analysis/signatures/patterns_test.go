package signatures

import (
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/profile"
)

func TestKeyOfNamesHostsPortsAndData(t *testing.T) {
	tr := mkTrace("a.pcap")
	cases := []struct {
		name string
		flow *Flow
		want string
	}{
		{"dhcp discover from 0.0.0.0", mkFlow(flowSpec{transport: "udp", local: "0.0.0.0:68", remote: "255.255.255.255:67", out: 1, devInit: true, dhcp: "discover"}),
			"udp|dhcp|0.0.0.0|broadcast|67|68|false|discover"},
		{"dhcp ack from the gateway", mkFlow(flowSpec{transport: "udp", local: "192.168.1.135:68", remote: "192.168.1.1:67", in: 1, dhcp: "ack"}),
			"udp|dhcp|self|gateway|68|67|true|ack"},
		{"dns query", mkFlow(flowSpec{transport: "udp", app: "dns", local: "192.168.1.135:40001", remote: "192.168.1.1:53", out: 1, in: 1, devInit: true, dns: "x.example.com", dnsType: "AAAA"}),
			"udp|dns|self|gateway|53|-1|false|x.example.com AAAA"},
		{"reverse lookup generalised", mkFlow(flowSpec{transport: "udp", app: "dns", local: "192.168.1.135:40001", remote: "192.168.1.1:53", out: 1, devInit: true, dns: "4.3.2.1.in-addr.arpa", dnsType: "PTR"}),
			"udp|dns|self|gateway|53|-1|false|$.in-addr.arpa PTR"},
		{"named cloud host", mkFlow(flowSpec{transport: "tcp", app: "tls", local: "192.168.1.135:42010", remote: "52.49.16.218:443", names: []string{"old.example.com", "api.example.com"}, out: 3, devInit: true}),
			"tcp|tls|self|api.example.com|443|-1|false|"},
		{"unnamed host keeps its address", mkFlow(flowSpec{transport: "tcp", app: "tcp:8886", local: "192.168.1.135:42010", remote: "3.65.95.68:8886", out: 3, devInit: true}),
			"tcp|tcp|self|3.65.95.68|8886|-1|false|"},
		{"device serves the phone", mkFlow(flowSpec{transport: "tcp", app: "tplink-shp", local: "192.168.1.135:9999", remote: "192.168.1.110:40378", in: 3}),
			"tcp|tplink-shp|self|192.168.1.110|9999|-1|true|"},
		{"mdns group alias", mkFlow(flowSpec{transport: "udp", app: "mdns", local: "192.168.1.135:5353", remote: "224.0.0.251:5353", out: 1, devInit: true}),
			"udp|mdns|self|mdns|5353|5353|false|"},
		{"neighbour solicitation group", mkFlow(flowSpec{transport: "icmpv6", app: "icmpv6", local: "[fe80::1]:0", remote: "[ff02::1:ff12:3456]:0", out: 1, devInit: true}),
			"icmpv6|icmpv6|self|ff02::1:ff00:0/104|-1|-1|false|"},
	}
	for _, c := range cases {
		if got := KeyOf(tr, c.flow).String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestFixInitiatorForFlowsStartedBeforeTheCapture(t *testing.T) {
	cases := []struct {
		transport, local, remote string
		devFirst, want           bool
	}{
		{"tcp", "192.168.1.135:39786", "34.240.106.51:443", false, true}, // server's FIN seen first
		{"tcp", "192.168.1.135:9999", "192.168.1.110:40378", true, false},
		{"tcp", "192.168.1.135:50000", "10.0.0.2:40000", false, true}, // higher port is the client
		{"udp", "192.168.1.135:5353", "224.0.0.251:5353", true, true}, // both well known: first sender
	}
	for _, c := range cases {
		f := mkFlow(flowSpec{transport: c.transport, local: c.local, remote: c.remote, out: 1, in: 1, devInit: c.devFirst})
		fixInitiator(f)
		if f.DeviceInitiated != c.want {
			t.Errorf("%s %s<->%s: device initiated %v, want %v", c.transport, c.local, c.remote, f.DeviceInitiated, c.want)
		}
	}
}

func TestExtractSupportOrderAndSizes(t *testing.T) {
	traces := []*Trace{
		mkTrace("1.pcap", bootFlows(22, "23.150.41.122")...),
		mkTrace("2.pcap", bootFlows(24, "162.159.200.1")...),
		mkTrace("3.pcap", bootFlows(60, "23.150.41.122")...),
	}
	res := Extract(traces, Options{Tolerance: 0.2})
	if res.MinSupport != 3 {
		t.Fatalf("default support %d, want all 3", res.MinSupport)
	}
	var got []string
	for _, p := range res.Patterns {
		got = append(got, p.PolicyName)
	}
	// NTP to two different servers is not in all three captures.
	if strings.Join(got, " ") != "dhcp-discover dhcp-offer dns-n-devs.tplinkcloud.com tls-n-devs.tplinkcloud.com" {
		t.Fatalf("recurring patterns in order: %v", got)
	}
	tls := res.Patterns[3]
	if tls.Stable || tls.Packets != (Range{22, 60}) || tls.Support != 3 {
		t.Errorf("TLS sizes vary (22, 24, 60 packets): stable %v, %+v", tls.Stable, tls.Packets)
	}
	if len(tls.Pairs) != 2 || tls.Pairs[0] != (Pair{Request: 373, Response: 1514, Support: 3}) || tls.Pairs[1].Request != 192 {
		t.Errorf("packet pairs %+v", tls.Pairs)
	}
	if len(res.Rare) != 2 || res.Rare[0].Support+res.Rare[1].Support != 3 {
		t.Errorf("rare NTP patterns %+v", res.Rare)
	}
	// With a support of 2, the two captures of similar size form one
	// stable pattern; the third (60 packets) joins it as an outlier.
	res2 := Extract(traces, Options{MinSupport: 2, Tolerance: 0.2})
	for _, p := range res2.Patterns {
		if p.PolicyName == "tls-n-devs.tplinkcloud.com" && (p.Stable || len(p.Occurrences) != 3) {
			t.Errorf("support 2: TLS pattern %+v", p)
		}
		if p.PolicyName == "ntp-23.150.41.122" && p.Support != 2 {
			t.Errorf("support 2: NTP to the common server in 2 captures: %d", p.Support)
		}
	}
}

func TestSizeClustersSplitOneKey(t *testing.T) {
	var traces []*Trace
	for i := 0; i < 2; i++ {
		short := mkFlow(flowSpec{transport: "tcp", app: "tls", local: "192.168.1.135:40000", remote: "1.2.3.4:443", names: []string{"api.example.com"}, out: 2, in: 2, bytesEach: 100, devInit: true})
		long := mkFlow(flowSpec{transport: "tcp", app: "tls", local: "192.168.1.135:40001", remote: "1.2.3.4:443", names: []string{"api.example.com"}, out: 20, in: 20, bytesEach: 1000, devInit: true})
		traces = append(traces, mkTrace("t.pcap", short, long))
	}
	res := Extract(traces, Options{Tolerance: 0.2})
	if len(res.Patterns) != 2 || res.Patterns[0].Packets.Max != 4 || res.Patterns[1].Packets.Min != 40 ||
		res.Patterns[1].PolicyName != "tls-api.example.com-2" {
		t.Fatalf("two size clusters expected: %+v %+v", res.Patterns[0], res.Patterns[len(res.Patterns)-1])
	}
}

func TestBuildProfileWritesStepsAndSinglePolicies(t *testing.T) {
	traces := []*Trace{mkTrace("boot/1.pcap", bootFlows(22, "23.150.41.122")...), mkTrace("boot/2.pcap", bootFlows(24, "162.159.200.1")...)}
	traces[0].Flows = append(traces[0].Flows, mkFlow(flowSpec{transport: "udp", app: "ssdp", local: "192.168.1.135:1900",
		remote: "239.255.255.250:1900", out: 2, bytesEach: 300, devInit: true, first: 9e9}))
	traces[1].Flows = append(traces[1].Flows, mkFlow(flowSpec{transport: "udp", app: "ssdp", local: "192.168.1.135:1900",
		remote: "239.255.255.250:1900", out: 2, bytesEach: 300, devInit: true, first: 9e9}))
	res := Extract(traces, Options{Tolerance: 0.2})
	p := BuildProfile(res, traces, ProfileOptions{Device: Device{Name: "plug"}, Event: EventName([]string{"x/boot/1.pcap", "x/boot/2.pcap"})})
	if p.DeviceInfo.IPv4 != "192.168.1.135" || p.DeviceInfo.MAC != devMAC.String() {
		t.Errorf("device-info from the traces: %+v", p.DeviceInfo)
	}
	if len(p.Interactions) != 1 || p.Interactions[0].Name != "boot" || len(p.Interactions[0].Steps) != 4 {
		t.Fatalf("interaction: %+v", p.Interactions)
	}
	steps := p.Interactions[0].Steps
	dhcp := steps[0].Policy
	if typ, _ := dhcp.Layer("dhcp").Field("type"); typ.Items[0].Text != "discover" {
		t.Errorf("dhcp step %+v", dhcp)
	}
	if sp, _ := dhcp.Layer("udp").Field("src-port"); sp.Items[0].Text != "68" {
		t.Errorf("DHCP client port is fixed too: %+v", dhcp.Layer("udp"))
	}
	if src, _ := dhcp.Layer("ipv4").Field("src"); src.Items[0].Text != "0.0.0.0" {
		t.Errorf("discover comes from 0.0.0.0: %+v", src)
	}
	offer := steps[1].Policy
	if src, _ := offer.Layer("ipv4").Field("src"); src.Items[0].Text != "gateway" {
		t.Errorf("offer from the gateway: %+v", offer.Layer("ipv4"))
	}
	dns := steps[2].Policy
	if name, _ := dns.Layer("dns").Field("domain-name"); name.Items[0].Text != "n-devs.tplinkcloud.com" || !dns.IsBidirectional() ||
		dns.Stats[0].Key != "packet-count" {
		t.Errorf("dns step %+v", dns)
	}
	tls := steps[3].Policy
	if dst, _ := tls.Layer("ipv4").Field("dst"); dst.Items[0].Text != "n-devs.tplinkcloud.com" {
		t.Errorf("TLS to the name: %+v", tls.Layer("ipv4"))
	}
	var singles []string
	for _, e := range p.SinglePolicies {
		singles = append(singles, e.Name)
	}
	if strings.Join(singles, " ") != "ssdp-ssdp ntp-162.159.200.1 ntp-23.150.41.122" {
		t.Errorf("single policies (background then rare): %v", singles)
	}
	data, err := profile.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := profile.Parse(data, "profile.yaml", profile.Options{})
	if err != nil {
		t.Fatalf("generated profile does not load: %v\n%s", err, data)
	}
	if len(back.Interactions[0].Steps) != 4 {
		t.Errorf("read back: %+v", back.Interactions)
	}
}

func TestEventName(t *testing.T) {
	cases := []struct {
		paths []string
		want  string
	}{
		{[]string{"u/TpLinkPlug/boot/1.pcap", "u/TpLinkPlug/boot/2.pcap"}, "boot"},
		{[]string{"u/a/boot/1.pcap", "u/a/toggle/2.pcap"}, "event"},
		{[]string{"1.pcap"}, "event"},
		{[]string{"u/Power On/1.pcap"}, "event"},
	}
	for _, c := range cases {
		if got := EventName(c.paths); got != c.want {
			t.Errorf("%v: %q, want %q", c.paths, got, c.want)
		}
	}
}

func TestFlowPairs(t *testing.T) {
	cases := []struct {
		seq     []int32
		devInit bool
		want    [][2]int
	}{
		{[]int32{100, -200, 50, -60}, true, [][2]int{{100, 200}, {50, 60}}},
		{[]int32{100, 120, -200, -10, 50}, true, [][2]int{{120, 200}}},
		{[]int32{-100, 200}, false, [][2]int{{100, 200}}}, // the remote asks
		{[]int32{-100, 200}, true, nil},
	}
	for _, c := range cases {
		got := flowPairs(&Flow{Seq: c.seq, DeviceInitiated: c.devInit})
		if len(got) != len(c.want) {
			t.Errorf("%v: %v, want %v", c.seq, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v: %v, want %v", c.seq, got, c.want)
			}
		}
	}
}
