// Package coap parses CoAP messages (RFC 7252) carried over UDP port 5683.
//
// It is a dissector in the iotlens pipeline: package decode hands over the
// UDP payload, and the engine reports which CoAP resources a device serves
// or requests (method or response code, Uri-Host, Uri-Path and Uri-Query).
// Unpack reuses the option slice of the previous message, never panics, and
// keeps the header and the options parsed before a format error. Byte
// slices in a Message alias the input; the URI strings are escaped like DNS
// names (see package dns) so they are safe to print. DTLS-secured CoAP
// (port 5684) is not decoded.
package coap
