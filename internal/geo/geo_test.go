package geo

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// record is one network of a test database.
type record struct {
	cidr string
	data mmdbtype.Map
}

// writeDB builds a tiny .mmdb file with mmdbwriter.
func writeDB(t testing.TB, dir, name, dbType string, ipVersion int, records ...record) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IPVersion: ipVersion, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		_, network, err := net.ParseCIDR(r.cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(network, r.data); err != nil {
			t.Fatalf("insert %s: %v", r.cidr, err)
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeSeed writes a one-network database for the fuzz corpus.
func writeSeed(t testing.TB, dir, name, dbType string, data mmdbtype.Map) string {
	return writeDB(t, dir, name, dbType, 6, record{"52.16.0.0/15", data}, record{"2600:1f00::/24", data})
}

func maxmindCountry(code, en string) mmdbtype.Map {
	return mmdbtype.Map{
		"country": mmdbtype.Map{
			"iso_code":   mmdbtype.String(code),
			"geoname_id": mmdbtype.Uint32(1),
			"names":      mmdbtype.Map{"en": mmdbtype.String(en), "de": mmdbtype.String("x")},
		},
		"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("US")},
	}
}

func asnRecord(n uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(n),
		"autonomous_system_organization": mmdbtype.String(org),
	}
}

// maxmindFiles writes GeoLite2-ASN and GeoLite2-Country look-alikes.
func maxmindFiles(t *testing.T) (asn, country string) {
	dir := t.TempDir()
	asn = writeDB(t, dir, "GeoLite2-ASN.mmdb", "GeoLite2-ASN", 6,
		record{"52.0.0.0/11", asnRecord(16509, "AMAZON-02")},
		record{"2600:1f00::/24", asnRecord(16509, "AMAZON-02")},
		record{"8.8.8.0/24", asnRecord(15169, "GOOGLE\x07\n")},
	)
	country = writeDB(t, dir, "GeoLite2-Country.mmdb", "GeoLite2-Country", 6,
		record{"52.16.0.0/15", maxmindCountry("IE", "Ireland")},
		record{"2600:1f00::/24", maxmindCountry("US", "United States")},
		// Anycast: only the registered country, as GeoLite2 has for 1.1.1.0/24.
		record{"1.1.1.0/24", mmdbtype.Map{"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("AU")}}},
	)
	return asn, country
}

// ipLocationDBFiles writes look-alikes of @ip-location-db/asn-mmdb and
// geolite2-geo-whois-asn-country-mmdb, which ship IPv4 and IPv6 halves.
func ipLocationDBFiles(t *testing.T) (asn, country string) {
	dir := t.TempDir()
	asn4 := writeDB(t, dir, "asn-ipv4.mmdb", "ip-location-db-asn", 4, record{"52.0.0.0/11", asnRecord(16509, "Amazon.com, Inc.")})
	asn6 := writeDB(t, dir, "asn-ipv6.mmdb", "ip-location-db-asn", 6, record{"2a00:1450::/32", asnRecord(15169, "Google LLC")})
	cdir := filepath.Join(dir, "country")
	if err := os.Mkdir(cdir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeDB(t, cdir, "country-ipv4.mmdb", "ip-location-db-country", 4,
		record{"52.16.0.0/15", mmdbtype.Map{"country_code": mmdbtype.String("ie")}})
	writeDB(t, cdir, "country-ipv6.mmdb", "ip-location-db-country", 6,
		record{"2a00:1450::/32", mmdbtype.Map{"country_code": mmdbtype.String("DE")}})
	return asn4 + "," + asn6, cdir
}

func TestLookupLayouts(t *testing.T) {
	mmASN, mmCountry := maxmindFiles(t)
	ildASN, ildCountry := ipLocationDBFiles(t)
	ipinfo := writeDB(t, t.TempDir(), "country_asn.mmdb", "ipinfo country_asn.mmdb", 6,
		record{"8.8.8.0/24", mmdbtype.Map{
			"country": mmdbtype.String("US"), "country_name": mmdbtype.String("United States"),
			"asn": mmdbtype.String("AS15169"), "as_name": mmdbtype.String("Google LLC"), "as_domain": mmdbtype.String("google.com"),
		}})
	tests := []struct {
		name       string
		asn, geo   string
		ip         string
		want       Info
		sourcesLen int
	}{
		{"maxmind v4", mmASN, mmCountry, "52.16.10.1", Info{16509, "AMAZON-02", "IE", "Ireland"}, 2},
		{"maxmind v6", mmASN, mmCountry, "2600:1f00::1", Info{16509, "AMAZON-02", "US", "United States"}, 2},
		{"maxmind 4-in-6", mmASN, mmCountry, "::ffff:52.16.10.1", Info{16509, "AMAZON-02", "IE", "Ireland"}, 2},
		{"maxmind control characters", mmASN, mmCountry, "8.8.8.8", Info{ASN: 15169, Org: "GOOGLE"}, 2},
		{"maxmind registered country only", mmASN, mmCountry, "1.1.1.1", Info{}, 2},
		{"maxmind no record", mmASN, mmCountry, "9.9.9.9", Info{}, 2},
		{"ip-location-db v4", ildASN, ildCountry, "52.17.0.1", Info{16509, "Amazon.com, Inc.", "IE", "Ireland"}, 4},
		{"ip-location-db v6", ildASN, ildCountry, "2a00:1450::1", Info{15169, "Google LLC", "DE", "Germany"}, 4},
		{"ipinfo both roles", ipinfo, "", "8.8.8.8", Info{15169, "Google LLC", "US", "United States"}, 1},
		{"country file as --asn-db", mmCountry, "", "52.16.0.1", Info{Country: "IE", CountryName: "Ireland"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, err := Open(tt.asn, tt.geo)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ip := netip.MustParseAddr(tt.ip)
			if got := db.Lookup(ip); got != tt.want {
				t.Errorf("Lookup(%s) = %+v, want %+v", ip, got, tt.want)
			}
			if got := db.Lookup(ip); got != tt.want {
				t.Errorf("cached Lookup(%s) = %+v, want %+v", ip, got, tt.want)
			}
			if n := len(db.Sources()); n != tt.sourcesLen {
				t.Errorf("Sources() = %v, want %d", db.Sources(), tt.sourcesLen)
			}
		})
	}
}

func TestOpenWarnings(t *testing.T) {
	asn, country := maxmindFiles(t)
	missing := filepath.Join(t.TempDir(), "GeoLite2-ASN.mmdb")
	emptyDir := t.TempDir()
	tests := []struct {
		name     string
		asn, geo string
		want     []string
	}{
		{"none given", "", "", []string{"no ASN database (--asn-db not given)", "no country database (--geo-db not given)"}},
		{"both given", asn, country, nil},
		{"missing file", missing, country, []string{"--asn-db " + missing + ": no such file", "no ASN database (--asn-db " + missing + " has none)"}},
		{"empty folder", asn, emptyDir, []string{"no .mmdb file in the folder", "no country database"}},
		{"ASN file only", asn, asn, []string{"no country database (--geo-db " + asn + " has none)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, warnings, err := Open(tt.asn, tt.geo)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if len(warnings) != len(tt.want) {
				t.Fatalf("warnings = %q, want %d like %q", warnings, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, warnings[i], w)
				}
			}
		})
	}
}

func TestOpenCorruptFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.mmdb")
	if err := os.WriteFile(bad, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open("", bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Open(corrupt) error = %v, want one naming %s", err, bad)
	}
}

func TestEmptyDatabaseUsesMetadata(t *testing.T) {
	dir := t.TempDir()
	path := writeDB(t, dir, "empty.mmdb", "GeoLite2-City", 6)
	db, warnings, err := Open("", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "no ASN database") {
		t.Errorf("warnings = %q", warnings)
	}
	if got := db.Lookup(netip.MustParseAddr("52.16.0.1")); got != (Info{}) {
		t.Errorf("Lookup in empty database = %+v", got)
	}
	if !strings.Contains(db.Sources()[0], "GeoLite2-City") || !strings.Contains(db.Sources()[0], "country") {
		t.Errorf("Sources() = %q", db.Sources())
	}
}

func TestNilAndInvalid(t *testing.T) {
	var db *DB
	if got := db.Lookup(netip.MustParseAddr("8.8.8.8")); got != (Info{}) {
		t.Errorf("nil DB Lookup = %+v", got)
	}
	if db.Close() != nil || db.Sources() != nil {
		t.Error("nil DB Close/Sources")
	}
	asn, country := maxmindFiles(t)
	real, _, err := Open(asn, country)
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close()
	if got := real.Lookup(netip.Addr{}); got != (Info{}) {
		t.Errorf("invalid address Lookup = %+v", got)
	}
	// IPv6 in an IPv4-only file: no record, no error.
	v4, _ := ipLocationDBFiles(t)
	only4, _, err := Open(strings.Split(v4, ",")[0], "")
	if err != nil {
		t.Fatal(err)
	}
	defer only4.Close()
	if got := only4.Lookup(netip.MustParseAddr("2a00:1450::1")); got != (Info{}) {
		t.Errorf("IPv6 in IPv4-only file = %+v", got)
	}
}

func TestCache(t *testing.T) {
	c := newCache(2)
	a, b, d := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("192.0.2.3")
	c.put(a, Info{ASN: 1})
	c.put(b, Info{ASN: 2})
	c.put(d, Info{ASN: 3}) // a and b move to the previous generation
	if got, ok := c.get(a); !ok || got.ASN != 1 {
		t.Errorf("get(a) = %+v, %v after one rotation", got, ok)
	}
	c.put(netip.MustParseAddr("192.0.2.4"), Info{}) // rotates: the previous generation (with b) is dropped
	if _, ok := c.get(b); ok {
		t.Error("b survived two rotations without use")
	}
	if len(c.cur)+len(c.prev) > 4 {
		t.Errorf("cache holds %d entries, want at most 2 generations of 2", len(c.cur)+len(c.prev))
	}
}

func TestCountryName(t *testing.T) {
	tests := map[string]string{"IE": "Ireland", "de": "Germany", "US": "United States", "IR": "Iran", "XX": "", "": ""}
	for code, want := range tests {
		if got := CountryName(code); got != want {
			t.Errorf("CountryName(%q) = %q, want %q", code, got, want)
		}
	}
}
