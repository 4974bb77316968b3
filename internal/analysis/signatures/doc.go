// Package signatures finds the network signature of a device event (boot,
// toggle, stream, ...) in captures of that event, writes it as a
// smart-home-firewall profile and an RFC 8520 MUD file, and matches
// profiles back against captures (iotlens signatures / iotlens match).
//
// Place in the pipeline: it is an engine analysis. Each capture file gets
// its own Partial, whose tracker turns the device's packets into
// bidirectional flows (5-tuple, plus the DNS question or DHCP message type
// for UDP exchanges, split after an idle timeout) and names remote hosts
// from the DNS answers and TLS/QUIC SNI seen earlier in the same capture.
// Partials merge in input order into one Trace per capture.
//
// After the pass:
//
//   - Extract (patterns.go) groups the flows of all traces by protocol,
//     remote host, fixed port and application data, clusters them by packet
//     and byte counts within a tolerance, keeps the groups that recur in at
//     least MinSupport captures, and finds PingPong-style request/response
//     length pairs that recur;
//   - BuildProfile (profilegen.go) writes the recurring patterns as the
//     ordered steps of an interaction, and LAN broadcast chatter and
//     non-recurring flows as single policies;
//   - WritePatternsText / WritePatternsJSON render patterns.txt and
//     patterns.json;
//   - the Match analysis (match.go, detect.go) compiles a profile's
//     policies, checks every flow of the profile's device against them,
//     counts what no policy allows, and detects each interaction whose
//     steps occur in order within a time window.
package signatures
