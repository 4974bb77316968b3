package passive

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
)

func scopeEvent(dstMAC decode.MAC, src, dst string) *engine.Event {
	pk := &decode.Packet{HasSrcMAC: true, HasDstMAC: true, SrcMAC: camMAC, DstMAC: dstMAC}
	ev := &engine.Event{Packet: pk, SrcLocal: true, DstLocal: true}
	if src != "" {
		pk.Layers = decode.LayerIPv4
		pk.SrcIP, pk.DstIP = netip.MustParseAddr(src), netip.MustParseAddr(dst)
		if pk.SrcIP.Is6() {
			pk.Layers = decode.LayerIPv6
		}
		ev.SrcLocal = inventory.IsLocal(pk.SrcIP)
		ev.DstLocal = inventory.IsLocal(pk.DstIP) || dstMAC.IsGroup()
	}
	return ev
}

// TestScopeRules: the iotlens rule and the seed's display filter on the
// cases where they differ.
func TestScopeRules(t *testing.T) {
	extra, err := ParsePrefixes([]string{"2620:0:5300::/44", "198.51.100.7"})
	if err != nil {
		t.Fatal(err)
	}
	bcast := mac("ff:ff:ff:ff:ff:ff")
	cases := []struct {
		name              string
		dstMAC            decode.MAC
		src, dst          string
		local, seed       bool
		localXtra, seedXt bool
	}{
		{"private to private", gwMAC, "192.168.1.10", "192.168.1.1", true, true, true, true},
		{"private to Internet", gwMAC, "192.168.1.10", "52.1.1.1", false, false, false, false},
		{"Internet to private", gwMAC, "52.1.1.1", "192.168.1.10", false, false, false, false},
		{"multicast MAC", mdns4MAC, "192.168.1.10", "224.0.0.251", true, true, true, true},
		{"link-local IPv4 unicast", gwMAC, "169.254.1.1", "169.254.1.2", true, false, true, false},
		{"IPv6 link-local to multicast", mdns6MAC, "fe80::1", "ff02::fb", true, true, true, true},
		{"IPv6 link-local unicast", gwMAC, "fe80::1", "fe80::2", true, false, true, false},
		{"ULA to ULA", gwMAC, "fd00::1", "fd00::2", true, true, true, true},
		{"site prefix", gwMAC, "2620:0:5300::1", "2620:0:5300::2", false, false, true, true},
		{"extra host", gwMAC, "192.168.1.10", "198.51.100.7", false, false, true, true},
		{"ARP broadcast", bcast, "", "", true, true, true, true},
		{"ARP unicast", gwMAC, "", "", true, false, true, false},
	}
	for _, c := range cases {
		ev := scopeEvent(c.dstMAC, c.src, c.dst)
		for _, r := range []struct {
			s    Scoper
			want bool
		}{{Scoper{Rule: RuleLocal}, c.local}, {Scoper{Rule: RuleSeed}, c.seed}, {Scoper{Rule: RuleLocal, Extra: extra}, c.localXtra}, {Scoper{Rule: RuleSeed, Extra: extra}, c.seedXt}} {
			if got := r.s.IsLAN(ev); got != r.want {
				t.Errorf("%s, rule %s extra %v: LAN %v, want %v", c.name, r.s.Rule, len(r.s.Extra) > 0, got, r.want)
			}
		}
	}
}

func TestParseOptions(t *testing.T) {
	if _, err := ParseLANRule("seed"); err != nil {
		t.Error(err)
	}
	if _, err := ParseLANRule("wan"); err == nil {
		t.Error("bad rule accepted")
	}
	for _, s := range []string{"none", "filtered", "filtered-with-dns"} {
		if p, err := ParsePreset(s); err != nil || p.String() != s {
			t.Errorf("%s: %v %v", s, p, err)
		}
	}
	if _, err := ParsePreset("strict"); err == nil {
		t.Error("bad preset accepted")
	}
	if ps, err := ParseExclude([]string{"dns,mdns", "tcp:8883"}); err != nil || len(ps) != 3 || ps[2].String() != "tcp:8883" {
		t.Errorf("exclude %v %v", ps, err)
	}
	if _, err := ParseExclude([]string{"dnss"}); err == nil {
		t.Error("bad protocol accepted")
	}
	if _, err := ParseExcludeIPs([]string{"192.168.1.1,fe80::1"}); err != nil {
		t.Error(err)
	}
	if _, err := ParsePrefixes([]string{"10.0.0.0/33"}); err == nil {
		t.Error("bad prefix accepted")
	}
}
