package capture

import (
	"encoding/binary"
	"io"
	"math"
	"testing"
)

var (
	le = binary.LittleEndian
	be = binary.BigEndian
)

// wantFrame is what a test expects of one frame.
type wantFrame struct {
	time    int64
	wireLen int
	capLen  int
	link    LinkType
	ifIndex int
}

// ngCase is one hand-built pcapng file and the frames it must yield.
type ngCase struct {
	name   string
	build  func() []byte
	frames []wantFrame
	end    wantEnd
}

func TestPcapNGHandBuilt(t *testing.T) {
	data := payload(60, 1)
	for _, tc := range pcapngCases() {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.build()
			for _, bufSize := range []int{defaultBufferSize, minBufferSize} {
				frames, err := readFrames(file, bufSize)
				checkEnd(t, err, tc.end)
				if len(frames) != len(tc.frames) {
					t.Fatalf("buffer %d: got %d frames, want %d", bufSize, len(frames), len(tc.frames))
				}
				for i, w := range tc.frames {
					f := frames[i]
					got := wantFrame{f.Time, f.WireLen, len(f.Data), f.LinkType, f.IfIndex}
					if got != w {
						t.Errorf("buffer %d: frame %d = %+v, want %+v", bufSize, i+1, got, w)
					}
					if f.Number != i+1 {
						t.Errorf("frame %d numbered %d", i+1, f.Number)
					}
					if string(f.Data) != string(data[:len(f.Data)]) {
						t.Errorf("frame %d data differs", i+1)
					}
				}
			}
		})
	}
}

