package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/geo"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	v4 := filepath.Join(dir, "asn-ipv4.csv")
	v6 := filepath.Join(dir, "asn-ipv6.csv")
	if err := os.WriteFile(v4, []byte("1.0.0.0,1.0.0.255,13335,Cloudflare\n52.0.0.0,52.31.255.255,16509,\"Amazon.com, Inc.\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(v6, []byte("2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n2001::,2001:0:ffff:ffff:ffff:ffff:ffff:ffff,1101,Teredo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "asn.mmdb")
	if err := run(out, []string{v4, v6}); err != nil {
		t.Fatal(err)
	}
	db, warnings, err := geo.Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "no country database") {
		t.Errorf("warnings = %q", warnings)
	}
	tests := map[string]geo.Info{
		"52.16.1.1":    {ASN: 16509, Org: "Amazon.com, Inc."},
		"1.0.0.7":      {ASN: 13335, Org: "Cloudflare"},
		"2a00:1450::1": {ASN: 15169, Org: "Google LLC"},
		"9.9.9.9":      {},
	}
	for ip, want := range tests {
		if got := db.Lookup(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Lookup(%s) = %+v, want %+v", ip, got, want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("1.0.0.0,1.0.0.255,13335,X\n2.0.0.0,1.0.0.0,1,Y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(filepath.Join(dir, "o.mmdb"), []string{bad})
	if err == nil || !strings.Contains(err.Error(), bad+":2:") {
		t.Errorf("error = %v, want one naming %s:2", err, bad)
	}
	if _, err := os.Stat(filepath.Join(dir, "o.mmdb")); err == nil {
		t.Error("a failed run left an output file")
	}
}

func TestParseRow(t *testing.T) {
	good := [][]string{{"1.0.0.0", "1.0.0.255", "13335", "Cloudflare"}, {"::1", "::1", "AS7"}, {" 10.0.0.0", "10.0.0.0 ", "0"}}
	for _, rec := range good {
		if _, err := parseRow(rec); err != nil {
			t.Errorf("parseRow(%q): %v", rec, err)
		}
	}
	bad := [][]string{{"1.0.0.0", "1.0.0.255"}, {"x", "1.0.0.1", "1"}, {"1.0.0.9", "1.0.0.1", "1"}, {"1.0.0.0", "::1", "1"},
		{"1.0.0.0", "1.0.0.1", "-1"}, {"1.0.0.0", "1.0.0.1", "99999999999"}}
	for _, rec := range bad {
		if _, err := parseRow(rec); err == nil {
			t.Errorf("parseRow(%q) accepted", rec)
		}
	}
}

func FuzzParseRow(f *testing.F) {
	f.Add("1.0.0.0", "1.0.0.255", "13335", "Cloudflare")
	f.Add("2a00:1450::", "2a00:1450::ffff", "AS15169", "Google LLC")
	f.Add("::ffff:1.2.3.4", "1.2.3.5", "1", "")
	f.Fuzz(func(t *testing.T, a, b, asn, org string) {
		r, err := parseRow([]string{a, b, asn, org})
		if err != nil {
			return
		}
		if r.end.Less(r.start) || r.start.Is4() != r.end.Is4() {
			t.Fatalf("parseRow accepted %v-%v", r.start, r.end)
		}
	})
}
