// Package passive is the passive-mode traffic study (iotlens volume,
// overall, protocols and passive), the one-pass replacement of the
// passive-mode seed's tshark + bash + pandas pipeline.
//
// Place in the pipeline: an engine analysis. For every frame the engine
// hands it, the Partial applies the study's filter (time window, the seed's
// "filtered" preset with its TCP retransmission analysis, --exclude),
// decides LAN or WAN (the iotlens rule or the seed's display filter) and
// adds the frame to the device on each end of it, keyed by MAC address:
// per absolute time interval (volume) and per endpoint, transport and
// protocol (protocols). Partials of consecutive files merge by adding
// counters, so -j N equals -j 1. After the pass, report.go turns the merged
// aggregate into per-device rows (the time origin of each device is fixed
// only then), overall.go computes means and coefficients of variation, and
// write.go writes the seed's file names, headers and number formats plus
// tidy iotlens tables. Splitting captures into per-device pcaps is the
// sub-package split.
package passive
