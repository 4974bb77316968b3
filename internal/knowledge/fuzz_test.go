package knowledge

import (
	"net/netip"
	"strings"
	"testing"
)

func FuzzSplitDomain(f *testing.F) {
	for _, s := range []string{"conn-i-1.ws.sonos.com", "a.b.co.uk", "x.s3.amazonaws.com", "1.2.3.4", "[::1]:80",
		"пример.рф", "a..com", "foo.bar.invalidtld", "b.c.ck", "bridge.meethue.com:80", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		sld, tld := SplitDomain(name)
		reg := RegistrableDomain(name)
		if !strings.Contains(name, sld) || !strings.Contains(name, tld) {
			t.Fatalf("SplitDomain(%q) = (%q, %q): not parts of the input", name, sld, tld)
		}
		if reg != "" && reg != strings.ToLower(sld+"."+tld) {
			t.Fatalf("RegistrableDomain(%q) = %q, SplitDomain = (%q, %q)", name, reg, sld, tld)
		}
		etld1 := sld + "." + tld
		if reg == "" || strings.ContainsAny(sld, ":[]") || strings.TrimSpace(etld1) != etld1 {
			return // literals and space-padded labels are trimmed on the way in
		}
		// The registrable domain splits the same way again.
		if s2, t2 := SplitDomain(etld1); s2 != sld || t2 != tld {
			t.Fatalf("SplitDomain(%q) = (%q, %q) but its eTLD+1 splits as (%q, %q)", name, sld, tld, s2, t2)
		}
	})
}

func FuzzOverrides(f *testing.F) {
	f.Add([]byte(userYAML))
	f.Add([]byte("domains:\n  - {cidr: 10.0.0.0/8, category: local}\n"))
	f.Add([]byte("manufacturers:\n  - {name: Ring, domains: [ring.example], platform: true}\n"))
	f.Add([]byte("version: 1\n---\n"))
	f.Add([]byte("domains: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kb, err := parse(data, "fuzz.yaml", Default())
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		c := NewClassifier(kb, nil)
		for _, in := range []Input{
			with(sonosOne, "ws.sonos.com"), with(hueLight, "a.iot.meethue.com"), {IP: netip.MustParseAddr("10.1.2.3")},
			{Domain: "ad.doubleclick.net", DeviceName: "RoadRunner"}, {Domain: "x.ring.example", Vendor: "Ring LLC"},
		} {
			if v := c.Classify(in); v.Party == "" || v.Rule == "" {
				t.Fatalf("Classify(%+v) = %+v", in, v)
			}
		}
		_ = kb.FirstPartyDomains("Ring")
	})
}
