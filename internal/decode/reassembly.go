package decode

// fragKey identifies the datagram a fragment belongs to: (src, dst, proto,
// id). IPv4 addresses use the first 4 bytes of src and dst.
type fragKey struct {
	src, dst [16]byte
	id       uint32
	proto    uint8
	v6       bool
}

// byteRange is a half-open range [start, end) of payload bytes received.
type byteRange struct{ start, end int }

// Reassembly limits that are not options: they only bound hostile input.
const (
	// maxRanges caps the disjoint pieces of one datagram. Fragments that
	// arrive in or against order merge into one piece; only fragments with
	// gaps between them add pieces.
	maxRanges = 64
	// minBufferLen is the smallest reassembly buffer: most fragmented IoT
	// datagrams (DNS answers, certificates over UDP) fit.
	minBufferLen = 4096
	noSlot       = -1
)

// datagram is one datagram under reassembly.
type datagram struct {
	key     fragKey
	started int64       // packet time of its first fragment
	buf     []byte      // payload bytes at their offsets; valid where ranges say
	ranges  []byteRange // received bytes, sorted, merged, non-adjacent
	total   int         // payload length once the last fragment came, else -1
	older   int         // neighbours in the age list (slot indexes or noSlot)
	newer   int
}

// reassembler holds datagrams under reassembly in reusable slots. Memory is
// bounded: at most MaxDatagrams slots, no buffer beyond MaxDatagramBytes and
// at most MaxTotalBytes of buffers (in use or spare) overall: a buffer is
// only allocated when it fits in what is left.
type reassembler struct {
	opts      Options
	stats     *Stats
	slots     []datagram
	index     map[fragKey]int
	freeSlots []int
	spareBufs [][]byte
	heldBytes int // capacity of every buffer owned, in use or spare
	oldest    int // age list ends; new datagrams join at newest
	newest    int
}

func (r *reassembler) init(o Options, stats *Stats) {
	r.opts = o
	r.stats = stats
	r.oldest, r.newest = noSlot, noSlot
}

// expire drops datagrams whose first fragment is older than FragTimeout.
func (r *reassembler) expire(now int64) {
	for r.oldest != noSlot && now-r.slots[r.oldest].started > r.opts.FragTimeout {
		r.remove(r.oldest)
		r.stats.FragTimedOut++
	}
}

// add stores one fragment's payload bytes at offset. It returns the whole
// payload when the fragment completes its datagram (the slice stays valid
// until the next add), otherwise nil. Where fragments overlap, the bytes
// that arrived first are kept.
func (r *reassembler) add(key fragKey, offset int, data []byte, more bool, now int64) []byte {
	end := offset + len(data)
	slot, found := r.index[key]
	if end > r.opts.MaxDatagramBytes {
		if found {
			r.remove(slot)
		}
		r.stats.FragDropped++
		return nil
	}
	if !found {
		slot = r.create(key, now)
	}
	dg := &r.slots[slot]
	if !dg.consistent(end, more) || !r.ensureBuffer(slot, end) || !dg.insert(offset, data) {
		r.remove(slot)
		r.stats.FragDropped++
		return nil
	}
	if !more {
		dg.total = end
	}
	if dg.total < 0 || len(dg.ranges) != 1 || dg.ranges[0].start != 0 || dg.ranges[0].end != dg.total {
		return nil
	}
	whole := dg.buf[:dg.total:dg.total] // an append by a reader cannot reach past the datagram
	r.remove(slot)                      // the buffer becomes spare but is not reused before the next add
	return whole
}

// consistent rejects a fragment that contradicts the datagram's end: a
// second, different last fragment, or bytes past the known end.
func (dg *datagram) consistent(end int, more bool) bool {
	if dg.total >= 0 {
		if !more {
			return end == dg.total
		}
		return end <= dg.total
	}
	if !more && len(dg.ranges) > 0 && dg.ranges[len(dg.ranges)-1].end > end {
		return false
	}
	return true
}

// insert copies the parts of data not received yet and records the range.
// It reports false when the datagram would have too many pieces.
func (dg *datagram) insert(offset int, data []byte) bool {
	end := offset + len(data)
	if end == offset {
		return true
	}
	pos := offset
	for _, rg := range dg.ranges {
		if rg.end <= pos {
			continue
		}
		if rg.start >= end {
			break
		}
		if rg.start > pos {
			copy(dg.buf[pos:rg.start], data[pos-offset:])
		}
		pos = max(pos, rg.end)
		if pos >= end {
			break
		}
	}
	if pos < end {
		copy(dg.buf[pos:end], data[pos-offset:])
	}
	return dg.addRange(byteRange{offset, end})
}

