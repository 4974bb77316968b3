// Package geo gives the autonomous system, its organization and the country
// of IP addresses, offline, from MaxMind DB (.mmdb) files: MaxMind
// GeoLite2/GeoIP2, DB-IP Lite, the free @ip-location-db/*-mmdb npm packages
// (scripts/fetch-mmdb downloads them) and IPinfo's free databases. No
// network call is ever made.
//
// Place in the pipeline: an enrichment service used after the pass, when the
// destinations and endpoints reports are built. Open takes the --asn-db and
// --geo-db values, detects each file's field layout from its records and
// metadata, and turns a missing database into one warning, never a failure.
// (*DB).Lookup is cached per address (a bounded two-generation cache) and a
// nil *DB answers empty fields, so callers need no special case.
package geo
