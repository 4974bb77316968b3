package decode

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
)

// fragSpec is one fragment of a test datagram, in arrival order.
type fragSpec struct {
	offset int
	data   []byte // nil: take the bytes of the true datagram at offset, length size
	size   int
	more   bool
	at     time.Duration // packet time
}

// fragDatagram is a UDP datagram (header included) of 8+n bytes whose
// payload bytes are all distinct modulo 251, so misplaced bytes show.
func fragDatagram(n int) []byte {
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = byte(i % 251)
	}
	return udp(1000, 53, payload)
}

func (s fragSpec) bytes(datagram []byte) []byte {
	if s.data != nil {
		return s.data
	}
	return datagram[s.offset : s.offset+s.size]
}

func v4Fragment(id uint16, offset int, more bool, data []byte) []byte {
	return ipv4Header{src: hostV4, dst: serverV4, proto: ProtoUDP, id: id, fragOffset: offset, moreFrags: more}.build(data)
}

func v6Fragment(id uint32, next uint8, offset int, more bool, data []byte) []byte {
	return ipv6Packet(serverV6, hostV6, ipv6Fragment, cat(fragHeader(next, offset, more, id), data))
}

// firstWins is the reference result of reassembly: bytes land at their
// offsets and the first arrival keeps a byte.
func firstWins(datagram []byte, frags []fragSpec) []byte {
	out := make([]byte, len(datagram))
	filled := make([]bool, len(datagram))
	for _, f := range frags {
		for i, b := range f.bytes(datagram) {
			if pos := f.offset + i; pos < len(out) && !filled[pos] {
				out[pos], filled[pos] = b, true
			}
		}
	}
	return out
}

func TestReassembly(t *testing.T) {
	datagram := fragDatagram(3000 - 8) // 3000 bytes: fragments of 1480, 1480, 40
	whole := func(offsets ...int) []fragSpec {
		var out []fragSpec
		for _, off := range offsets {
			size := min(1480, len(datagram)-off)
			out = append(out, fragSpec{offset: off, size: size, more: off+size < len(datagram)})
		}
		return out
	}
	overlapping := []fragSpec{
		{offset: 0, size: 1480, more: true},
		{offset: 1000, data: bytes.Repeat([]byte{0xee}, 1000), more: true}, // overlaps both neighbours
		{offset: 1480, size: 1480, more: true},                             // partly already received
		{offset: 8, data: bytes.Repeat([]byte{0xdd}, 16), more: true},      // inside received data
		{offset: 2960, size: 40},                                           // completes
		{offset: 1480, data: bytes.Repeat([]byte{0xcc}, 1480), more: true}, // after completion: a new datagram
	}
	tinyOverlaps := []fragSpec{{offset: 0, size: 16, more: true}}
	for off := 8; off < 2992; off += 8 {
		tinyOverlaps = append(tinyOverlaps, fragSpec{offset: off, size: 16, more: true})
	}
	tinyOverlaps = append(tinyOverlaps, fragSpec{offset: 2992, size: 8})

	tests := []struct {
		name       string
		frags      []fragSpec
		completeAt int // index of the fragment that completes, -1: none
		wantStats  Stats
	}{
		{"in order", whole(0, 1480, 2960), 2, Stats{Fragments: 3, Reassembled: 1}},
		{"reverse order", whole(2960, 1480, 0), 2, Stats{Fragments: 3, Reassembled: 1}},
		{"last first", whole(2960, 0, 1480), 2, Stats{Fragments: 3, Reassembled: 1}},
		{"duplicate", append(whole(0, 0, 1480), whole(0, 2960)...), 4, Stats{Fragments: 5, Reassembled: 1}},
		{"overlap keeps first data", overlapping, 4, Stats{Fragments: 6, Reassembled: 1}},
		{"tiny overlapping fragments", tinyOverlaps, len(tinyOverlaps) - 1, Stats{Fragments: uint64(len(tinyOverlaps)), Reassembled: 1}},
		{"missing middle", whole(0, 2960), -1, Stats{Fragments: 2}},
		{"timeout", []fragSpec{{offset: 0, size: 1480, more: true}, {offset: 1480, size: 1480, more: true, at: 31 * time.Second},
			{offset: 2960, size: 40, at: 32 * time.Second}}, -1, Stats{Fragments: 3, FragTimedOut: 1}},
		{"within timeout", []fragSpec{{offset: 0, size: 1480, more: true}, {offset: 1480, size: 1480, more: true, at: 29 * time.Second},
			{offset: 2960, size: 40, at: 30 * time.Second}}, 2, Stats{Fragments: 3, Reassembled: 1}},
		{"two different last fragments", []fragSpec{{offset: 2960, size: 40}, {offset: 0, size: 1480, more: true},
			{offset: 1480, size: 1488}}, -1, Stats{Fragments: 3, FragDropped: 1}},
		{"bytes past the last fragment", []fragSpec{{offset: 2960, size: 40}, {offset: 0, size: 1480, more: true},
			{offset: 1480, data: make([]byte, 1600), more: true}}, -1, Stats{Fragments: 3, FragDropped: 1}},
		{"last fragment before received bytes", []fragSpec{{offset: 1480, size: 1480, more: true}, {offset: 8, size: 1000}},
			-1, Stats{Fragments: 2, FragDropped: 1}},
	}
	for _, tc := range tests {
		for _, v6 := range []bool{false, true} {
			name := tc.name + map[bool]string{false: " v4", true: " v6"}[v6]
			t.Run(name, func(t *testing.T) {
				d := NewDecoder(DefaultOptions())
				var p Packet
				for i, f := range tc.frags {
					data := f.bytes(datagram)
					raw, link := v4Fragment(7, f.offset, f.more, data), capture.LinkIPv4
					if v6 {
						raw, link = v6Fragment(0xabcdef01, ProtoUDP, f.offset, f.more, data), capture.LinkIPv6
					}
					fr := &capture.Frame{Data: raw, WireLen: len(raw), LinkType: link, Time: int64(f.at)}
					if err := d.Decode(fr, &p); err != nil {
						t.Fatalf("fragment %d: %v", i, err)
					}
					if !p.Has(LayerFragment) {
						t.Fatalf("fragment %d: layers %s lack frag", i, layerList(p.Layers))
					}
					if done := p.Has(LayerReassembled); done != (i == tc.completeAt) {
						t.Fatalf("fragment %d: reassembled = %v, want completion at %d", i, done, tc.completeAt)
					}
					if i == tc.completeAt {
						checkReassembled(t, &p, firstWins(datagram, tc.frags[:i+1]), v6)
					}
				}
				if got := fragStats(d.Stats()); got != tc.wantStats {
					t.Errorf("stats = %+v, want %+v", got, tc.wantStats)
				}
			})
		}
	}
}

