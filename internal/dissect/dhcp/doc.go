// Package dhcp parses DHCPv4 messages (BOOTP with the DHCP magic cookie and
// options, UDP ports 67/68) and the parts of DHCPv6 (UDP 546/547) that
// identify a device.
//
// It is a dissector in the iotlens pipeline: package decode hands over the
// UDP payload, and the inventory uses what comes out (client MAC, host name,
// vendor class, parameter request list and FQDN fingerprint a device; the
// server's router, DNS and lease options describe the network). Option 52
// (option overload into sname/file) is ignored. Unpack never panics: an
// option that runs past the message ends parsing with an error, and the
// options before it are kept.
//
// Text options (host name, vendor class, FQDN) are rendered with the same
// escaping as DNS names (see package dns), after trailing NUL bytes, which
// some clients send, are dropped.
package dhcp
