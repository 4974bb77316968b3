// Package quic decrypts the client Initial packets of QUIC connections (RFC
// 9000/9001; QUIC v1, v2 of RFC 9369 and draft-29) to reach the TLS
// ClientHello inside their CRYPTO frames, which names the server (SNI) and
// fingerprints the client (JA4 with transport 'q').
//
// Initial packets are protected with keys derived from the client's
// Destination Connection ID alone, so any observer can remove the protection;
// everything after the Initials is out of reach and ignored.
//
// It sits in the dissect stage of the iotlens pipeline: the engine hands it
// UDP payloads of QUIC flows, and an Assembler joins CRYPTO data that a client
// spreads over several Initial packets before handing the ClientHello to
// package tls.
package quic
