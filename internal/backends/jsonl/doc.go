// Package jsonl reads the line-oriented JSON exports the backends miners take
// as input (DNSDB's NDJSON, Censys' JSON lines): plain, gzip or zstd, told
// apart by their magic numbers, never by the file name. Lines are returned
// in place from a large reusable buffer, so reading costs no allocation per
// line and memory stays constant however large the file; an over-long line
// is skipped with an error that names the file and line, and reading goes on.
//
// Place in the pipeline: the first stage of `iotlens backends dnsdb` and
// `iotlens backends censys`, in front of their record scanners.
package jsonl
