package endpoints

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"net/netip"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/names"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/proto"
)

// FuzzParseOverrides: any document is parsed or refused with an error that
// names the file, never a panic; a parsed one matches any address and name.
func FuzzParseOverrides(f *testing.F) {
	f.Add([]byte(overridesYAML), "52.1.2.3", "a.iot.meethue.com")
	f.Add([]byte("domains:\n  - cidr: ::/0\n    category: Local\n"), "::1", "")
	f.Add([]byte("domains: {a: b}\n"), "1.2.3.4", "x")
	f.Add([]byte("domains:\n  - pattern: '**.*'\n    category: third\n"), "1.2.3.4", "a.b.c")
	f.Fuzz(func(t *testing.T, doc []byte, ip, name string) {
		ov, err := ParseOverrides(doc, "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		addr, _ := netip.ParseAddr(ip)
		if v, ok := ov.Match(addr, []string{name, strings.ToUpper(name)}); ok {
			if _, valid := NormalizeType(v.Type); !valid || !strings.HasPrefix(v.Rule, "override:") {
				t.Fatalf("verdict %+v", v)
			}
		}
	})
}

// FuzzSeedRow: whatever names and certificate fields the traffic carries,
// an endpoints file row reads back as exactly 18 CSV cells holding the
// values as output.SafeCell neutralises them.
func FuzzSeedRow(f *testing.F) {
	f.Add("api.vendor.example", "Vendor, Inc.", "US", "AMAZON-02")
	f.Add("=1+2", "\"quoted\"", "\r\n", "@x")
	f.Add(" lead", "a\"b,c", "\xff", "-5")
	f.Fuzz(func(t *testing.T, host, org, country, asOrg string) {
		r := row("203.0.113.9", "Third", pt(proto.TLS, 1, 10, 2, 20))
		r.Hostname, r.HostnameSource = host, names.SNI
		r.Cert = &Cert{SubjectOrg: org, SubjectCountry: country}
		r.ASOrg, r.Country = asOrg, country
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		if err := writeSeedRows(w, []Row{r}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		rd := csv.NewReader(&buf)
		rd.LazyQuotes = false
		recs, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("invalid CSV: %v\n%q", err, buf.String())
		}
		if len(recs) != 2 || len(recs[1]) != 18 {
			t.Fatalf("records %q", recs)
		}
		fields := seedFields(&r)
		for i, cell := range recs[1] {
			want := output.SafeCell(fields[i])
			// encoding/csv turns \r\n inside quotes into \n.
			if strings.ReplaceAll(want, "\r\n", "\n") != cell {
				t.Fatalf("cell %d: %q, want %q", i, cell, want)
			}
		}
	})
}
