// Package capture is the first stage of the iotlens pipeline: it turns capture
// files (classic pcap, pcapng, optionally gzip- or zstd-compressed) into a
// stream of raw frames with their timestamp, wire length and link type.
//
// The format is detected from the magic number, never from the file name.
// A Reader reuses one buffer: Frame.Data is valid only until the next call to
// Next. Damage (a file cut mid-packet, a lying length field) stops the file
// with an *Error naming the file and byte offset; every complete frame before
// the damage has already been delivered.
//
// Next stage: package decode.
package capture
