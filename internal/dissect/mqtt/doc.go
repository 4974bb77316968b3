// Package mqtt parses MQTT control packets (versions 3.1, 3.1.1 and 5) from
// plaintext MQTT over TCP (port 1883; 8883 is TLS and never reaches it).
//
// It is a dissector in the iotlens pipeline: the bytes of one TCP direction,
// reassembled by package tcpreasm, are cut into packets by Parse, and the
// engine reports which brokers a device talks to, its client ID, whether it
// authenticates with a user name, and the topics it publishes and
// subscribes to. Only what identifies a device is extracted: user names,
// passwords and message payloads are never copied.
//
// Parse bounds the remaining-length field to the 4 bytes the standard
// allows and never panics; topic and client-ID strings are escaped like DNS
// names (see package dns) so they are safe to print.
package mqtt
