package dns

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// dnsPorts are the UDP ports whose payloads are DNS messages.
var dnsPorts = map[uint16]bool{53: true, 5353: true, 5355: true}

// extracted is what a capture's DNS messages hold, as tshark reports it.
type extracted struct {
	queryNames, a, aaaa []string
	messages, errors    int
}

// eachMessage parses every DNS message in a capture, UDP payloads on the
// DNS ports and DNS-over-TCP streams on port 53 (reassembled with
// tcpreasm), and calls fn with the result of each.
func eachMessage(t *testing.T, path string, fn func(m *Message, err error)) {
	t.Helper()
	streams := packets.NewReassembler(64 << 10)
	var m Message
	handle := func(msg []byte) { fn(&m, m.Unpack(msg)) }
	packets.Each(t, path, func(p *decode.Packet) {
		if packets.Partial(p) {
			return
		}
		switch {
		case p.Has(decode.LayerUDP) && (dnsPorts[p.SrcPort] || dnsPorts[p.DstPort]):
			handle(p.Payload)
		case p.Has(decode.LayerTCP) && (p.SrcPort == 53 || p.DstPort == 53):
			_, s := streams.Add(p)
			s.Skip(SplitTCP(s.Bytes(), handle))
		}
	})
}

// extractDNS collects the distinct query names and A/AAAA addresses of a
// capture, the sets tshark's dns.qry.name, dns.a and dns.aaaa give.
func extractDNS(t *testing.T, path string) extracted {
	t.Helper()
	names, as, aaaas := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var ex extracted
	eachMessage(t, path, func(m *Message, err error) {
		ex.messages++
		if err != nil {
			ex.errors++
		}
		for _, q := range m.Questions {
			names[q.Name] = true
		}
		for _, sec := range [][]RR{m.Answers, m.Authority, m.Additional} {
			for _, rr := range sec {
				switch {
				case rr.Type == TypeA && rr.IP.IsValid():
					as[rr.IP.String()] = true
				case rr.Type == TypeAAAA && rr.IP.IsValid():
					aaaas[rr.IP.String()] = true
				}
			}
		}
	})
	ex.queryNames, ex.a, ex.aaaa = slices.Sorted(maps.Keys(names)), slices.Sorted(maps.Keys(as)), slices.Sorted(maps.Keys(aaaas))
	return ex
}

