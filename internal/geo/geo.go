package geo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Info is what the databases say about one address. Empty fields mean
// unknown (no database, or no record for the address).
type Info struct {
	ASN         uint   // autonomous system number, 0 when unknown
	Org         string // the AS organization ("AMAZON-02")
	Country     string // ISO 3166-1 alpha-2 code of the address's location ("IE")
	CountryName string // English country name ("Ireland")
}

// DB looks addresses up in one or more .mmdb files, offline. A nil *DB is
// valid and knows nothing. Lookups are cached per address, so a DB is cheap
// to ask repeatedly; it is safe for concurrent use.
type DB struct {
	asn     []*source // sources with ASN fields, --asn-db ones first
	country []*source // sources with country fields, --geo-db ones first
	all     []*source
	cache   *cache
}

// Open opens the ASN and country databases. Each path may be empty, one
// .mmdb file, a comma-separated list of files (ip-location-db ships IPv4
// and IPv6 halves) or a folder whose *.mmdb files are all used. Layouts are
// detected from each file's records and metadata: MaxMind GeoLite2/GeoIP2
// ASN, Country and City, DB-IP Lite, the @ip-location-db/*-mmdb packages
// (country_code; autonomous_system_*) and IPinfo's free databases. Any file
// can serve both roles when it has both kinds of fields.
//
// A missing database (empty path, or a path that does not exist) is not an
// error: its columns stay empty and one warning says so. A file that exists
// but is not a readable MaxMind DB is an error naming the file.
func Open(asnPath, geoPath string) (*DB, []string, error) {
	db := &DB{cache: newCache(cacheSize)}
	var warnings []string
	for _, role := range []struct {
		flag, path string
	}{{"--asn-db", asnPath}, {"--geo-db", geoPath}} {
		files, warn := expand(role.flag, role.path)
		warnings = append(warnings, warn...)
		for _, f := range files {
			src, err := openSource(f)
			if err != nil {
				db.Close()
				return nil, nil, err
			}
			db.all = append(db.all, src)
		}
	}
	db.assignRoles()
	if len(db.asn) == 0 {
		warnings = append(warnings, "no ASN database ("+describe(asnPath, "--asn-db")+"): the ASN and AS organization columns are empty")
	}
	if len(db.country) == 0 {
		warnings = append(warnings, "no country database ("+describe(geoPath, "--geo-db")+"): the country columns are empty")
	}
	return db, warnings, nil
}

// assignRoles lists each source under the lookups its fields can answer.
func (db *DB) assignRoles() {
	for _, s := range db.all {
		if s.fields.asn {
			db.asn = append(db.asn, s)
		}
		if s.fields.country {
			db.country = append(db.country, s)
		}
	}
}

func describe(path, flag string) string {
	if path == "" {
		return flag + " not given"
	}
	return flag + " " + path + " has none"
}

// expand turns one flag's value into .mmdb file paths; paths that do not
// exist become warnings.
func expand(flag, value string) ([]string, []string) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	var files, warnings []string
	for _, p := range strings.Split(value, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			warnings = append(warnings, fmt.Sprintf("%s %s: no such file or folder", flag, p))
			continue
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s %s: %v", flag, p, err))
			continue
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(p, "*.mmdb"))
		slices.Sort(matches)
		if len(matches) == 0 {
			warnings = append(warnings, fmt.Sprintf("%s %s: no .mmdb file in the folder", flag, p))
		}
		files = append(files, matches...)
	}
	return files, warnings
}

// Close releases the files. A closed DB must not be used again.
func (db *DB) Close() error {
	if db == nil {
		return nil
	}
	var errs []error
	for _, s := range db.all {
		errs = append(errs, s.reader.Close())
	}
	return errors.Join(errs...)
}

// Sources describes the opened files, one line each: path, database type,
// build date and the fields used ("asn", "country").
func (db *DB) Sources() []string {
	if db == nil {
		return nil
	}
	out := make([]string, 0, len(db.all))
	for _, s := range db.all {
		out = append(out, s.String())
	}
	return out
}

// Lookup returns what the databases know about ip. It never fails: an
// address without a record, or a record the layout cannot decode, gives
// empty fields.
func (db *DB) Lookup(ip netip.Addr) Info {
	if db == nil || !ip.IsValid() {
		return Info{}
	}
	ip = ip.Unmap().WithZone("")
	if info, ok := db.cache.get(ip); ok {
		return info
	}
	var info Info
	for _, s := range db.asn {
		if info.ASN, info.Org = s.asnOf(ip); info.ASN != 0 || info.Org != "" {
			break
		}
	}
	for _, s := range db.country {
		if info.Country, info.CountryName = s.countryOf(ip); info.Country != "" {
			break
		}
	}
	if info.Country != "" && info.CountryName == "" {
		info.CountryName = CountryName(info.Country)
	}
	db.cache.put(ip, info)
	return info
}

// source is one opened .mmdb file.
type source struct {
	path   string
	reader *maxminddb.Reader
	fields fieldSet
}

func openSource(path string) (*source, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable MaxMind DB (.mmdb) file: %w", path, err)
	}
	return &source{path: path, reader: r, fields: detect(r)}, nil
}

func (s *source) String() string {
	var roles []string
	if s.fields.asn {
		roles = append(roles, "asn")
	}
	if s.fields.country {
		roles = append(roles, "country")
	}
	if len(roles) == 0 {
		roles = append(roles, "no usable fields")
	}
	md := s.reader.Metadata
	return fmt.Sprintf("%s: %s, built %s, %s layout, %s", s.path, md.DatabaseType,
		md.BuildTime().UTC().Format("2006-01-02"), s.fields.layout, strings.Join(roles, "+"))
}
