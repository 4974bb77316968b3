// Package proto names the protocol of a decoded packet the way IoT traffic
// studies do: at the application layer where the ports or the first payload
// bytes say so (dns, mdns, tls, quic, ntp, mqtt, tplink-shp, tuya-lan, ...),
// else by link or network protocol (arp, eapol, igmp, icmp, icmpv6), else as
// "tcp:PORT" / "udp:PORT" for the service port.
//
// A Proto is a small integer, so the engine classifies every packet without
// allocating; String gives the stable name used in every output.
package proto
