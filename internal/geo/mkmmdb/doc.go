// Command mkmmdb converts ip-location-db ASN CSV files into one MaxMind DB
// (.mmdb) file with the layout of the @ip-location-db/asn-mmdb package
// (autonomous_system_number, autonomous_system_organization), which package
// geo reads with --asn-db. scripts/fetch-mmdb runs it because the ASN .mmdb
// packages are no longer published on npm while the CSV package is.
//
//	go run ./internal/geo/mkmmdb -o asn.mmdb asn-ipv4.csv asn-ipv6.csv
//
// Input rows: ip_range_start,ip_range_end,autonomous_system_number,
// autonomous_system_organization (inclusive range, no header). Errors name
// the file and line.
package main
