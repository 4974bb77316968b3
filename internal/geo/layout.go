package geo

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// layout is how a database names its fields.
type layout string

const (
	// layoutMaxMind: GeoLite2/GeoIP2 and DB-IP (country.iso_code,
	// country.names.en, autonomous_system_number/_organization), and the
	// ip-location-db packages, which use the same ASN names and a flat
	// country_code.
	layoutMaxMind layout = "maxmind"
	// layoutIPinfo: IPinfo's free databases (country and country_name as
	// strings, asn "AS15169", as_name).
	layoutIPinfo layout = "ipinfo"
)

// fieldSet is what a database can answer.
type fieldSet struct {
	layout       layout
	asn, country bool
}

// sampleRecords is how many records detect reads; databases are uniform,
// but a few records guard against a sparse first one.
const sampleRecords = 16

// detect reads the first records of a database to learn its field names;
// the metadata's database_type decides when the database has no record.
func detect(r *maxminddb.Reader) fieldSet {
	fs := fieldSet{layout: layoutMaxMind}
	n := 0
	for res := range r.Networks() {
		var rec map[string]any
		if res.Decode(&rec) != nil {
			continue
		}
		fs.merge(rec)
		if n++; n >= sampleRecords {
			break
		}
	}
	if n == 0 {
		t := strings.ToLower(r.Metadata.DatabaseType)
		fs.asn = strings.Contains(t, "asn") || strings.Contains(t, "isp")
		fs.country = strings.Contains(t, "country") || strings.Contains(t, "city")
		if strings.Contains(t, "ipinfo") {
			fs.layout = layoutIPinfo
		}
	}
	return fs
}

func (fs *fieldSet) merge(rec map[string]any) {
	if _, ok := rec["autonomous_system_number"]; ok {
		fs.asn = true
	}
	if _, ok := rec["autonomous_system_organization"]; ok {
		fs.asn = true
	}
	if _, ok := rec["country_code"]; ok {
		fs.country = true
	}
	switch rec["country"].(type) {
	case map[string]any:
		fs.country = true
	case string:
		fs.layout, fs.country = layoutIPinfo, true
	}
	if _, ok := rec["asn"].(string); ok {
		fs.layout, fs.asn = layoutIPinfo, true
	}
	if _, ok := rec["as_name"]; ok {
		fs.layout, fs.asn = layoutIPinfo, true
	}
}

// maxmindRecord decodes only the fields iotlens uses; the decoder skips the
// rest without allocating for them.
type maxmindRecord struct {
	ASN     uint   `maxminddb:"autonomous_system_number"`
	ASOrg   string `maxminddb:"autonomous_system_organization"`
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   struct {
			EN string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"country"`
	CountryCode string `maxminddb:"country_code"` // ip-location-db
}

type ipinfoRecord struct {
	Country     string `maxminddb:"country"`
	CountryName string `maxminddb:"country_name"`
	ASN         string `maxminddb:"asn"`
	ASName      string `maxminddb:"as_name"`
}

// lookup decodes the record for ip into a common form; an address with no
// record (or an IPv6 address in an IPv4-only file) gives the zero record.
func (s *source) lookup(ip netip.Addr) (asn uint, org, code, name string) {
	res := s.reader.Lookup(ip)
	if res.Err() != nil || !res.Found() {
		return 0, "", "", ""
	}
	if s.fields.layout == layoutIPinfo {
		var rec ipinfoRecord
		if res.Decode(&rec) != nil {
			return 0, "", "", ""
		}
		n, _ := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(rec.ASN), "AS"), 10, 32)
		return uint(n), clean(rec.ASName), upperCode(rec.Country), clean(rec.CountryName)
	}
	var rec maxmindRecord
	if res.Decode(&rec) != nil {
		return 0, "", "", ""
	}
	code = rec.Country.ISOCode
	if code == "" {
		code = rec.CountryCode
	}
	return rec.ASN, clean(rec.ASOrg), upperCode(code), clean(rec.Country.Names.EN)
}

func (s *source) asnOf(ip netip.Addr) (uint, string) {
	asn, org, _, _ := s.lookup(ip)
	return asn, org
}

func (s *source) countryOf(ip netip.Addr) (string, string) {
	_, _, code, name := s.lookup(ip)
	return code, name
}

// upperCode keeps a two-letter country code, upper-cased; anything else is
// dropped (databases are data from outside).
func upperCode(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return ""
	}
	return c
}

// clean drops control characters from names read from a database, which
// end up in CSV, JSON and terminal output.
func clean(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s))
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
