// Package oui names the organization that owns a MAC address, from the IEEE
// registries (MA-L 24-bit, MA-M 28-bit, MA-S and IAB 36-bit).
//
// Place in the pipeline: a lookup service for the inventory and the outputs.
// Decoders hand out raw MAC addresses; package inventory asks oui for the
// vendor of each device and host, and reports print Short names.
//
// The table is generated, never edited by hand: `go generate` runs ./gen,
// which reads Debian's ieee-data CSV files and writes registry.txt.gz. That
// file is committed and embedded; it is decompressed once, on first use, into
// sorted slices searched with binary search, so a lookup does not allocate.
package oui