// fields splits a space-separated list (the form tshark's sets were pasted
// in) into a sorted slice. Placeholders such as "<Name too long>" keep
// their spaces.
func fields(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "<") && !strings.HasSuffix(out[n-1], ">") {
			out[n-1] += " " + f
			continue
		}
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// The expected sets were learned with tshark 4.0.17:
//
//	tshark -r FILE -T fields -e dns.qry.name   (and -e dns.a, -e dns.aaaa)
//
// splitting the comma-separated values and keeping the distinct ones. tshark
// takes dns.a and dns.aaaa from all three record sections.
var dnsFixtures = []struct {
	path       []string
	queryNames string
	a, aaaa    string
	messages   int
	errors     int // messages Unpack reports a problem in
}{
	{
		path:       []string{"ndpi", "malformed_dns.pcap"},
		queryNames: "<Name too long> www.xt.com",
		a:          "66.66.66.66",
		messages:   6, errors: 4,
	},
	{
		path: []string{"zeek", "dns", "mdns.pcap"},
		queryNames: "4.c.d.4.1.e.e.f.f.f.6.d.c.3.8.8.5.3.2.8.c.3.0.c.e.9.2.4.2.5.d.f.ip6.arpa 7.2.0.10.in-addr.arpa " +
			"_ipp._tcp.local _ipps._tcp.local f.2.8.f.3.6.5.1.6.c.b.5.8.6.9.5.5.3.2.8.c.3.0.c.e.9.2.4.2.5.d.f.ip6.arpa " +
			"johanna-QEMU-Virtual-Machine.local",
		a:        "10.0.2.7",
		aaaa:     "fd52:429e:c03c:8235:5968:5bc6:1563:f82f fd52:429e:c03c:8235:883c:d6ff:fee1:4dc4",
		messages: 18,
	},
	{
		path: []string{"zeek", "dns-edns-ecs.pcap"},
		queryNames: "atlas-ui.ripe.net atlas.ripe.net erfpop.de fg2-mgmt.weberlab.de fg2.weberlab.de formel1.de netflix.com " +
			"ns-1372.awsdns-43.org ns-1489.awsdns-58.org ns-1606.awsdns-08.co.uk ns-1984.awsdns-56.co.uk ns-375.awsdns-46.com " +
			"ns-659.awsdns-18.net ns-749.awsdns-29.net ns1.weberdns.de ns2.weberdns.de pa.weberlab.de pdns154.ultradns.biz " +
			"pdns154.ultradns.com pdns154.ultradns.net pdns154.ultradns.org ripe.net sigfail.verteiltesysteme.net " +
			"sigok.verteiltesysteme.net weberdns.de weberlab.de www.eu-west-1.prodaa.netflix.com www.geo.netflix.com www.netflix.com",
		a: "134.91.78.139 156.154.64.154 156.154.65.154 156.154.66.154 156.154.67.154 192.12.94.30 192.26.92.30 " +
			"192.31.80.30 192.33.14.30 192.35.51.30 192.41.162.30 192.42.93.30 192.43.172.30 192.48.79.30 192.5.6.30 " +
			"192.52.178.30 192.54.112.30 192.55.83.30 193.0.6.158 193.0.9.7 193.24.227.238 194.247.4.10 194.247.5.14 " +
			"199.212.0.53 202.12.31.53 205.251.192.171 205.251.192.186 205.251.192.47 205.251.192.81 205.251.193.119 " +
			"205.251.193.120 205.251.193.211 205.251.193.222 205.251.193.72 205.251.194.110 205.251.194.147 " +
			"205.251.194.237 205.251.194.252 205.251.195.136 205.251.195.184 205.251.195.20 205.251.195.31 " +
			"205.251.196.174 205.251.196.46 205.251.196.61 205.251.197.203 205.251.197.209 205.251.197.251 " +
			"205.251.197.82 205.251.197.92 205.251.197.93 205.251.198.107 205.251.198.122 205.251.198.238 " +
			"205.251.198.70 205.251.199.12 205.251.199.146 205.251.199.157 205.251.199.192 205.251.199.60 " +
			"209.112.113.33 209.112.114.33 213.61.29.182 34.252.114.84 34.253.36.84 52.208.174.58 54.154.12.178 " +
			"54.194.103.216 54.194.216.197 54.229.85.178 54.77.199.154 69.36.145.33 80.154.108.230 85.25.234.253",
		aaaa: "2001:470:1f0b:16b0::1 2001:470:1f0b:16b0::a26:53 2001:470:765b::a25:53 2001:500:13::c7d4:35 " +
			"2001:500:7967::2:33 2001:500:856e::30 2001:500:d937::30 2001:501:b1f9::30 2001:502:1ca1::30 " +
			"2001:502:4612::be 2001:502:7094::30 2001:502:8cc::30 2001:502:cbe4::33 2001:502:f3ff::be " +
			"2001:503:231d::2:30 2001:503:39c1::30 2001:503:83eb::30 2001:503:a83e::2:30 2001:503:d2d::30 " +
			"2001:503:d414::30 2001:503:eea3::30 2001:67c:e0::7 2001:dd8:12::53 2003:51:6012:110::a07:53 " +
			"2600:9000:5300:2f00::1 2600:9000:5300:ab00::1 2600:9000:5300:ba00::1 2600:9000:5301:4800::1 " +
			"2600:9000:5301:7700::1 2600:9000:5301:7800::1 2600:9000:5301:d300::1 2600:9000:5301:de00::1 " +
			"2600:9000:5302:6e00::1 2600:9000:5302:9300::1 2600:9000:5302:ed00::1 2600:9000:5302:fc00::1 " +
			"2600:9000:5303:1400::1 2600:9000:5303:1f00::1 2600:9000:5303:8800::1 2600:9000:5303:b800::1 " +
			"2600:9000:5304:2e00::1 2600:9000:5304:3d00::1 2600:9000:5304:ae00::1 2600:9000:5305:5200::1 " +
			"2600:9000:5305:5c00::1 2600:9000:5305:5d00::1 2600:9000:5305:cb00::1 2600:9000:5305:d100::1 " +
			"2600:9000:5305:fb00::1 2600:9000:5306:4600::1 2600:9000:5306:6b00::1 2600:9000:5306:7a00::1 " +
			"2600:9000:5306:ee00::1 2600:9000:5307:3c00::1 2600:9000:5307:9200::1 2600:9000:5307:9d00::1 " +
			"2600:9000:5307:c000::1 2600:9000:5307:c00::1 2606:4700:30::6818:6291 2606:4700:30::6818:6391 " +
			"2610:a1:1014::be 2610:a1:1015::be 2620:74:19::33",
		messages: 85,
	},
	{
		path:       []string{"tcpdump", "dns_tcp.pcap"},
		queryNames: "www.tcpdump.org",
		a:          "192.139.46.66 198.199.88.104 209.87.249.18 97.107.133.15",
		aaaa:       "2600:3c03::f03c:91ff:fe96:e8ef 2607:f0b0:f::babe:f00d",
		messages:   2,
	},
	{
		path:       []string{"zeek", "dns", "ech.pcap"},
		queryNames: "cloudflare-ech.com defo.ie",
		messages:   4,
	},
	{
		path:       []string{"ndpi", "dns-google-nsid.pcapng"},
		queryNames: "<Root> www.ntop.org www.wikipedia.it www.wireshark.org",
		a: "104.26.10.240 104.26.11.240 108.157.194.11 108.157.194.27 108.157.194.28 108.157.194.62 " +
			"172.67.75.39 178.62.197.130 18.67.39.21 18.67.39.24 18.67.39.51 18.67.39.58",
		messages: 14,
	},
}

