// Command gen converts the IEEE MAC address registries shipped by Debian's
// ieee-data package into internal/oui/registry.txt.gz, the compact table that
// package oui embeds. It is run by `go generate ./internal/oui`.
//
// Output: a gzip-compressed text file; header lines start with '#', then one
// line per assignment, sorted by prefix:
//
//	<hex prefix> TAB <prefix length in bits> TAB <organization name>
//
// Addresses are dropped: iotlens only needs names.
package main
