package signatures

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestDetectFindsOrderedStepsInAWindow(t *testing.T) {
	s := int64(time.Second)
	cases := []struct {
		name     string
		hits     []stepHit
		window   int64
		need     int
		episodes []episode
		best     int
	}{
		{"all in order", []stepHit{{1 * s, 0}, {2 * s, 1}, {3 * s, 2}}, 10 * s, 3, []episode{{1 * s, 3 * s, 3}}, 3},
		{"out of order keeps the longest ordered run", []stepHit{{1 * s, 2}, {2 * s, 0}, {3 * s, 1}, {4 * s, 3}}, 10 * s, 3,
			[]episode{{2 * s, 4 * s, 3}}, 3},
		{"a missing step is tolerated", []stepHit{{1 * s, 0}, {2 * s, 2}, {3 * s, 3}}, 10 * s, 3, []episode{{1 * s, 3 * s, 3}}, 3},
		{"too few steps", []stepHit{{1 * s, 0}, {2 * s, 2}}, 10 * s, 3, nil, 2},
		{"steps too far apart", []stepHit{{1 * s, 0}, {2 * s, 1}, {30 * s, 2}}, 10 * s, 3, nil, 2},
		{"two occurrences", []stepHit{{1 * s, 0}, {2 * s, 1}, {100 * s, 0}, {101 * s, 1}}, 10 * s, 2,
			[]episode{{1 * s, 2 * s, 2}, {100 * s, 101 * s, 2}}, 2},
		{"repeats of one step count once", []stepHit{{1 * s, 0}, {2 * s, 0}, {3 * s, 0}}, 10 * s, 2, nil, 1},
		{"nothing", nil, 10 * s, 1, nil, 0},
	}
	for _, c := range cases {
		eps, best := detect(c.hits, c.window, c.need)
		if best != c.best || len(eps) != len(c.episodes) {
			t.Errorf("%s: %v best %d, want %v best %d", c.name, eps, best, c.episodes, c.best)
			continue
		}
		for i := range eps {
			if eps[i] != c.episodes[i] {
				t.Errorf("%s: %v, want %v", c.name, eps, c.episodes)
			}
		}
	}
	if needed(10, 0.5) != 5 || needed(11, 0.5) != 6 || needed(1, 0.5) != 1 || needed(3, 1) != 3 {
		t.Error("needed rounds up")
	}
}

const matchProfile = `device-info:
  name: plug
  mac: 50:c7:bf:f5:a0:83
  ipv4: 192.168.1.135
single-policies:
  app-from-phone:
    protocols:
      tcp: {dst-port: 9999}
      ipv4: {src: phone, dst: self}
    bidirectional: true
  ntp-pool:
    protocols:
      udp: {dst-port: 123}
      ipv4: {src: self, dst: $.pool.ntp.org}
    bidirectional: true
  tls-hello:
    protocols:
      tls: {handshake-type: client-hello}
      tcp: {dst-port: 443}
      ipv4: {src: self, dst: external}
interactions:
  boot:
    dhcp-discover:
      protocols:
        dhcp: {type: discover, client-mac: self}
        udp: {src-port: 68, dst-port: 67}
        ipv4: {src: 0.0.0.0, dst: broadcast}
    dns:
      protocols:
        dns: {qtype: A, domain-name: n-devs.tplinkcloud.com}
        udp: {dst-port: 53}
        ipv4: {src: self, dst: gateway}
      bidirectional: true
    cloud:
      protocols:
        tcp: {dst-port: 443}
        ipv4: {src: self, dst: n-devs.tplinkcloud.com}
      bidirectional: true
`