func pcapngCases() []ngCase {
	data := payload(60, 1)
	ns := func(sec, frac int64) int64 { return sec*1e9 + frac }
	return []ngCase{
		{
			name:   "default resolution is microseconds",
			build:  func() []byte { return newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1_500_000, 60, data).bytes() },
			frames: []wantFrame{{ns(1, 5e8), 60, 60, LinkEthernet, 0}},
		},
		{
			name: "if_tsresol 10^-3",
			build: func() []byte {
				b := newNG(le).shb()
				return b.idb(LinkEthernet, 0, b.option(optIfTsResol, []byte{3})).epb(0, 1500, 60, data).bytes()
			},
			frames: []wantFrame{{ns(1, 5e8), 60, 60, LinkEthernet, 0}},
		},
		{
			name: "if_tsresol 2^-20",
			build: func() []byte {
				b := newNG(le).shb()
				return b.idb(LinkEthernet, 0, b.option(optIfTsResol, []byte{0x80 | 20})).epb(0, 7<<19, 60, data).bytes()
			},
			frames: []wantFrame{{ns(3, 5e8), 60, 60, LinkEthernet, 0}},
		},
		{
			name: "if_tsresol 10^-9 as dumpcap writes it",
			build: func() []byte {
				b := newNG(le).shb()
				return b.idb(LinkEthernet, 0, b.option(optIfTsResol, []byte{9})).epb(0, 1686631860040154578, 60, data).bytes()
			},
			frames: []wantFrame{{1686631860040154578, 60, 60, LinkEthernet, 0}},
		},
		{
			name: "if_tsoffset adds seconds",
			build: func() []byte {
				b := newNG(le).shb()
				return b.idb(LinkEthernet, 0, b.option(optIfTsOffset, b.u64(1000))).epb(0, 500_000, 60, data).bytes()
			},
			frames: []wantFrame{{ns(1000, 5e8), 60, 60, LinkEthernet, 0}},
		},
		{
			name:   "timestamp beyond 2106",
			build:  func() []byte { return newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1<<32*1e6, 60, data).bytes() },
			frames: []wantFrame{{ns(1<<32, 0), 60, 60, LinkEthernet, 0}},
		},
		{
			name: "timestamp beyond 2262 saturates",
			build: func() []byte {
				b := newNG(le).shb()
				return b.idb(LinkEthernet, 0, b.option(optIfTsResol, []byte{9})).epb(0, math.MaxUint64, 60, data).bytes()
			},
			frames: []wantFrame{{math.MaxInt64, 60, 60, LinkEthernet, 0}},
		},
		{
			name: "simple packet block cut to snaplen",
			build: func() []byte {
				return newNG(le).shb().idb(LinkEthernet, 40).spb(60, data).bytes()
			},
			frames: []wantFrame{{0, 60, 40, LinkEthernet, 0}},
		},
		{
			name: "simple packet block cut to its room",
			build: func() []byte {
				return newNG(le).shb().idb(LinkRaw, 0).spb(1500, data).bytes()
			},
			frames: []wantFrame{{0, 1500, 60, LinkRaw, 0}},
		},
		{
			name: "simple packet block shorter than its padding",
			build: func() []byte {
				return newNG(le).shb().idb(LinkRaw, 0).spb(13, data[:13]).bytes()
			},
			frames: []wantFrame{{0, 13, 13, LinkRaw, 0}},
		},
		{
			name: "obsolete packet block",
			build: func() []byte {
				return newNG(le).shb().idb(LinkEthernet, 0).idb(LinkSLL, 0).opb(1, 2_000_000, 80, data).bytes()
			},
			frames: []wantFrame{{ns(2, 0), 80, 60, LinkSLL, 1}},
		},
		{
			name: "interfaces with different link types",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).idb(LinkRaw, 0).idb(LinkSLL2, 0)
				return b.epb(2, 1e6, 60, data).epb(0, 2e6, 60, data[:20]).epb(1, 3e6, 60, data[:30]).bytes()
			},
			frames: []wantFrame{
				{ns(1, 0), 60, 60, LinkSLL2, 2},
				{ns(2, 0), 60, 20, LinkEthernet, 0},
				{ns(3, 0), 60, 30, LinkRaw, 1},
			},
		},
		{
			name: "two sections with different byte orders",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1e6, 60, data)
				b.order = be
				b.shb().idb(LinkRaw, 0, b.option(optIfTsResol, []byte{3})).epb(0, 2000, 60, data)
				return b.bytes()
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}, {ns(2, 0), 60, 60, LinkRaw, 0}},
		},
		{
			name: "big-endian section",
			build: func() []byte {
				b := newNG(be).shb()
				return b.idb(LinkIPv6, 0, b.option(optIfTsResol, []byte{6})).epb(0, 5e6, 70, data).bytes()
			},
			frames: []wantFrame{{ns(5, 0), 70, 60, LinkIPv6, 0}},
		},
		{
			name: "unknown blocks and options are skipped",
			build: func() []byte {
				b := newNG(le)
				b.shb(b.option(4, []byte("iotlens test")), b.endOfOptions())
				b.block(4, b.u16(1), b.u16(4), []byte{10, 0, 0, 1}, b.u16(0), b.u16(0)) // name resolution
				b.idb(LinkEthernet, 0,
					b.option(2, []byte("eth0")),          // if_name
					b.option(0x7777, payload(9, 3)),      // unknown option
					b.option(optIfTsResol, []byte{3, 3}), // wrong length: ignored
					b.option(optIfTsOffset, []byte{1}),   // wrong length: ignored
					b.endOfOptions())
				b.block(0x00000bad, b.u32(32473), payload(7, 0))  // custom block
				b.block(0x40000bad, b.u32(32473), payload(16, 0)) // custom block, not to copy
				b.block(0x0000000a, b.u32(1), payload(30, 0))     // decryption secrets
				b.block(0x12345678, payload(100, 0))              // unknown
				b.epb(0, 1e6, 60, data, b.option(2, b.u32(1)), b.option(0x5555, payload(3, 0)), b.endOfOptions())
				b.block(5, b.u32(0), b.u32(0), b.u32(0)) // interface statistics
				return b.bytes()
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}},
		},
		{
			name:  "section header and interface but no packet",
			build: func() []byte { return newNG(le).shb().idb(LinkEthernet, 0).bytes() },
		},
		{
			name: "new section forgets the previous interfaces",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1e6, 60, data)
				return b.shb().epb(0, 2e6, 60, data).bytes()
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "refers to interface 0; the section has 0", offset: 168},
		},
		{
			name:  "packet before any interface",
			build: func() []byte { return newNG(le).shb().epb(0, 1e6, 60, data).bytes() },
			end:   wantEnd{msg: "refers to interface 0", offset: 28},
		},
		{
			name:  "interface index out of range",
			build: func() []byte { return newNG(le).shb().idb(LinkEthernet, 0).epb(1, 1e6, 60, data).bytes() },
			end:   wantEnd{msg: "refers to interface 1; the section has 1", offset: 48},
		},
		{
			name:  "simple packet block before any interface",
			build: func() []byte { return newNG(le).shb().spb(60, data).bytes() },
			end:   wantEnd{msg: "before any interface", offset: 28},
		},
		{
			name: "bad trailing length",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1e6, 60, data)
				return b.rawBlock(blockEPB, 92, 96, append(make([]byte, 20), data...)).bytes()
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "trailing block length 96 differs from leading length 92", offset: 140},
		},
		{
			name: "bad trailing length on a skipped block",
			build: func() []byte {
				return newNG(le).shb().rawBlock(0x12345678, 16, 20, make([]byte, 4)).bytes()
			},
			end: wantEnd{msg: "trailing block length 20 differs", offset: 28},
		},
		{
			name: "captured length beyond the block",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0)
				body := append(append(append(b.u32(0), b.u32(0)...), b.u32(0)...), b.u32(61)...)
				body = append(append(body, b.u32(61)...), data...)
				return b.rawBlock(blockEPB, 92, 92, body).bytes()
			},
			end: wantEnd{msg: "captured length 61 overruns the 92-byte block", offset: 48},
		},
		{
			name: "captured length above MaxFrameLen",
			build: func() []byte {
				return newNG(le).shb().idb(LinkEthernet, 0).epb(0, 0, MaxFrameLen+4, payload(MaxFrameLen+4, 0)).bytes()
			},
			end: wantEnd{msg: "more than the 262144 limit", offset: 48},
		},
		{
			name:  "block length below 12",
			build: func() []byte { return newNG(le).shb().rawBlock(blockEPB, 8, 8, nil).bytes() },
			end:   wantEnd{msg: "block length 8 is less than 12", offset: 28},
		},
		{
			name:  "block length not a multiple of 4",
			build: func() []byte { return newNG(le).shb().rawBlock(0x99, 14, 14, []byte{0, 0}).bytes() },
			end:   wantEnd{msg: "not a multiple of 4", offset: 28},
		},
		{
			name:  "block length above 16 MiB",
			build: func() []byte { return newNG(le).shb().rawBlock(blockEPB, 16<<20+4, 0, nil).bytes() },
			end:   wantEnd{msg: "exceeds the 16777216 limit", offset: 28},
		},
		{
			name:  "packet block shorter than its fixed fields",
			build: func() []byte { return newNG(le).shb().idb(LinkEthernet, 0).block(blockEPB, make([]byte, 16)).bytes() },
			end:   wantEnd{msg: "packet block of 28 bytes is too short", offset: 48},
		},
		{
			name:  "interface block shorter than its fixed fields",
			build: func() []byte { return newNG(le).shb().block(blockIDB, make([]byte, 4)).bytes() },
			end:   wantEnd{msg: "interface description block of 16 bytes is too short", offset: 28},
		},
		{
			name: "interface option overruns its block",
			build: func() []byte {
				b := newNG(le).shb()
				return b.block(blockIDB, b.u16(1), b.u16(0), b.u32(0), b.u16(2), b.u16(40), []byte("eth0")).bytes()
			},
			end: wantEnd{msg: "interface option 2 of 40 bytes overruns", offset: 28},
		},
		{
			name: "bad byte-order magic in a later section",
			build: func() []byte {
				b := newNG(le).shb()
				return b.rawBlock(blockSHB, 28, 28, append(b.u32(0x11223344), make([]byte, 12)...)).bytes()
			},
			end: wantEnd{msg: "byte-order magic 0x11223344", offset: 28},
		},
		{
			name: "unsupported major version",
			build: func() []byte {
				return newNG(le).block(blockSHB, le.AppendUint32(nil, byteOrderMagic), []byte{2, 0, 0, 0}, make([]byte, 8)).bytes()
			},
			end: wantEnd{msg: "pcapng version 2.0 is not supported", offset: 0},
		},
		{
			name: "section header shorter than its fixed fields",
			build: func() []byte {
				return newNG(le).block(blockSHB, le.AppendUint32(nil, byteOrderMagic), []byte{1, 0, 0, 0}).bytes()
			},
			end: wantEnd{msg: "section header block of 20 bytes is shorter than 28", offset: 0},
		},
		{
			name: "cut inside a packet block",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1e6, 60, data).epb(0, 2e6, 60, data)
				return b.bytes()[:len(b.bytes())-10]
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "file ends inside a block (82 bytes present)", offset: 140, truncated: true},
		},
		{
			name: "cut inside a block header",
			build: func() []byte {
				b := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1e6, 60, data)
				return append(b.bytes(), 6, 0, 0)
			},
			frames: []wantFrame{{ns(1, 0), 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "file ends inside a block header (3 bytes present)", offset: 140, truncated: true},
		},
		{
			name: "cut inside a skipped block",
			build: func() []byte {
				b := newNG(le).shb().block(0x12345678, payload(100, 0))
				return b.bytes()[:len(b.bytes())-2]
			},
			end: wantEnd{msg: "file ends inside a block (110 bytes present)", offset: 28, truncated: true},
		},
		{
			name:  "cut inside the section header",
			build: func() []byte { return newNG(le).shb().bytes()[:20] },
			end:   wantEnd{msg: "file ends inside a block (20 bytes present)", offset: 0, truncated: true},
		},
		{
			name:  "cut before the byte-order magic",
			build: func() []byte { return newNG(le).shb().bytes()[:10] },
			end:   wantEnd{msg: "file ends inside a section header block (10 bytes present)", offset: 0, truncated: true},
		},
	}
}

