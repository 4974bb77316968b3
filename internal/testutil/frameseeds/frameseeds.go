// Package frameseeds seeds fuzz targets whose input is a sequence of frames
// (packets.PackFrames): windows of consecutive frames from a synthetic home
// with hostile names and from fixtures rich in DNS, TLS, QUIC, DHCP and
// HTTP, so the fuzzer starts from states deep inside the dissectors.
package frameseeds

import (
	"bytes"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/synth"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// perSeed is how many consecutive frames make one seed: enough for a DNS
// answer and the flow that uses it, or a TCP handshake and its first records.
const perSeed = 16

// Add adds the seeds to f.
func Add(f *testing.F) {
	var sample bytes.Buffer
	if _, err := synth.Generate(&sample, synth.Options{Devices: 9, Duration: 3 * time.Minute, Seed: 7, Hostile: true}); err != nil {
		f.Fatal(err)
	}
	r, err := capture.NewReader(&sample, "synth")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range packets.SeedsFrom(r, perSeed, 64) {
		f.Add(s)
	}
	for _, rel := range [][]string{
		{"ndpi", "tls_missing_ch_frag.pcap"},
		{"ndpi", "dns_fragmented.pcap"},
		{"zeek", "quic", "curl-8.1.2-dev-http3-www-google-de.pcap"},
		{"iot-sentinel", "Withings", "Setup-C-2-STA.pcap"},
		{"uclouvain-shhcp", "TuyaPlug", "boot", "1741186292.anon.pcap"},
	} {
		r, err := capture.Open(testutil.Fixture(f, rel...))
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range packets.SeedsFrom(r, perSeed, 8) {
			f.Add(s)
		}
	}
}
