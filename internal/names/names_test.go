package names

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/dissect/dns"
)

func TestLearnDNSFollowsCNAMEChain(t *testing.T) {
	m := &dns.Message{Response: true,
		Questions: []dns.Question{{Name: "Device-Metrics-US.amazon.com.", Type: dns.TypeA}},
		Answers: []dns.RR{
			{Name: "device-metrics-us.amazon.com", Type: dns.TypeCNAME, Target: "dmetrics.cdn.example.net"},
			{Name: "dmetrics.cdn.example.net", Type: dns.TypeCNAME, Target: "edge7.example.net"},
			{Name: "edge7.example.net", Type: dns.TypeA, IP: netip.MustParseAddr("52.1.2.3")},
			{Name: "3.2.1.52.in-addr.arpa", Type: dns.TypePTR, Target: "ec2-52-1-2-3.compute-1.amazonaws.com."},
		}}
	var facts []Fact
	learnDNS(m, 10, netip.MustParseAddr("192.168.1.5"), false, func(f Fact) { facts = append(facts, f) })
	if len(facts) != 2 {
		t.Fatalf("facts %+v", facts)
	}
	a := facts[0]
	if a.Name != "device-metrics-us.amazon.com" || a.Source != DNS || a.IP.String() != "52.1.2.3" || a.QType != dns.TypeA {
		t.Fatalf("A fact %+v", a)
	}
	if want := []string{"device-metrics-us.amazon.com", "dmetrics.cdn.example.net", "edge7.example.net"}; len(a.Aliases) != 3 || a.Aliases[1] != want[1] || a.Aliases[2] != want[2] {
		t.Fatalf("chain %v", a.Aliases)
	}
	if p := facts[1]; p.Source != PTR || p.IP.String() != "52.1.2.3" || p.Name != "ec2-52-1-2-3.compute-1.amazonaws.com" {
		t.Fatalf("PTR fact %+v", p)
	}
}

func TestLocalNamesKeptApart(t *testing.T) {
	m := &dns.Message{Response: true, Answers: []dns.RR{{Name: "Hue-Bridge.local", Type: dns.TypeA, IP: netip.MustParseAddr("192.168.1.141")}}}
	var got Fact
	learnDNS(m, 1, netip.Addr{}, true, func(f Fact) { got = f })
	if got.Source != Local || got.Name != "hue-bridge.local" {
		t.Fatalf("%+v", got)
	}
}

func TestTableIsTemporal(t *testing.T) {
	ip := netip.MustParseAddr("23.1.1.1")
	tab := NewTable()
	tab.Add(Fact{IP: ip, Name: "a.example.com", Source: DNS, Time: 100})
	tab.Add(Fact{IP: ip, Name: "b.example.com", Source: DNS, Time: 200}) // the IP is reused for another name
	cases := []struct {
		at   int64
		want string
		ok   bool
	}{{50, "", false}, {100, "a.example.com", true}, {150, "a.example.com", true}, {250, "b.example.com", true}}
	for _, c := range cases {
		e, ok := tab.At(ip, c.at)
		if ok != c.ok || e.Name != c.want {
			t.Errorf("At(%d) = %q %v, want %q", c.at, e.Name, ok, c.want)
		}
	}
	if e, _ := tab.Latest(ip); e.Name != "b.example.com" {
		t.Fatalf("Latest = %q", e.Name)
	}
	tab.Add(Fact{IP: ip, Name: "cert-name.example.com", Source: Cert, Time: 300})
	if e, _ := tab.Latest(ip); e.Name != "b.example.com" {
		t.Fatal("a certificate name must not replace the name the device looked up")
	}
	later := NewTable()
	later.Add(Fact{IP: ip, Name: "c.example.com", Source: DNS, Time: 400})
	tab.Extend(later)
	if e, _ := tab.At(ip, 250); e.Name != "b.example.com" {
		t.Fatal("extending must not relabel the past")
	}
	if e, _ := tab.Latest(ip); e.Name != "c.example.com" {
		t.Fatal("extend lost the later name")
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{"bridge.meethue.com:80": "bridge.meethue.com", "[2001:db8::1]:443": "2001:db8::1", "plain": "plain", "2001:db8::1": "2001:db8::1"} {
		if got := stripPort(in); got != want {
			t.Errorf("stripPort(%q) = %q", in, got)
		}
	}
	ip, ok := reverseIP("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa")
	if !ok || ip.String() != "4321:0:1:2:3:4:567:89ab" {
		t.Errorf("ip6.arpa -> %v %v", ip, ok)
	}
	if _, ok := reverseIP("1.2.3.in-addr.arpa"); ok {
		t.Error("short in-addr accepted")
	}
	if certName("*.iot.meethue.com", nil) != "iot.meethue.com" || certName("localhost", []string{"10.0.0.1", "api.example.com"}) != "api.example.com" {
		t.Error("certName")
	}
}