// TestPcapNGLargeBlocks reads blocks larger than the read-ahead buffer,
// which take the copying path.
func TestPcapNGLargeBlocks(t *testing.T) {
	b := newNG(le)
	b.shb(b.option(4, payload(3000, 0)), b.endOfOptions())
	b.idb(LinkEthernet, 0, b.option(2, payload(2000, 0)), b.endOfOptions())
	b.block(0x12345678, payload(5000, 0))
	b.epb(0, 1e6, 9000, payload(9000, 1), b.option(1, payload(4000, 0)), b.endOfOptions())
	b.epb(0, 2e6, 100, payload(100, 1))
	want, wantErr := readFrames(b.bytes(), defaultBufferSize)
	if wantErr != io.EOF || len(want) != 2 || len(want[0].Data) != 9000 {
		t.Fatalf("default buffer: %d frames, %v", len(want), wantErr)
	}
	for _, size := range []int{minBufferSize, 100, 4096} {
		got, err := readFrames(b.bytes(), size)
		if err != wantErr || len(got) != len(want) {
			t.Fatalf("buffer %d: %d frames, %v", size, len(got), err)
		}
		for i := range want {
			if string(got[i].Data) != string(want[i].Data) || got[i].Time != want[i].Time || got[i].Offset != want[i].Offset {
				t.Errorf("buffer %d: frame %d differs", size, i+1)
			}
		}
	}
}

