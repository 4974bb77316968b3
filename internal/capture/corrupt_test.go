package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/testutil"
)

// corruptionFixtures are small real captures of each layout that the
// corruption suite damages in every way it knows.
var corruptionFixtures = [][]string{
	{"tcpdump", "dns_tcp.pcap"},               // little-endian pcap
	{"ndpi", "nfsv3.pcap"},                    // big-endian pcap
	{"ndpi", "mqtt.pcap"},                     // pcapng under a .pcap name
	{"zeek", "pcapng-multi-interface.pcapng"}, // two interfaces, two resolutions
	{"tcpdump", "time_2106_overflow.pcapng"},  // one packet past 2106
}

const (
	cutPrefix = 4096 // truncation is tried at every byte offset below this
	bitFlips  = 500  // deterministic single-bit flips per fixture
)

// outcome is everything one damaged read produced.
type outcome struct {
	frames []gotFrame
	err    error
	allocs uint64 // bytes allocated by the whole read
}

// guardedRead reads a damaged capture from memory with a watchdog against
// hangs, checks that the end is sticky and measures allocation. A bufSize
// of 0 sizes the read-ahead as NewReader does.
func guardedRead(t *testing.T, data []byte, bufSize int) outcome {
	t.Helper()
	if bufSize == 0 {
		bufSize = sizeHint(int64(len(data)))
	}
	watchdog := time.AfterFunc(10*time.Second, func() {
		panic(fmt.Sprintf("capture reader hung on a %d-byte input", len(data)))
	})
	defer watchdog.Stop()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var out outcome
	r, err := newReader(bytes.NewReader(data), "damaged", bufSize)
	if err != nil {
		out.err = err
	} else {
		out.frames, out.err = drainFrames(r)
		if f, again := r.Next(); f != nil || again != out.err {
			t.Fatalf("Next after the end returned %v, %v; first end was %v", f, again, out.err)
		}
		r.Close()
	}
	runtime.ReadMemStats(&after)
	out.allocs = after.TotalAlloc - before.TotalAlloc
	checkOutcome(t, data, out, bufSize)
	return out
}

// checkOutcome asserts what must hold for any input at all.
func checkOutcome(t *testing.T, data []byte, out outcome, bufSize int) {
	t.Helper()
	var ce *Error
	switch {
	case out.err == io.EOF, errors.As(out.err, &ce), errors.Is(out.err, ErrNotCapture), errors.Is(out.err, ErrEmptyFile):
	default:
		t.Fatalf("unexpected kind of error %v (%T)", out.err, out.err)
	}
	for i, f := range out.frames {
		if f.Number != i+1 || len(f.Data) > MaxFrameLen || f.Offset+int64(len(f.Data)) > int64(len(data)) {
			t.Fatalf("frame %d: number %d, %d bytes at offset %d of a %d-byte input", i+1, f.Number, len(f.Data), f.Offset, len(data))
		}
	}
	// The read-ahead buffers, plus a copy path that grows only with data
	// actually present, plus the frame copies drainFrames makes.
	captured := 0
	for _, f := range out.frames {
		captured += len(f.Data) + 64
	}
	limit := uint64(2*bufSize+2*len(data)+captured) + 64<<10
	if out.allocs > limit {
		t.Fatalf("reading %d bytes allocated %d bytes (limit %d)", len(data), out.allocs, limit)
	}
}

