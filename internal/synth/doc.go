// Package synth generates deterministic synthetic smart-home packet captures
// for the embedded demo, for tests and for benchmarks of any size.
//
// It sits outside the analysis pipeline: it produces the input that the
// pipeline (capture -> decode -> dissect -> engine -> outputs) consumes, and a
// Truth describing the home (devices, addresses, names) that tests compare
// the pipeline's findings against.
//
// The simulated home has a gateway (DHCP server, DNS resolver, IPv6 router)
// and devices whose kinds cycle through camera, plug, bulb, speaker, hub,
// thermostat, voice assistant and phone, each with a real vendor OUI and
// vendor-like traffic: DHCP, ARP, DNS with CNAME chains, TLS 1.2/1.3 with
// real ClientHellos and X.509 certificates, QUIC v1 Initials protected
// with the keys of internal/dissect/quic (so the pipeline can read the SNI),
// NTP, mDNS, SSDP, MQTT, STUN, TP-Link and Tuya LAN protocols, ICMPv6
// neighbour discovery, DHCPv6 and IGMP. Options.Hostile adds a device whose
// names carry HTML, CSV-formula and control characters and invalid UTF-8,
// to test that every output escapes what it prints.
//
// Every device runs as a stream of timed tasks; a heap merges the streams so
// frames leave strictly in time order. Output is a pure function of Options:
// randomness comes from a PCG seeded with Options.Seed, no map is iterated
// and the wall clock is never read. Frames are built in one scratch buffer
// and streamed to the writer, so memory stays bounded for any TargetBytes.
package synth
