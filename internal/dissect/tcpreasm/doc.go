// Package tcpreasm rebuilds the in-order bytes of one direction of a TCP
// connection, from its first data byte up to a size limit.
//
// It sits between package decode, which hands over TCP segments one by one,
// and the dissectors that need more than one segment: a TLS ClientHello or
// certificate chain that spans several segments, or DNS over TCP where one
// message may be split and one segment may hold several messages. It is not
// a general TCP stack: it keeps only a bounded prefix (or, with Skip, a
// bounded sliding window), holds a bounded number of out-of-order segments,
// and lets the first copy of any byte win when retransmissions overlap with
// different content (Wireshark's default too).
//
// Add does not allocate once the buffer has grown to the data it holds, so a
// Stream can be kept per flow direction and reused with Reset.
package tcpreasm