// layout lists where records start and end in an undamaged capture: the
// end of the file header (or first SHB), then the end of every record or
// block.
func layout(t *testing.T, data []byte) (boundaries []int) {
	t.Helper()
	if bytes.HasPrefix(data, pcapngMagic) {
		var order binary.ByteOrder = binary.LittleEndian
		for off := 0; off < len(data); {
			if binary.LittleEndian.Uint32(data[off:]) == blockSHB {
				order = binary.LittleEndian
				if binary.BigEndian.Uint32(data[off+8:]) == byteOrderMagic {
					order = binary.BigEndian
				}
			}
			off += int(order.Uint32(data[off+4:]))
			boundaries = append(boundaries, off)
		}
		return boundaries
	}
	m, ok := findPcapMagic(data)
	if !ok {
		t.Fatal("fixture is neither pcap nor pcapng")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if m.bigEndian {
		order = binary.BigEndian
	}
	hdrLen := pcapRecordHeaderLen
	if m.modified {
		hdrLen += pcapModifiedExtra
	}
	for off := pcapFileHeaderLen; ; {
		boundaries = append(boundaries, off)
		if off >= len(data) {
			return boundaries
		}
		off += hdrLen + int(order.Uint32(data[off+8:]))
	}
}

// recordEnd is where the record starting at off ends.
func recordEnd(boundaries []int, off int64) int {
	i, _ := slices.BinarySearch(boundaries, int(off)+1)
	return boundaries[i]
}

func loadCorruptionFixture(t *testing.T, rel []string) ([]byte, []gotFrame, []int) {
	t.Helper()
	data, err := os.ReadFile(testutil.Fixture(t, rel...))
	if err != nil {
		t.Fatal(err)
	}
	frames, err := readFrames(data, defaultBufferSize)
	if err != io.EOF {
		t.Fatalf("undamaged fixture: %v", err)
	}
	boundaries := layout(t, data)
	return data, frames, boundaries
}

// TestTruncationEverywhere cuts each fixture at every byte of its first
// 4 KiB and at every record boundary: every complete frame before the cut
// must arrive, then io.EOF on a boundary or a truncation naming the record.
func TestTruncationEverywhere(t *testing.T) {
	for _, rel := range corruptionFixtures {
		t.Run(filepath.Join(rel...), func(t *testing.T) {
			data, ref, boundaries := loadCorruptionFixture(t, rel)
			var cuts []int
			for k := 0; k <= min(len(data), cutPrefix); k++ {
				cuts = append(cuts, k)
			}
			for _, b := range boundaries {
				cuts = append(cuts, b-1, b, min(b+1, len(data)))
			}
			slices.Sort(cuts)
			cuts = slices.Compact(cuts)
			for _, k := range cuts {
				checkCut(t, data, ref, boundaries, k)
			}
			t.Logf("%d truncated variants, %d frames", len(cuts), len(ref))
		})
	}
}

func checkCut(t *testing.T, data []byte, ref []gotFrame, boundaries []int, k int) {
	t.Helper()
	out := guardedRead(t, data[:k], 0)
	if k == 0 {
		if !errors.Is(out.err, ErrEmptyFile) {
			t.Fatalf("cut at 0: %v", out.err)
		}
		return
	}
	complete := 0
	for _, f := range ref {
		if recordEnd(boundaries, f.Offset) <= k {
			complete++
		}
	}
	if len(out.frames) != complete {
		t.Fatalf("cut at %d: %d frames, want %d", k, len(out.frames), complete)
	}
	for i, f := range out.frames {
		if !sameFrame(f, ref[i]) {
			t.Fatalf("cut at %d: frame %d differs", k, i+1)
		}
	}
	if slices.Contains(boundaries, k) {
		if out.err != io.EOF {
			t.Fatalf("cut at boundary %d: %v, want io.EOF", k, out.err)
		}
		return
	}
	start := 0
	for _, b := range boundaries {
		if b < k {
			start = b
		}
	}
	ce := asCaptureError(t, out.err)
	if !ce.Truncated || ce.Offset != int64(start) {
		t.Fatalf("cut at %d: %+v, want a truncation at %d", k, ce, start)
	}
}

func sameFrame(a, b gotFrame) bool {
	return a.Number == b.Number && a.Time == b.Time && a.WireLen == b.WireLen && a.LinkType == b.LinkType &&
		a.IfIndex == b.IfIndex && a.Offset == b.Offset && bytes.Equal(a.Data, b.Data)
}

// TestBitFlips flips single bits at deterministic places: whatever the
// damage, the reader ends cleanly, and every frame recorded wholly before
// the flipped byte still arrives unchanged.
func TestBitFlips(t *testing.T) {
	for i, rel := range corruptionFixtures {
		t.Run(filepath.Join(rel...), func(t *testing.T) {
			data, ref, boundaries := loadCorruptionFixture(t, rel)
			rng := rand.New(rand.NewPCG(2024, uint64(i)))
			damaged := make([]byte, len(data))
			for range bitFlips {
				pos := rng.IntN(len(data))
				copy(damaged, data)
				damaged[pos] ^= 1 << rng.IntN(8)
				out := guardedRead(t, damaged, 0)
				for j, f := range ref {
					if recordEnd(boundaries, f.Offset) > pos {
						break
					}
					if j >= len(out.frames) || !sameFrame(out.frames[j], f) {
						t.Fatalf("flip at %d: frame %d before it was lost or changed (%v)", pos, j+1, out.err)
					}
				}
			}
			t.Logf("%d bit-flipped variants", bitFlips)
		})
	}
}

// TestHostileLengths covers lengths that lie: a 4 GB packet, a block
// shorter than its own header, a block beyond the limit, a wrong magic.
// Each must be a plain error, found without allocating for the lie.
func TestHostileLengths(t *testing.T) {
	pcap := pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{wireLen: 60, data: payload(60, 0)}, pcapRecord{wireLen: 60, data: payload(60, 0)})
	pcapBE := pcapFile(be, 0xa1b2c3d4, 1, pcapRecord{wireLen: 60, data: payload(60, 0)})
	ng := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 0, 60, payload(60, 0)).epb(0, 0, 60, payload(60, 0)).bytes()
	const epb2 = 28 + 20 + 92 // offset of the second EPB
	cases := []struct {
		name   string
		file   []byte
		at     int    // where the lie is written
		value  uint32 // little-endian unless the file is big-endian
		big    bool
		frames int
		errIs  error
		msg    string
	}{
		{"pcap record claims 4 GB", pcap, 24 + 8, 0xffffffff, false, 0, nil, "record claims 4294967295 captured bytes"},
		{"pcap later record claims 4 GB", pcap, 100 + 8, 0xfffffffe, false, 1, nil, "record claims 4294967294"},
		{"big-endian pcap record claims 4 GB", pcapBE, 24 + 8, 0xffffffff, true, 0, nil, "record claims 4294967295"},
		{"pcap record just over the limit", pcap, 24 + 8, MaxFrameLen + 1, false, 0, nil, "more than the 262144 limit"},
		{"pcapng packet claims 4 GB", ng, epb2 + 20, 0xfffffff0, false, 1, nil, "captured length 4294967280 overruns"},
		{"pcapng block claims 4 GB", ng, epb2 + 4, 0xfffffffc, false, 1, nil, "exceeds the 16777216 limit"},
		{"pcapng block shorter than its header", ng, epb2 + 4, 8, false, 1, nil, "block length 8 is less than 12"},
		{"pcapng block of length 0", ng, epb2 + 4, 0, false, 1, nil, "block length 0 is less than 12"},
		{"pcapng section claims 4 GB", ng, 4, 0xfffffffc, false, 0, nil, "exceeds the 16777216 limit"},
		{"pcapng section shorter than its header", ng, 4, 12, false, 0, nil, "shorter than 28"},
		{"wrong magic on pcap", pcap, 0, 0, false, 0, ErrNotCapture, "starts with 00 00 00 00"},
		{"wrong magic on pcapng", ng, 0, 0x0a0d0d0b, false, 0, ErrNotCapture, "starts with 0b 0d 0d 0a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := bytes.Clone(tc.file)
			if tc.big {
				binary.BigEndian.PutUint32(file[tc.at:], tc.value)
			} else {
				binary.LittleEndian.PutUint32(file[tc.at:], tc.value)
			}
			for _, bufSize := range []int{0, defaultBufferSize} {
				out := guardedRead(t, file, bufSize)
				if len(out.frames) != tc.frames {
					t.Errorf("%d frames before the error, want %d", len(out.frames), tc.frames)
				}
				if tc.errIs != nil && !errors.Is(out.err, tc.errIs) {
					t.Errorf("error %v does not wrap %v", out.err, tc.errIs)
				}
				var ce *Error
				if errors.As(out.err, &ce) && ce.Truncated {
					t.Errorf("a lying length was reported as truncation: %v", out.err)
				}
				if out.err == nil || !bytes.Contains([]byte(out.err.Error()), []byte(tc.msg)) {
					t.Errorf("error %v lacks %q", out.err, tc.msg)
				}
			}
		})
	}
}

// TestLyingLengthWithinLimit gives a block the largest allowed length on a
// short file: that is a truncation, and it must cost memory only for the
// bytes really present, whatever the read-ahead.
func TestLyingLengthWithinLimit(t *testing.T) {
	ng := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 0, 60, payload(60, 0)).epb(0, 0, 60, payload(60, 0)).bytes()
	const epb2 = 28 + 20 + 92
	binary.LittleEndian.PutUint32(ng[epb2+4:], blockMaxLen)
	for _, bufSize := range []int{0, minBufferSize, defaultBufferSize} {
		out := guardedRead(t, ng, bufSize)
		ce := asCaptureError(t, out.err)
		if len(out.frames) != 1 || !ce.Truncated || ce.Offset != epb2 {
			t.Errorf("buffer %d: %d frames, %v", bufSize, len(out.frames), out.err)
		}
	}
}
