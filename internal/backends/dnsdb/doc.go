// Package dnsdb mines passive-DNS exports from Farsight/DomainTools DNSDB
// (API v2, NDJSON, with or without the SAF framing `{"cond":"begin"}` /
// `{"obj":{...}}` / `{"cond":"succeeded"}`; plain, gzip or zstd) for the
// names and addresses of the backends catalogue's providers. It replaces the
// IoT-backend study's DNSDB scripts and its "use pandas" post-processing.
//
// Place in the pipeline: `iotlens backends dnsdb FILES` → jsonl (lines) →
// Scanner (a hand-written field scanner, no reflection) → catalogue
// (backends.MatchDomain, with a bounded negative cache) → per-(provider,
// name) rows → WriteFiles (CSV and Parquet). Files are streamed: memory
// holds the attributed names, a bounded cache and a fixed-size Bloom
// filter, never the records. CNAMEs of attributed names are followed within
// the data (extra passes only when a target's records come before its
// CNAME); targets missing from the data become the next query round.
package dnsdb
