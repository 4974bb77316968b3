package tcpreasm

// maxHeld bounds the separate byte ranges a Stream tracks (the contiguous
// prefix plus out-of-order segments). A segment that would need one more is
// dropped, so a peer that sends many tiny disjoint segments costs bounded
// memory and time.
const maxHeld = 32

// minGrow is the first buffer size, enough for most single-segment data.
const minGrow = 2048

// span is a received byte range [start, end) relative to the stream base.
type span struct{ start, end int }

// Stream collects the bytes of one TCP direction. The zero value holds
// nothing; call Init first.
type Stream struct {
	limit   int
	base    uint32 // sequence number of buf[0]
	started bool   // base is known
	buf     []byte // received bytes by offset from base; gaps hold garbage
	held    []span // received ranges, sorted, disjoint and not adjacent
}

// Init sets the maximum number of bytes kept (counted from the current
// base) and clears the stream. A limit of 0 or less keeps nothing.
func (s *Stream) Init(limit int) {
	s.limit = limit
	if s.held == nil {
		s.held = make([]span, 0, maxHeld)
	}
	s.Reset()
}

// Reset forgets all data and the base but keeps the buffers and the limit.
func (s *Stream) Reset() {
	s.base, s.started = 0, false
	s.buf = s.buf[:0]
	s.held = s.held[:0]
}

// Add records one segment. A SYN sets the base to seq+1 (its payload, as
// with TCP Fast Open, starts there); without a SYN the first segment with
// data sets the base to its seq. Later data is placed by sequence number
// (modulo 2^32): bytes before the base or beyond base+limit are dropped,
// bytes already received keep their first value, and segments after a gap
// are held until the gap fills.
func (s *Stream) Add(seq uint32, syn bool, payload []byte) {
	if s.limit <= 0 {
		return
	}
	if syn {
		if !s.started {
			s.base, s.started = seq+1, true
		}
		seq++
	}
	if len(payload) == 0 {
		return
	}
	if !s.started {
		s.base, s.started = seq, true
	}
	start := int64(int32(seq - s.base))
	end := start + int64(len(payload))
	if end <= 0 || start >= int64(s.limit) {
		return
	}
	if start < 0 {
		payload = payload[-start:]
		start = 0
	}
	if end > int64(s.limit) {
		payload = payload[:int64(s.limit)-start]
	}
	s.insert(int(start), payload)
}

// insert stores data at offset start, filling only bytes not yet received,
// and merges its range into held.
func (s *Stream) insert(start int, data []byte) {
	end := start + len(data)
	first, last := s.overlapping(start, end)
	if first == last && len(s.held) >= maxHeld {
		return
	}
	s.grow(end)
	cur := start
	for _, h := range s.held[first:last] {
		if h.start > cur {
			copy(s.buf[cur:h.start], data[cur-start:])
		}
		cur = max(cur, h.end)
	}
	if cur < end {
		copy(s.buf[cur:end], data[cur-start:])
	}
	s.merge(first, last, span{start, end})
}

// overlapping returns the index range [first, last) of held spans that
// overlap or touch [start, end).
func (s *Stream) overlapping(start, end int) (first, last int) {
	for first < len(s.held) && s.held[first].end < start {
		first++
	}
	last = first
	for last < len(s.held) && s.held[last].start <= end {
		last++
	}
	return first, last
}

// merge replaces held[first:last] by their union with sp.
func (s *Stream) merge(first, last int, sp span) {
	if first == last {
		s.held = append(s.held, span{})
		copy(s.held[first+1:], s.held[first:])
		s.held[first] = sp
		return
	}
	sp.start = min(sp.start, s.held[first].start)
	sp.end = max(sp.end, s.held[last-1].end)
	s.held[first] = sp
	s.held = append(s.held[:first+1], s.held[last:]...)
}

// grow makes buf at least n bytes long, doubling its capacity (never past
// the limit) so that a growing stream reallocates only a few times.
func (s *Stream) grow(n int) {
	if n <= len(s.buf) {
		return
	}
	if n > cap(s.buf) {
		c := min(max(2*cap(s.buf), n, minGrow), max(s.limit, n))
		nb := make([]byte, len(s.buf), c)
		copy(nb, s.buf)
		s.buf = nb
	}
	s.buf = s.buf[:n]
}

// Bytes returns the contiguous bytes received from the base on. The slice
// aliases the Stream's buffer: it is valid until the next Add, Skip or Reset.
func (s *Stream) Bytes() []byte {
	if len(s.held) == 0 || s.held[0].start != 0 {
		return nil
	}
	return s.buf[:s.held[0].end]
}

// Len returns len(Bytes()).
func (s *Stream) Len() int { return len(s.Bytes()) }

// Full reports whether the contiguous bytes reached the limit; later data
// is dropped until Skip makes room.
func (s *Stream) Full() bool { return s.limit <= 0 || s.Len() >= s.limit }

// Gap reports whether data after a missing range is held, waiting for it.
func (s *Stream) Gap() bool {
	return len(s.held) > 1 || (len(s.held) == 1 && s.held[0].start > 0)
}

// Skip drops the first n contiguous bytes (for example one DNS-over-TCP
// message that has been parsed) and moves the base past them. n is clipped
// to the contiguous length.
func (s *Stream) Skip(n int) {
	n = min(n, s.Len())
	if n <= 0 {
		return
	}
	copy(s.buf, s.buf[n:])
	s.buf = s.buf[:len(s.buf)-n]
	s.base += uint32(n)
	for i := range s.held {
		s.held[i].start = max(s.held[i].start-n, 0)
		s.held[i].end -= n
	}
	if s.held[0].end == 0 {
		s.held = append(s.held[:0], s.held[1:]...)
	}
}