// fragStats keeps only the fragment counters.
func fragStats(s Stats) Stats {
	return Stats{Fragments: s.Fragments, Reassembled: s.Reassembled, FragTimedOut: s.FragTimedOut,
		FragEvicted: s.FragEvicted, FragDropped: s.FragDropped, FragSkipped: s.FragSkipped}
}

func checkReassembled(t *testing.T, p *Packet, datagram []byte, v6 bool) {
	t.Helper()
	wantLayers := LayerIPv4 | LayerUDP | LayerFragment | LayerReassembled
	wantIPLen := 20 + len(datagram)
	if v6 {
		wantLayers, wantIPLen = LayerIPv6|LayerUDP|LayerFragment|LayerReassembled, 40+len(datagram)
	}
	if p.Layers != wantLayers {
		t.Errorf("layers = %s, want %s", layerList(p.Layers), layerList(wantLayers))
	}
	if p.SrcPort != 1000 || p.DstPort != 53 || p.IPProto != ProtoUDP {
		t.Errorf("ports %d>%d proto %d, want 1000>53 proto 17", p.SrcPort, p.DstPort, p.IPProto)
	}
	if p.IPLen != wantIPLen {
		t.Errorf("IPLen = %d, want %d", p.IPLen, wantIPLen)
	}
	if p.PayloadLen != len(datagram)-8 || !bytes.Equal(p.Payload, datagram[8:]) {
		t.Errorf("payload of %d bytes (PayloadLen %d) differs from the %d expected", len(p.Payload), p.PayloadLen, len(datagram)-8)
	}
}

