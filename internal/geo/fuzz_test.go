package geo

import (
	"net/netip"
	"os"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"
)

// FuzzOpen feeds damaged database files to Open and Lookup: a .mmdb comes
// from outside and must never crash the analysis.
func FuzzOpen(f *testing.F) {
	for _, seed := range seedDatabases(f) {
		f.Add(seed)
	}
	f.Add([]byte("\xab\xcd\xefMaxMind.com"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The same steps as Open, from memory: files would only slow the fuzzer.
		r, err := maxminddb.OpenBytes(data)
		if err != nil {
			return
		}
		db := &DB{cache: newCache(cacheSize), all: []*source{{path: "fuzz.mmdb", reader: r, fields: detect(r)}}}
		db.assignRoles()
		defer db.Close()
		for _, ip := range []string{"52.16.10.1", "2600:1f00::1", "8.8.8.8", "::"} {
			db.Lookup(netip.MustParseAddr(ip))
		}
		db.Sources()
	})
}

// seedDatabases returns the bytes of valid test databases in each layout.
func seedDatabases(f *testing.F) [][]byte {
	dir := f.TempDir()
	var out [][]byte
	for _, p := range []string{
		writeSeed(f, dir, "asn.mmdb", "GeoLite2-ASN", asnRecord(16509, "AMAZON-02")),
		writeSeed(f, dir, "country.mmdb", "GeoLite2-Country", maxmindCountry("IE", "Ireland")),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
