// Package packets is the test support the dissector tests share: it reads
// the packets of a capture (package capture) through a default decoder
// (package decode), reassembles TCP directions with package tcpreasm, and
// offers a few small checks the parser tests all need.
//
// It is for tests only. Packages capture, decode and tcpreasm must not use it
// in their own tests: it imports them, so that would be an import cycle.
package packets