func TestTimestampScale(t *testing.T) {
	cases := []struct {
		name   string
		resol  byte
		offset int64
		units  uint64
		want   int64
	}{
		{"seconds", 0, 0, 1700000000, 1700000000e9},
		{"milliseconds", 3, 0, 1500, 1500e6},
		{"microseconds", 6, 0, 1700000000123456, 1700000000123456000},
		{"nanoseconds", 9, 0, 1700000000123456789, 1700000000123456789},
		{"picoseconds", 12, 0, 1700000000123456789, 1700000000123456},
		{"10^-28", 28, 0, math.MaxUint64, 1},
		{"10^-40", 40, 0, math.MaxUint64, 0},
		{"2^0", 0x80, 0, 12, 12e9},
		{"2^-10", 0x80 | 10, 0, 3 << 9, 15e8},
		{"2^-30", 0x80 | 30, 0, 1 << 30, 1e9},
		{"2^-32 fraction", 0x80 | 32, 0, 1700000000<<32 | 1<<31, 1700000000500000000},
		{"2^-64", 0x80 | 64, 0, 1 << 63, 5e8},
		{"2^-100", 0x80 | 100, 0, math.MaxUint64, 0},
		{"offset", 6, 3600, 1e6, 3601e9},
		{"negative offset", 6, -10, 11e6, 1e9},
		{"saturates after 2262", 6, 0, math.MaxUint64, math.MaxInt64},
		{"2^0 saturates", 0x80, 0, 1 << 40, math.MaxInt64},
		{"offset saturates", 9, math.MaxInt64, 1, math.MaxInt64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c tsScale
			c.setOffset(tc.offset)
			c.setResolution(tc.resol)
			if got := c.nanos(tc.units); got != tc.want {
				t.Errorf("nanos(%d) = %d, want %d", tc.units, got, tc.want)
			}
		})
	}
}
