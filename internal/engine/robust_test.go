package engine

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/testutil"
)

// everything is an analysis that asks for every dissector and touches
// every fact, so corrupted input reaches all parsers.
type everything struct{}

func (everything) Name() string                { return "everything" }
func (everything) Needs() Needs                { return ^Needs(0) }
func (everything) NewPartial(FileInfo) Partial { return &countPartial{} }

type countPartial struct{ frames, facts int64 }

func (c *countPartial) Packet(ev *Event) {
	c.frames++
	if ev.ClientHello != nil || ev.Server != nil || ev.DHCP != nil || ev.DHCPv6 != nil || ev.HTTP != nil || ev.SSDP != nil {
		c.facts++
	}
	c.facts += int64(len(ev.DNS))
}

func (c *countPartial) Merge(next Partial) {
	o := next.(*countPartial)
	c.frames += o.frames
	c.facts += o.facts
}

func runOne(t *testing.T, path string) (*Result, int64) {
	t.Helper()
	done := make(chan struct{})
	var res *Result
	var err error
	go func() {
		defer close(done)
		res, err = Run(context.Background(), Config{Files: []FileInfo{{Path: path}}, Workers: 1, Analyses: []Analysis{everything{}}})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: the engine hangs", path)
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res, res.Partials[0].(*countPartial).frames
}

// TestCorruptedCapturesThroughTheWholeEngine flips bits in and truncates
// real captures rich in DNS, TLS, QUIC, DHCP and HTTP, and runs every
// dissector over them: no panic, no hang, a warning with an offset for
// damaged files, and a truncated file keeps every frame before the cut.
func TestCorruptedCapturesThroughTheWholeEngine(t *testing.T) {
	sources := []string{
		testutil.Fixture(t, "ndpi", "dns_fragmented.pcap"),
		testutil.Fixture(t, "zeek", "quic", "curl-8.1.2-dev-http3-www-google-de.pcap"),
		testutil.Fixture(t, "iot-sentinel", "Withings", "Setup-C-2-STA.pcap"),
		testutil.Fixture(t, "uclouvain-shhcp", "TuyaPlug", "boot", "1741186292.anon.pcap"),
		testutil.Fixture(t, "ndpi", "tls_missing_ch_frag.pcap"),
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	variants := 0
	for _, src := range sources {
		orig, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		_, full := runOne(t, src)
		for i := 0; i < 40; i++ {
			b := append([]byte(nil), orig...)
			for j := 0; j < 1+rng.IntN(8); j++ {
				pos := 24 + rng.IntN(len(b)-24) // keep the file header: flips elsewhere hit records and payloads
				b[pos] ^= 1 << rng.IntN(8)
			}
			p := filepath.Join(dir, "flip.pcap")
			os.WriteFile(p, b, 0o644)
			runOne(t, p)
			variants++
		}
		for _, cut := range []int{len(orig) - 1, len(orig) / 2, len(orig) / 3, 25} {
			p := filepath.Join(dir, "cut.pcap")
			os.WriteFile(p, orig[:cut], 0o644)
			res, frames := runOne(t, p)
			variants++
			if frames > full {
				t.Fatalf("%s cut at %d: %d frames, more than the %d of the whole file", src, cut, frames, full)
			}
			if cut == len(orig)-1 && frames != full-1 {
				t.Errorf("%s cut one byte short: %d frames, want %d", src, frames, full-1)
			}
			if len(res.Warnings) == 0 || res.Warnings[0].Kind != WarnTruncated || res.Warnings[0].Offset < 0 {
				t.Errorf("%s cut at %d: want a truncation warning with an offset, got %v", src, cut, res.Warnings)
			}
		}
	}
	t.Logf("%d corrupted variants run through every dissector", variants)
}
