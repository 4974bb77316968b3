package endpoints

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/proto"
)

func TestSeedRows(t *testing.T) {
	wan := row("108.128.237.136", "First", pt(proto.TLS, 5679, 388193, 9624, 15121259))
	wan.Cert = &Cert{SubjectOrg: "D-LINK CORPORATION", SubjectCountry: "TW"}
	wan.ASOrg, wan.Country = "AMAZON-02", "US"
	wan.Hostname, wan.HostnameSource = "mp-eu-rcdda-10.auto.mydlink.com", names.SNI
	bare := row("198.51.100.7", "Unknown", pt(proto.TCPPort(1234), 1, 60, 0, 0))
	lan := row("224.0.0.251", "Local Multicast", pt(proto.MDNS, 0, 0, 184, 33504))
	lan.LAN = true
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := writeSeedRows(w, []Row{wan, bare, lan}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	want := SeedHeader + "\n" +
		`108.128.237.136,First,"D-LINK CORPORATION","TW","None","None","AMAZON-02, US","US",mp-eu-rcdda-10.auto.mydlink.com,mp-eu-rcdda-10.auto.mydlink.com,US,TW,15303,15509452,5679,388193,9624,15121259` + "\n" +
		`198.51.100.7,Unknown,"None","None","None","None","None","None",None,None,None,None,1,60,1,60,0,0` + "\n" +
		`224.0.0.251,Local Multicast,"Local","Local","Local","Local","Local","Local",N/A,N/A,Local,Local,184,33504,0,0,184,33504` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestHostileStrings: names and certificate fields from the traffic with
// commas, quotes, newlines and formula starts keep every file valid CSV
// with the seed's 18 columns and no cell a spreadsheet would run.
func TestHostileStrings(t *testing.T) {
	r := row("203.0.113.9", "Third", pt(proto.TLS, 1, 100, 1, 100))
	r.Cert = &Cert{SubjectOrg: "=HYPERLINK(\"http://x\"),evil", SubjectCountry: "@\"\n", SANs: []string{"+a", "b,c"}}
	r.Hostname = "-2+3,\"x\"\r\ny"
	r.Names = []NameSeen{{Name: r.Hostname, Sources: 1 << names.SNI}}
	devs := []DeviceEndpoints{dev("=cmd|' /C calc'!A0", r)}
	dir := t.TempDir()
	n := Naming{Capture: "cap"}
	if err := Write(dir, n.Stem, devs, Enricher{}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) != 5 {
		t.Fatalf("files %v", files)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, rec := range recs[1:] {
			if strings.HasSuffix(f, seedFileSuffix) && len(rec) != 18 {
				t.Errorf("%s: %d columns", f, len(rec))
			}
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+@-\t\r", rune(cell[0])) && !isNumeric(cell) {
					t.Errorf("%s: formula cell %q", filepath.Base(f), cell)
				}
			}
		}
	}
}

func isNumeric(s string) bool {
	return strings.Trim(s, "-0123456789.e") == ""
}

func TestNaming(t *testing.T) {
	n := Naming{Capture: "US1-Capture2"}
	tests := []struct{ device, want string }{
		{"AmazonLight", "US1-Capture2-trimmed-split-AmazonLight"},
		{"a/b", "US1-Capture2-trimmed-split-a_b"},
		{"a\\b", "US1-Capture2-trimmed-split-a_b (2)"},
		{"AmazonLight", "US1-Capture2-trimmed-split-AmazonLight"},
		{"..", "US1-Capture2-trimmed-split-_.."},
	}
	for _, tc := range tests {
		if got := n.Stem(tc.device); got != tc.want {
			t.Errorf("Stem(%q) = %q, want %q", tc.device, got, tc.want)
		}
	}
	f := Naming{Capture: "US1-Capture2", Infix: "-filtered-with-DNS"}
	if got := f.Stem("Netvue"); got != "US1-Capture2-trimmed-filtered-with-DNS-split-Netvue" {
		t.Errorf("filtered stem %q", got)
	}
	for in, want := range map[string][]string{
		"capture":          {"a.pcap", "b.pcap"},
		"US1-Capture2":     {"/data/US1-Capture2.pcap.gz"},
		"monitoring_2023":  {"monitoring_2023.cap"},
		"madea":            {"../fixtures/madea/"},
		"x.pcapng-trimmed": {"x.pcapng-trimmed.zst"},
	} {
		if got := CaptureName(want); got != in {
			t.Errorf("CaptureName(%v) = %q, want %q", want, got, in)
		}
	}
}

func TestTidyRow(t *testing.T) {
	r := row("52.1.2.3", "First", pt(proto.TLS, 3, 300, 1, 100), pt(proto.DNS, 1, 80, 1, 120))
	r.Protos = sortedProtos(r.Protos)
	r.Rule, r.Organization = "manufacturer-domain:vendor.example", "Vendor"
	r.Names = []NameSeen{{Name: "api.vendor.example", Sources: 1<<names.DNS | 1<<names.Cert}, {Name: "mqtt.vendor.example", Sources: 1 << names.SNI}}
	r.Hostname, r.HostnameSource = "mqtt.vendor.example", names.SNI
	r.ASN, r.ASOrg, r.Country = 16509, "AMAZON-02", "US"
	r.Cert = &Cert{SubjectCN: "api.vendor.example", SANs: []string{"a", "b"}, NotBefore: 1735689600}
	tr := tidyRow("Camera", &r)
	got := tr.Record()
	want := []string{"Camera", "52.1.2.3", "wan", "First", "manufacturer-domain:vendor.example", "Vendor",
		"mqtt.vendor.example", "sni", "api.vendor.example (dns,cert); mqtt.vendor.example (sni)", "", "16509", "AMAZON-02", "US",
		"api.vendor.example", "", "", "", "", "a b", "2025-01-01T00:00:00Z", "", "tls=4 dns=2",
		"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "6", "600", "4", "380", "2", "220"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if len(got) != len(TidyHeader) {
		t.Errorf("%d cells, header has %d", len(got), len(TidyHeader))
	}
}
