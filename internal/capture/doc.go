// Package capture is the first stage of the iotlens pipeline: it turns capture
// files (classic pcap, pcapng, optionally gzip- or zstd-compressed) into a
// stream of raw frames with their timestamp, wire length and link type.
//
// Open (a path) and NewReader (any io.Reader) detect the format from magic
// numbers, never from the file name: gzip and zstd are decompressed on the
// fly (zstd windows above 128 MiB are refused), then the stream must be
// classic pcap (µs, ns, either byte order, or Kuznetsov's modified format)
// or pcapng (any number of sections, each with its own byte order and
// interfaces). Sniff reports format and compression without reading frames.
//
// A Reader is a small state machine over one buffered stream. Records that
// fit its 1 MiB read-ahead are parsed in place, so Frame.Data aliases that
// buffer and is valid only until the next call to Next; nothing is
// allocated per frame. pcapng timestamps are converted with 128-bit
// arithmetic from any if_tsresol, plus if_tsoffset; dates after 2262 do not
// fit int64 nanoseconds and saturate. Simple Packet Blocks carry no time:
// their frames have Time 0, as in tshark.
//
// Damage stops the file with an *Error naming the file and byte offset of
// the bad record; every complete frame before it has been delivered. A
// file cut inside a record (a capture still being written, a killed
// dumpcap) gives Error.Truncated. Lying lengths are errors, never
// allocations: a captured length above MaxFrameLen, a pcapng block shorter
// than 12 bytes or longer than 16 MiB, a trailing length that differs from
// the leading one, a packet overrunning its block, an unknown interface. A
// file of 0 bytes is not a truncation but ErrEmptyFile (callers usually
// warn and skip it); a valid header with no record, or a pcapng with only
// a section and interfaces, is a clean io.EOF with no frame.
//
// PcapWriter writes the classic pcap files that iotlens split produces.
//
// Next stage: package decode.
package capture
