// Package engine runs the one pass over the packets that feeds every analysis
// a command asks for: capture -> decode -> dissect -> analyses.
//
// Files are processed by a pool of workers (-j). Each worker owns a decoder,
// a flow table and dissector state, and gives every analysis a fresh Partial
// per file. Partials are merged strictly in input order as files complete,
// so the result is the same for any number of workers, and at most a few
// partials are alive at once. Warnings (truncated files, corrupt records)
// carry the file and byte offset and are counted, never dropped.
package engine
