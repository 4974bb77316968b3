package capture

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// manyFrames builds an in-memory pcap and pcapng with n frames of varied
// sizes, so allocation tests do not depend on the fixtures.
func manyFrames(n int) (pcap, pcapng []byte) {
	recs := make([]pcapRecord, n)
	ng := newNG(le).shb().idb(LinkEthernet, 0).idb(LinkRaw, 0)
	for i := range recs {
		data := payload(60+i%1400, byte(i))
		recs[i] = pcapRecord{sec: uint32(i), wireLen: uint32(len(data)), data: data}
		ng.epb(uint32(i%2), uint64(i)*1e6, uint32(len(data)), data)
	}
	return pcapFile(le, 0xa1b2c3d4, 1, recs...), ng.bytes()
}

// TestNextDoesNotAllocate proves the per-frame path allocates nothing.
func TestNextDoesNotAllocate(t *testing.T) {
	pcap, pcapng := manyFrames(3000)
	inputs := map[string][]byte{"pcap": pcap, "pcapng": pcapng}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) { checkNoAllocs(t, data, 2000) })
	}
	t.Run("compressed pcapng", func(t *testing.T) { checkNoAllocs(t, zstdBytes(t, pcapng), 2000) })
}

func TestNextDoesNotAllocateOnFixture(t *testing.T) {
	data, err := os.ReadFile(testutil.Fixture(t, "madea", "monitoring_2023-6-12_21_50_58.cap"))
	if err != nil {
		t.Fatal(err)
	}
	checkNoAllocs(t, data, 10000)
}

func checkNoAllocs(t *testing.T, data []byte, runs int) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "mem")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var err2 error
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := r.Next(); err != nil {
			err2 = err
		}
	})
	if err2 != nil {
		t.Fatalf("input ran out: %v", err2)
	}
	if allocs != 0 {
		t.Errorf("Next allocates %.2f times per frame", allocs)
	}
}

// BenchmarkReadMadea reads a 20 000-packet dumpcap pcapng from memory.
func BenchmarkReadMadea(b *testing.B) {
	data, err := os.ReadFile(testutil.Fixture(b, "madea", "monitoring_2023-6-12_21_50_58.cap"))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRead(b, data)
}

// BenchmarkReadPcap reads a synthetic classic pcap from memory.
func BenchmarkReadPcap(b *testing.B) {
	pcap, _ := manyFrames(20000)
	benchmarkRead(b, pcap)
}

func benchmarkRead(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), "mem")
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
		r.Close()
	}
}
