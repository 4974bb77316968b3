// Command gen writes internal/geo/countries.tsv, the English names of the
// ISO 3166-1 alpha-2 country codes, from Debian's iso-codes package
// (/usr/share/iso-codes/json/iso_3166-1.json). Package geo uses it for the
// country name when a database (such as the ip-location-db ones) stores
// only the code. It is run by `go generate ./internal/geo`.
//
// Output: a header line naming the source and version, then one line per
// code, sorted: <alpha-2> TAB <name>. The name is iso-codes' common_name
// when it has one ("Iran", "South Korea"), else its name.
package main
