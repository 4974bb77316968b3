// Package censys mines Censys exports for the hosts and certificates of the
// backends catalogue's providers: the Universal Internet Dataset host
// records the IoT-backend study used (services with their TLS leaf
// certificate), certificate exports (parsed.names, parsed.subject_dn,
// validity) and the study's own interim rows. It replaces the study's
// Censys scripts (one of which cannot run as shipped) and their "use
// pandas" post-processing.
//
// Place in the pipeline: `iotlens backends censys FILES` → jsonl (lines,
// plain/gzip/zstd) → encoding/json → one cert per TLS service or record →
// backends.MatchCertificate (each CN and SAN as a whole name, wildcard
// aware, the study's filters applied to the certificate as a whole) →
// per-provider hosts, certificates and totals → WriteFiles (CSV, Parquet).
package censys