func TestFragmentFieldsBeforeCompletion(t *testing.T) {
	datagram := fragDatagram(100 - 8)
	tests := []struct {
		name       string
		link       capture.LinkType
		raw        []byte
		wantPorts  bool
		wantOffset int
		wantMore   bool
		wantLen    int
	}{
		{"v4 first", capture.LinkIPv4, v4Fragment(1, 0, true, datagram[:48]), true, 0, true, 40},
		{"v4 later", capture.LinkIPv4, v4Fragment(2, 48, true, datagram[48:96]), false, 48, true, 48},
		{"v6 first", capture.LinkIPv6, v6Fragment(3, ProtoUDP, 0, true, datagram[:48]), true, 0, true, 40},
		{"v6 last", capture.LinkIPv6, v6Fragment(4, ProtoUDP, 96, false, datagram[96:]), false, 96, false, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DefaultOptions())
			var p Packet
			if err := d.Decode(frame(tc.link, tc.raw), &p); err != nil {
				t.Fatal(err)
			}
			if p.Has(LayerReassembled) || !p.Has(LayerFragment) || p.IPProto != ProtoUDP {
				t.Errorf("layers %s proto %d", layerList(p.Layers), p.IPProto)
			}
			if gotPorts := p.Has(LayerUDP) && p.SrcPort == 1000 && p.DstPort == 53; gotPorts != tc.wantPorts {
				t.Errorf("ports present = %v (%d>%d), want %v", gotPorts, p.SrcPort, p.DstPort, tc.wantPorts)
			}
			if !tc.wantPorts && (p.SrcPort != 0 || p.DstPort != 0) {
				t.Errorf("later fragment has ports %d>%d", p.SrcPort, p.DstPort)
			}
			if p.FragOffset != tc.wantOffset || p.MoreFrags != tc.wantMore {
				t.Errorf("offset %d more %v, want %d %v", p.FragOffset, p.MoreFrags, tc.wantOffset, tc.wantMore)
			}
			if p.PayloadLen != tc.wantLen || len(p.Payload) != tc.wantLen {
				t.Errorf("PayloadLen %d len(Payload) %d, want %d", p.PayloadLen, len(p.Payload), tc.wantLen)
			}
		})
	}
}

// TestReassemblyIPv6ExtensionInFragmentablePart checks that headers after
// the fragment header are walked once the datagram is whole.
func TestReassemblyIPv6ExtensionInFragmentablePart(t *testing.T) {
	fragmentable := cat(extHeader(ProtoUDP, 1, false), fragDatagram(200))
	hopByHop := extHeader(ipv6Fragment, 1, false)
	frags := [][]byte{
		ipv6Packet(serverV6, hostV6, ipv6HopByHop, cat(hopByHop, fragHeader(ipv6DestOptions, 104, false, 9), fragmentable[104:])),
		ipv6Packet(serverV6, hostV6, ipv6HopByHop, cat(hopByHop, fragHeader(ipv6DestOptions, 0, true, 9), fragmentable[:104])),
	}
	d := NewDecoder(DefaultOptions())
	var p Packet
	for _, raw := range frags {
		if err := d.Decode(frame(capture.LinkIPv6, raw), &p); err != nil {
			t.Fatal(err)
		}
	}
	if !p.Has(LayerReassembled|LayerUDP) || p.IPProto != ProtoUDP || p.PayloadLen != 200 || len(p.Payload) != 200 {
		t.Fatalf("layers %s proto %d payload %d/%d", layerList(p.Layers), p.IPProto, len(p.Payload), p.PayloadLen)
	}
	if want := 40 + 8 + len(fragmentable); p.IPLen != want {
		t.Errorf("IPLen = %d, want %d", p.IPLen, want)
	}
}

func TestReassemblyDisabled(t *testing.T) {
	d := NewDecoder(Options{Reassemble: false})
	datagram := fragDatagram(100 - 8)
	var p Packet
	for _, raw := range [][]byte{v4Fragment(1, 0, true, datagram[:48]), v4Fragment(1, 48, false, datagram[48:])} {
		if err := d.Decode(frame(capture.LinkIPv4, raw), &p); err != nil {
			t.Fatal(err)
		}
		if !p.Has(LayerFragment) || p.Has(LayerReassembled) {
			t.Errorf("layers %s, want a fragment that is not reassembled", layerList(p.Layers))
		}
	}
	if got := fragStats(d.Stats()); got != (Stats{Fragments: 2}) {
		t.Errorf("stats %+v", got)
	}
}

