// Package endpoints is the endpoint analysis of the passive-mode study
// (iotlens endpoints; part 5 of `iotlens passive`): per device, every remote
// IP address it exchanged IP frames with — Internet and LAN, multicast and
// broadcast included — with packet and byte counts from the device's point
// of view, the protocols seen with that endpoint, the names the device
// learned for it (DNS, TLS/QUIC SNI, HTTP Host, certificate, PTR), the
// server certificate it presented, and a Type (First, Support, Third or a
// Local kind) decided automatically with the rule that decided it.
//
// Place in the pipeline: an engine analysis. During the one pass each file's
// Partial aggregates per (LAN host, remote IP) — the host is the frame's
// Ethernet source (Tx) or destination (Rx), or its IP where the link layer
// has no address — and per-name and per-certificate facts for the same
// pairs; nothing per packet is stored. Partials merge in input order by
// sums, minima and maxima only, so -j N equals -j 1, and they are
// gob-encodable for sharded runs. After the pass, Report attaches hosts to
// inventory devices (by MAC, else IP, as the destinations analysis does),
// classifies every endpoint through an Enricher (party classifier, offline
// ASN/geo databases, protocol categories — all optional function values)
// and a Type overrides file, and Write emits the passive-mode seed's
// per-device `<base>-endpoints.csv`, its three distribution tables
// (calculate_endpoint_stats.py) and a tidy endpoints.csv/.parquet.
//
// See docs/endpoints.md for the columns, the classification rules and every
// deviation from the seed.
package endpoints
