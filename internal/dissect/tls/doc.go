// Package tls dissects the clear-text start of TLS connections: the client's
// ClientHello (server name, ALPN, offered versions, ciphers and extensions,
// from which it computes the JA3 and JA4 fingerprints) and the server's first
// flight (ServerHello and, up to TLS 1.2, the certificate chain).
//
// It sits in the dissect stage of the iotlens pipeline, after TCP stream
// reassembly (package tcpreasm hands it the first bytes of each direction) and
// beside package quic, which hands it the ClientHello carried in QUIC CRYPTO
// frames. Its results feed the engine's per-flow analyses.
//
// Parsers work on byte slices, never panic, and report a stream that is a
// valid but incomplete prefix with ErrNeedMore so that callers can wait for
// more segments.
package tls
