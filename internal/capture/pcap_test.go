package capture

import (
	"testing"
)

func TestPcapHandBuilt(t *testing.T) {
	data := payload(60, 7)
	recs := []pcapRecord{{sec: 1700000000, frac: 123456, wireLen: 60, data: data}, {sec: 1700000001, frac: 7, wireLen: 1514, data: data[:54]}}
	cases := []struct {
		name   string
		file   []byte
		frames []wantFrame
		end    wantEnd
	}{
		{
			name: "little-endian microseconds",
			file: pcapFile(le, 0xa1b2c3d4, 1, recs...),
			frames: []wantFrame{
				{1700000000123456000, 60, 60, LinkEthernet, 0},
				{1700000001000007000, 1514, 54, LinkEthernet, 0},
			},
		},
		{
			name:   "big-endian microseconds",
			file:   pcapFile(be, 0xa1b2c3d4, 101, recs[0]),
			frames: []wantFrame{{1700000000123456000, 60, 60, LinkRaw, 0}},
		},
		{
			name:   "little-endian nanoseconds",
			file:   pcapFile(le, 0xa1b23c4d, 113, recs[0]),
			frames: []wantFrame{{1700000000000123456, 60, 60, LinkSLL, 0}},
		},
		{
			name:   "big-endian nanoseconds",
			file:   pcapFile(be, 0xa1b23c4d, 276, recs[0]),
			frames: []wantFrame{{1700000000000123456, 60, 60, LinkSLL2, 0}},
		},
		{
			name: "modified (Kuznetsov) little-endian",
			file: pcapFile(le, 0xa1b2cd34, 1, recs...),
			frames: []wantFrame{
				{1700000000123456000, 60, 60, LinkEthernet, 0},
				{1700000001000007000, 1514, 54, LinkEthernet, 0},
			},
		},
		{
			name:   "modified (Kuznetsov) big-endian",
			file:   pcapFile(be, 0xa1b2cd34, 1, recs[0]),
			frames: []wantFrame{{1700000000123456000, 60, 60, LinkEthernet, 0}},
		},
		{
			name:   "FCS bits above the link type are ignored",
			file:   pcapFile(le, 0xa1b2c3d4, 0x14000000|1, recs[0]),
			frames: []wantFrame{{1700000000123456000, 60, 60, LinkEthernet, 0}},
		},
		{
			name:   "seconds beyond 2038 are unsigned",
			file:   pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{sec: 0xfffffffe, wireLen: 60, data: data}),
			frames: []wantFrame{{0xfffffffe * 1e9, 60, 60, LinkEthernet, 0}},
		},
		{
			name:   "empty record",
			file:   pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{sec: 1, wireLen: 0}),
			frames: []wantFrame{{1e9, 0, 0, LinkEthernet, 0}},
		},
		{
			name:   "largest allowed record",
			file:   pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{sec: 1, wireLen: MaxFrameLen, data: make([]byte, MaxFrameLen)}),
			frames: []wantFrame{{1e9, MaxFrameLen, MaxFrameLen, LinkEthernet, 0}},
		},
		{
			name: "header only",
			file: pcapFile(le, 0xa1b2c3d4, 1),
		},
		{
			name: "record claims 4 GB",
			file: func() []byte {
				f := pcapFile(le, 0xa1b2c3d4, 1, recs[0])
				le.PutUint32(f[24+8:], 0xffffffff)
				return f
			}(),
			end: wantEnd{msg: "record claims 4294967295 captured bytes", offset: 24},
		},
		{
			name:   "cut inside a record",
			file:   pcapFile(le, 0xa1b2c3d4, 1, recs...)[:24+16+60+16+10],
			frames: []wantFrame{{1700000000123456000, 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "file ends inside a record (26 bytes present)", offset: 100, truncated: true},
		},
		{
			name:   "cut inside a record header",
			file:   pcapFile(le, 0xa1b2c3d4, 1, recs...)[:24+16+60+5],
			frames: []wantFrame{{1700000000123456000, 60, 60, LinkEthernet, 0}},
			end:    wantEnd{msg: "file ends inside a record header (5 bytes present)", offset: 100, truncated: true},
		},
		{
			name: "cut inside the file header",
			file: pcapFile(le, 0xa1b2c3d4, 1)[:20],
			end:  wantEnd{msg: "file ends inside the pcap file header (20 bytes present)", offset: 0, truncated: true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, bufSize := range []int{defaultBufferSize, minBufferSize} {
				frames, err := readFrames(tc.file, bufSize)
				checkEnd(t, err, tc.end)
				if len(frames) != len(tc.frames) {
					t.Fatalf("buffer %d: got %d frames, want %d", bufSize, len(frames), len(tc.frames))
				}
				for i, w := range tc.frames {
					f := frames[i]
					if got := (wantFrame{f.Time, f.WireLen, len(f.Data), f.LinkType, f.IfIndex}); got != w {
						t.Errorf("buffer %d: frame %d = %+v, want %+v", bufSize, i+1, got, w)
					}
					if f.Number != i+1 {
						t.Errorf("buffer %d: frame %d numbered %d", bufSize, i+1, f.Number)
					}
					if len(f.Data) <= len(data) && string(f.Data) != string(data[:len(f.Data)]) {
						t.Errorf("buffer %d: frame %d data differs", bufSize, i+1)
					}
				}
			}
		})
	}
}

// TestPcapOffsets checks that Frame.Offset points at each record header,
// including the 8 extra bytes of the modified format.
func TestPcapOffsets(t *testing.T) {
	recs := []pcapRecord{{data: payload(10, 0)}, {data: payload(3, 0)}, {data: nil}, {data: payload(5, 0)}}
	for _, tc := range []struct {
		magic uint32
		want  []int64
	}{
		{0xa1b2c3d4, []int64{24, 50, 69, 85}},
		{0xa1b2cd34, []int64{24, 58, 85, 109}},
	} {
		frames, err := readFrames(pcapFile(le, tc.magic, 1, recs...), defaultBufferSize)
		checkEnd(t, err, wantEnd{})
		for i, f := range frames {
			if f.Offset != tc.want[i] {
				t.Errorf("magic %#x frame %d at offset %d, want %d", tc.magic, i+1, f.Offset, tc.want[i])
			}
		}
	}
}