func TestMatcherPoliciesAnomaliesAndDetection(t *testing.T) {
	m, err := Compile(mustProfile(t, matchProfile), MatchOptions{Aliases: map[string][]netip.Addr{"phone": {netip.MustParseAddr("192.168.1.110")}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Unchecked, ",") != "tls.handshake-type" {
		t.Errorf("unchecked %v", m.Unchecked)
	}
	flows := bootFlows(20, "23.150.41.122")
	flows[4].RemoteNames = []string{"0.europe.pool.ntp.org"}
	flows = append(flows,
		// The phone drives the plug: allowed by app-from-phone both ways.
		mkFlow(flowSpec{transport: "tcp", app: "tplink-shp", local: "192.168.1.135:9999", remote: "192.168.1.110:40000", out: 5, in: 6, bytesEach: 80}),
		// A DNS question the profile does not know: an anomaly both ways.
		mkFlow(flowSpec{transport: "udp", app: "dns", local: "192.168.1.135:40002", remote: "192.168.1.1:53", out: 1, in: 1, bytesEach: 90, devInit: true,
			dns: "evil.example.net", dnsType: "A"}),
	)
	fm := m.evaluate(mkTrace("boot.pcap", flows...))
	hits := map[string]int64{}
	for i, r := range m.rules {
		hits[r.name] = fm.hits[i].packets
	}
	want := map[string]int64{"app-from-phone": 11, "ntp-pool": 2, "tls-hello": 10, "boot.dhcp-discover": 1, "boot.dns": 2, "boot.cloud": 20}
	for name, n := range want {
		if hits[name] != n {
			t.Errorf("%s allowed %d packets, want %d (all: %v)", name, hits[name], n, hits)
		}
	}
	// The DHCP offer has no policy; neither has the unknown DNS question.
	var anomalies []string
	for _, k := range fm.order {
		anomalies = append(anomalies, k.direction+" "+k.app+" "+k.remote+" "+k.detail)
	}
	if strings.Join(anomalies, "; ") != "in dhcp gateway offer; out dns gateway evil.example.net A; in dns gateway evil.example.net A" {
		t.Errorf("anomalies: %v", anomalies)
	}
	res := fm.interactions[0]
	if len(res.episodes) != 1 || res.episodes[0].matched != 3 {
		t.Errorf("boot detection: %+v", res)
	}
}

func TestMatcherDirectionsOfDNS(t *testing.T) {
	m, err := Compile(mustProfile(t, `device-info: {name: d, ipv4: 192.168.1.135}
single-policies:
  query-only:
    protocols:
      dns: {domain-name: a.example.com}
      udp: {dst-port: 53}
      ipv4: {src: self, dst: gateway}
`), MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := mkFlow(flowSpec{transport: "udp", app: "dns", local: "192.168.1.135:40000", remote: "192.168.1.1:53", out: 1, in: 1, bytesEach: 90, devInit: true, dns: "a.example.com", dnsType: "A"})
	fm := m.evaluate(mkTrace("t.pcap", f))
	// Not bidirectional: the query is allowed, the response is not.
	if fm.hits[0].packets != 1 || len(fm.order) != 1 || fm.order[0].direction != "in" {
		t.Errorf("hits %+v anomalies %+v", fm.hits, fm.order)
	}
}

func TestCompileNeedsAnAddress(t *testing.T) {
	_, err := Compile(mustProfile(t, "device-info: {name: ghost}\n"), MatchOptions{})
	if err == nil || !strings.Contains(err.Error(), "--ip or --mac") {
		t.Fatalf("got %v", err)
	}
	m, err := Compile(mustProfile(t, "device-info: {name: ghost}\n"), MatchOptions{IPs: []netip.Addr{devIP}})
	if err != nil || m.Device().IPs[0] != devIP {
		t.Fatalf("override: %v %+v", err, m)
	}
}

func TestPoliciesMayNameTheCanonicalName(t *testing.T) {
	m, err := Compile(mustProfile(t, `device-info: {name: d, ipv4: 192.168.1.135}
single-policies:
  cloud:
    protocols:
      tcp: {dst-port: 443}
      ipv4: {src: self, dst: n-euw1-devs.tplinkcloud.com}
`), MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := mkFlow(flowSpec{transport: "tcp", app: "tls", local: "192.168.1.135:40000", remote: "52.49.16.218:443", out: 3, devInit: true,
		names: []string{"n-devs.tplinkcloud.com"}})
	f.RemoteAliases = []string{"n-euw1-devs.tplinkcloud.com"}
	if fm := m.evaluate(mkTrace("t.pcap", f)); fm.hits[0].packets != 3 {
		t.Errorf("the CNAME target does not match: %+v", fm.hits)
	}
}