func TestReassemblyRejects(t *testing.T) {
	small := DefaultOptions()
	small.MaxDatagramBytes = 1000
	tests := []struct {
		name      string
		opts      Options
		raw       []byte
		wantErr   error
		wantStats Stats
	}{
		{"past 65535 bytes", DefaultOptions(), v4Fragment(1, 65528, false, make([]byte, 16)), errFragmentOverflow, Stats{Fragments: 1}},
		{"v6 past 65535 bytes", DefaultOptions(), v6Fragment(1, ProtoUDP, 65528, true, make([]byte, 16)), errFragmentOverflow, Stats{Fragments: 1}},
		{"over MaxDatagramBytes", small, v4Fragment(1, 992, false, make([]byte, 16)), nil, Stats{Fragments: 1, FragDropped: 1}},
		{"data cut by the snaplen", DefaultOptions(), v4Fragment(1, 8, true, make([]byte, 64))[:50], nil, Stats{Fragments: 1, FragSkipped: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(tc.opts)
			var p Packet
			link := capture.LinkType(capture.LinkRaw)
			if err := d.Decode(frame(link, tc.raw), &p); !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if got := fragStats(d.Stats()); got != tc.wantStats {
				t.Errorf("stats %+v, want %+v", got, tc.wantStats)
			}
			if len(d.frags.index) != 0 {
				t.Errorf("%d datagrams kept", len(d.frags.index))
			}
		})
	}
}

func TestReassemblyEvictsOldest(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxDatagrams = 2
	d := NewDecoder(opts)
	datagram := fragDatagram(100 - 8)
	var p Packet
	for id := uint16(1); id <= 3; id++ {
		if err := d.Decode(frame(capture.LinkIPv4, v4Fragment(id, 0, true, datagram[:48])), &p); err != nil {
			t.Fatal(err)
		}
	}
	// Id 1 was evicted by id 3: its last fragment starts a new datagram.
	for _, tc := range []struct {
		id       uint16
		wantDone bool
	}{{2, true}, {3, true}, {1, false}} {
		if err := d.Decode(frame(capture.LinkIPv4, v4Fragment(tc.id, 48, false, datagram[48:])), &p); err != nil {
			t.Fatal(err)
		}
		if p.Has(LayerReassembled) != tc.wantDone {
			t.Errorf("id %d: reassembled = %v, want %v", tc.id, p.Has(LayerReassembled), tc.wantDone)
		}
	}
	if got := fragStats(d.Stats()); got != (Stats{Fragments: 6, Reassembled: 2, FragEvicted: 1}) {
		t.Errorf("stats %+v", got)
	}
}

// TestReassemblyHostileInputStaysBounded floods the decoder with fragments
// of thousands of ids, large offsets and scattered tiny pieces, and checks
// that the reassembler never holds more than its caps.
func TestReassemblyHostileInputStaysBounded(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxDatagrams = 64
	opts.MaxTotalBytes = 1 << 20
	d := NewDecoder(opts)
	var p Packet
	check := func(step string) {
		t.Helper()
		r := &d.frags
		if r.heldBytes > opts.MaxTotalBytes || len(r.index) > opts.MaxDatagrams || len(r.slots) > opts.MaxDatagrams {
			t.Fatalf("%s: held %d bytes, %d datagrams, %d slots", step, r.heldBytes, len(r.index), len(r.slots))
		}
		for _, dg := range r.slots {
			if len(dg.ranges) > maxRanges || cap(dg.buf) > opts.MaxDatagramBytes {
				t.Fatalf("%s: datagram with %d ranges, %d-byte buffer", step, len(dg.ranges), cap(dg.buf))
			}
		}
	}
	piece := make([]byte, 8)
	for id := range 5000 {
		_ = d.Decode(frame(capture.LinkIPv4, v4Fragment(uint16(id), 65000, true, piece)), &p) // counted, not inspected
	}
	check("many ids at large offsets")
	for off := 0; off < 65000; off += 16 {
		_ = d.Decode(frame(capture.LinkIPv4, v4Fragment(60000, off, true, piece)), &p) // scattered: every other 8 bytes
	}
	check("scattered pieces")
	for id := range 200 {
		_ = d.Decode(frame(capture.LinkIPv6, v6Fragment(uint32(id), ProtoUDP, 65520, false, make([]byte, 15))), &p)
	}
	check("v6 near the end")
	st := d.Stats()
	if st.FragEvicted == 0 || st.FragDropped == 0 {
		t.Errorf("stats %+v: want evictions and drops", st)
	}
}
