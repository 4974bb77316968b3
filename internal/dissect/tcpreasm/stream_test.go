package tcpreasm

import (
	"bytes"
	"testing"
)

// step is one call on a Stream: Add a segment, or Skip when skip > 0.
type step struct {
	seq  uint32
	syn  bool
	data string
	skip int
}

func seg(seq uint32, data string) step { return step{seq: seq, data: data} }
func synSeg(seq uint32) step           { return step{seq: seq, syn: true} }

func TestStream(t *testing.T) {
	const wrap = 0xfffffffd // three bytes before 2^32
	tests := []struct {
		name     string
		limit    int
		steps    []step
		want     string
		wantFull bool
		wantGap  bool
	}{
		{"in order", 100, []step{seg(10, "abc"), seg(13, "def"), seg(16, "g")}, "abcdefg", false, false},
		{"syn sets base", 100, []step{synSeg(99), seg(100, "hello"), seg(105, " world")}, "hello world", false, false},
		{"syn with payload", 100, []step{{seq: 99, syn: true, data: "tfo"}, seg(103, "!")}, "tfo!", false, false},
		{"reverse order after syn", 100, []step{synSeg(0), seg(7, "ghi"), seg(4, "def"), seg(1, "abc")}, "abcdefghi", false, false},
		{"duplicates", 100, []step{seg(1, "abc"), seg(1, "abc"), seg(4, "def"), seg(4, "def")}, "abcdef", false, false},
		{"overlap first data wins", 100, []step{seg(1, "abcd"), seg(3, "XXef")}, "abcdef", false, false},
		{"overlap across held segment", 100, []step{synSeg(0), seg(4, "de"), seg(1, "abcXXf")}, "abcdef", false, false},
		{"retransmission before base", 100, []step{seg(50, "abc"), seg(45, "XXXXXabcd")}, "abcd", false, false},
		{"wrap around 2^32", 100, []step{seg(wrap, "abc"), seg(0, "def"), seg(3, "ghi")}, "abcdefghi", false, false},
		{"wrap around out of order", 100, []step{synSeg(wrap - 1), seg(0, "def"), seg(wrap, "abc"), seg(3, "g")}, "abcdefg", false, false},
		{"limit", 5, []step{seg(0, "abc"), seg(3, "defgh")}, "abcde", true, false},
		{"limit on later segment", 4, []step{seg(0, "ab"), seg(2, "cd"), seg(4, "ef")}, "abcd", true, false},
		{"gap never filled", 100, []step{seg(0, "abc"), seg(6, "ghi")}, "abc", false, true},
		{"gap then filled", 100, []step{seg(0, "abc"), seg(6, "ghi"), seg(3, "def")}, "abcdefghi", false, false},
		{"only later segment", 100, []step{synSeg(0), seg(5, "xyz")}, "", false, true},
		{"beyond limit dropped", 4, []step{synSeg(0), seg(10, "far"), seg(1, "ab")}, "ab", false, false},
		{"empty payloads", 100, []step{seg(7, ""), seg(9, "ab")}, "ab", false, false},
		{"skip", 100, []step{seg(0, "abcdef"), {skip: 2}, seg(6, "gh")}, "cdefgh", false, false},
		{"skip keeps held data", 100, []step{seg(0, "abc"), seg(5, "fg"), {skip: 3}, seg(3, "de")}, "defg", false, false},
		{"skip more than held", 100, []step{seg(0, "abc"), {skip: 10}, seg(3, "d")}, "d", false, false},
		{"skip frees room", 4, []step{seg(0, "abcd"), {skip: 4}, seg(4, "efgh")}, "efgh", true, false},
		{"zero limit", 0, []step{seg(0, "abc")}, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Stream
			s.Init(tt.limit)
			for _, st := range tt.steps {
				if st.skip > 0 {
					s.Skip(st.skip)
					continue
				}
				s.Add(st.seq, st.syn, []byte(st.data))
			}
			if got := string(s.Bytes()); got != tt.want {
				t.Errorf("Bytes() = %q, want %q", got, tt.want)
			}
			if s.Full() != tt.wantFull {
				t.Errorf("Full() = %v, want %v", s.Full(), tt.wantFull)
			}
			if s.Gap() != tt.wantGap {
				t.Errorf("Gap() = %v, want %v", s.Gap(), tt.wantGap)
			}
		})
	}
}

func TestResetKeepsLimit(t *testing.T) {
	var s Stream
	s.Init(3)
	s.Add(100, false, []byte("abc"))
	s.Reset()
	if s.Len() != 0 || s.Gap() || s.Full() {
		t.Fatalf("after Reset: Len %d Gap %v Full %v", s.Len(), s.Gap(), s.Full())
	}
	s.Add(7, false, []byte("wxyz"))
	if got := string(s.Bytes()); got != "wxy" {
		t.Fatalf("after Reset, Bytes() = %q, want %q (new base, same limit)", got, "wxy")
	}
}

func TestZeroValueDoesNotPanic(t *testing.T) {
	var s Stream
	s.Add(1, true, []byte("abc"))
	s.Skip(2)
	if s.Bytes() != nil || !s.Full() || s.Gap() {
		t.Fatalf("zero Stream: Bytes %q Full %v Gap %v", s.Bytes(), s.Full(), s.Gap())
	}
}

// TestHeldRangesBounded checks that many disjoint segments cannot grow the
// held list past maxHeld: the extra ones are dropped.
func TestHeldRangesBounded(t *testing.T) {
	var s Stream
	s.Init(1 << 16)
	s.Add(0, true, nil)
	for i := 0; i < 3*maxHeld; i++ {
		s.Add(uint32(10+2*i), false, []byte{'x'})
	}
	if len(s.held) > maxHeld {
		t.Fatalf("held %d ranges, want at most %d", len(s.held), maxHeld)
	}
	if !s.Gap() {
		t.Fatal("Gap() = false with held segments")
	}
}

func TestLargeStreamInManySegments(t *testing.T) {
	const limit = 64 << 10
	want := make([]byte, limit)
	for i := range want {
		want[i] = byte(i * 7)
	}
	var s Stream
	s.Init(limit)
	s.Add(1000, true, nil)
	// Send 1460-byte segments with every pair swapped.
	var order []int
	for off := 0; off < limit; off += 1460 {
		order = append(order, off)
	}
	for i := 0; i+1 < len(order); i += 2 {
		order[i], order[i+1] = order[i+1], order[i]
	}
	for _, off := range order {
		end := min(off+1460, limit)
		s.Add(1001+uint32(off), false, want[off:end])
	}
	if !bytes.Equal(s.Bytes(), want) || !s.Full() || s.Gap() {
		t.Fatalf("got %d bytes (equal %v), Full %v, Gap %v", s.Len(), bytes.Equal(s.Bytes(), want), s.Full(), s.Gap())
	}
}

func TestAddDoesNotAllocate(t *testing.T) {
	var s Stream
	s.Init(16 << 10)
	payload := bytes.Repeat([]byte{'a'}, 1400)
	// Grow the buffer once, then replay the same pattern from a clean state.
	run := func() {
		s.Reset()
		s.Add(5000, true, nil)
		s.Add(5001+1400, false, payload) // out of order first
		s.Add(5001, false, payload)
		s.Add(5001, false, payload[:100]) // retransmission
		for i := 2; i < 11; i++ {
			s.Add(5001+uint32(i*1400), false, payload)
		}
		s.Skip(700)
	}
	run()
	if allocs := testing.AllocsPerRun(100, run); allocs != 0 {
		t.Fatalf("Add allocated %.1f times per run, want 0", allocs)
	}
}