func TestFixturesMatchTshark(t *testing.T) {
	for _, fx := range dnsFixtures {
		t.Run(strings.Join(fx.path, "/"), func(t *testing.T) {
			got := extractDNS(t, testutil.Fixture(t, fx.path...))
			check := func(what string, got []string, want string) {
				if w := fields(want); !slices.Equal(got, w) {
					t.Errorf("%s:\n got  %q\n want %q", what, got, w)
				}
			}
			check("query names", got.queryNames, fx.queryNames)
			check("A", got.a, fx.a)
			check("AAAA", got.aaaa, fx.aaaa)
			if got.messages != fx.messages || got.errors != fx.errors {
				t.Errorf("%d messages, %d with errors; want %d, %d", got.messages, got.errors, fx.messages, fx.errors)
			}
		})
	}
}

// TestECHFixture checks the HTTPS records of zeek/dns/ech.pcap against
// tshark 4.0.17 -V: both have SvcPriority 1, TargetName <Root> and an ECH
// config (SvcParamKey 5) of 194 and 71 bytes.
func TestECHFixture(t *testing.T) {
	want := map[string]struct {
		echLen   int
		ipv4hint string
	}{
		"defo.ie":            {194, "\xd5\x6c\x6c\x65"},
		"cloudflare-ech.com": {71, "\x68\x12\x0a\x76\x68\x12\x0b\x76"},
	}
	seen := 0
	eachMessage(t, testutil.Fixture(t, "zeek", "dns", "ech.pcap"), func(m *Message, err error) {
		if err != nil {
			t.Errorf("Unpack: %v", err)
		}
		for _, rr := range m.Answers {
			if rr.Type != TypeHTTPS {
				continue
			}
			seen++
			w, ok := want[rr.Name]
			ech, hasECH := rr.SvcParam(5)
			hint, _ := rr.SvcParam(4)
			if !ok || rr.Priority != 1 || rr.Target != RootName || !hasECH || len(ech) != w.echLen || string(hint) != w.ipv4hint {
				t.Errorf("%s: priority %d target %q ech %d bytes (%v) ipv4hint %x", rr.Name, rr.Priority, rr.Target, len(ech), hasECH, hint)
			}
		}
	})
	if seen != 2 {
		t.Fatalf("saw %d HTTPS records, want 2", seen)
	}
}