// addRange merges nr into the sorted range list.
func (dg *datagram) addRange(nr byteRange) bool {
	i := 0
	for i < len(dg.ranges) && dg.ranges[i].end < nr.start {
		i++
	}
	j := i
	for j < len(dg.ranges) && dg.ranges[j].start <= nr.end {
		nr.start = min(nr.start, dg.ranges[j].start)
		nr.end = max(nr.end, dg.ranges[j].end)
		j++
	}
	if i == j {
		if len(dg.ranges) >= maxRanges {
			return false
		}
		dg.ranges = append(dg.ranges, byteRange{})
		copy(dg.ranges[i+1:], dg.ranges[i:])
		dg.ranges[i] = nr
		return true
	}
	dg.ranges[i] = nr
	dg.ranges = append(dg.ranges[:i+1], dg.ranges[j:]...)
	return true
}

// create starts a datagram, evicting the oldest when all slots are taken.
func (r *reassembler) create(key fragKey, now int64) int {
	if r.index == nil {
		r.index = make(map[fragKey]int)
	}
	if len(r.index) >= r.opts.MaxDatagrams {
		r.remove(r.oldest)
		r.stats.FragEvicted++
	}
	var slot int
	if n := len(r.freeSlots); n > 0 {
		slot = r.freeSlots[n-1]
		r.freeSlots = r.freeSlots[:n-1]
	} else {
		r.slots = append(r.slots, datagram{})
		slot = len(r.slots) - 1
	}
	dg := &r.slots[slot]
	dg.key, dg.started, dg.total = key, now, -1
	dg.ranges = dg.ranges[:0]
	dg.older, dg.newer = r.newest, noSlot
	if r.newest != noSlot {
		r.slots[r.newest].newer = slot
	} else {
		r.oldest = slot
	}
	r.newest = slot
	r.index[key] = slot
	return slot
}

// remove forgets a datagram and keeps its buffer as a spare.
func (r *reassembler) remove(slot int) {
	dg := &r.slots[slot]
	delete(r.index, dg.key)
	if dg.older != noSlot {
		r.slots[dg.older].newer = dg.newer
	} else {
		r.oldest = dg.newer
	}
	if dg.newer != noSlot {
		r.slots[dg.newer].older = dg.older
	} else {
		r.newest = dg.older
	}
	if dg.buf != nil {
		r.spareBufs = append(r.spareBufs, dg.buf)
		dg.buf = nil
	}
	dg.ranges = dg.ranges[:0]
	r.freeSlots = append(r.freeSlots, slot)
}

// ensureBuffer gives the datagram in slot a buffer of at least need bytes,
// keeping what it holds. It reports false when the memory caps forbid it.
func (r *reassembler) ensureBuffer(slot, need int) bool {
	if cap(r.slots[slot].buf) >= need {
		return true
	}
	buf := r.obtainBuffer(slot, need)
	if buf == nil {
		return false
	}
	dg := &r.slots[slot]
	if dg.buf != nil {
		copy(buf, dg.buf)
		r.spareBufs = append(r.spareBufs, dg.buf)
	}
	dg.buf = buf[:cap(buf)]
	return true
}

// obtainBuffer returns a spare buffer of at least need bytes or allocates
// one within MaxTotalBytes. To make room it first lets go of spares too
// small to use, then evicts the oldest datagrams other than the one in
// keep, whose buffers it can reuse. It returns nil when nothing is left.
func (r *reassembler) obtainBuffer(keep, need int) []byte {
	size := min(max(need, minBufferLen, 2*cap(r.slots[keep].buf)), r.opts.MaxDatagramBytes)
	for {
		if buf := r.takeSpare(need); buf != nil {
			return buf
		}
		if r.heldBytes+size <= r.opts.MaxTotalBytes {
			r.heldBytes += size
			return make([]byte, size)
		}
		if n := len(r.spareBufs); n > 0 {
			r.heldBytes -= cap(r.spareBufs[n-1])
			r.spareBufs[n-1] = nil
			r.spareBufs = r.spareBufs[:n-1]
			continue
		}
		victim := r.oldest
		if victim == keep {
			victim = r.slots[keep].newer
		}
		if victim == noSlot {
			return nil
		}
		r.remove(victim)
		r.stats.FragEvicted++
	}
}

// takeSpare returns a spare buffer of at least need bytes, or nil.
func (r *reassembler) takeSpare(need int) []byte {
	for i, b := range r.spareBufs {
		if cap(b) >= need {
			last := len(r.spareBufs) - 1
			r.spareBufs[i] = r.spareBufs[last]
			r.spareBufs[last] = nil
			r.spareBufs = r.spareBufs[:last]
			return b
		}
	}
	return nil
}
