package tcpreasm

import (
	"encoding/binary"
	"testing"
)

// contentAt is the byte a consistent sender puts at stream offset o, so the
// fuzzer can check every reassembled byte without a reference model.
func contentAt(o uint32) byte { return byte(o*31 + o>>8) }

// FuzzStream drives a Stream with segments decoded from ops (4 bytes each:
// kind, signed 16-bit offset, length) and checks that what Bytes returns is
// always the true stream content from the current base on.
func FuzzStream(f *testing.F) {
	f.Add(uint16(64), uint32(1000), []byte{7, 0, 0, 0, 0, 0, 0, 10, 0, 0, 10, 10})
	f.Add(uint16(16), uint32(0xfffffff0), []byte{7, 0, 0, 0, 1, 0, 20, 8, 0, 0, 0, 20, 6, 0, 0, 5, 0, 0, 28, 30})
	f.Add(uint16(300), uint32(5), []byte{0, 0, 50, 40, 0, 0, 0, 50, 6, 0, 0, 30, 0, 0, 90, 60, 0, 0, 89, 2})
	f.Fuzz(func(t *testing.T, limit uint16, isn uint32, ops []byte) {
		var s Stream
		s.Init(int(limit % 2048))
		base, started := uint32(0), false // base offset relative to isn+1
		var buf [255]byte
		for ; len(ops) >= 4; ops = ops[4:] {
			kind, n := ops[0]%8, int(ops[3])
			off := uint32(int32(int16(binary.BigEndian.Uint16(ops[1:]))))
			switch kind {
			case 6:
				skip := min(n, s.Len())
				s.Skip(n)
				base += uint32(skip)
				continue
			case 7:
				if !started && s.limit > 0 {
					base, started = 0, true
				}
				s.Add(isn, true, nil)
				continue
			}
			for i := 0; i < n; i++ {
				buf[i] = contentAt(off + uint32(i))
			}
			if !started && n > 0 && s.limit > 0 {
				base, started = off, true
			}
			s.Add(isn+1+off, false, buf[:n])
		}
		got := s.Bytes()
		if len(got) > max(s.limit, 0) {
			t.Fatalf("Bytes() holds %d bytes, limit %d", len(got), s.limit)
		}
		for i, b := range got {
			if want := contentAt(base + uint32(i)); b != want {
				t.Fatalf("byte %d = %#x, want %#x", i, b, want)
			}
		}
		if s.Full() != (s.Len() >= s.limit) {
			t.Fatalf("Full() = %v with %d of %d bytes", s.Full(), s.Len(), s.limit)
		}
	})
}
