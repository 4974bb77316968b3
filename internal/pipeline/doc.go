// Package pipeline wires a command's options into one engine run: it expands
// the inputs, loads or discovers the device inventory, runs the requested
// analyses in one pass (plus host discovery, which every command needs to
// attach MACs and IPs to devices), reports progress and warnings on stderr,
// and returns the merged results. Commands in cmd/iotlens stay thin.
package pipeline
