package capture

import (
	"math"
	"math/bits"
)

// tsScale converts a pcapng interface's 64-bit timestamps to Unix
// nanoseconds. The multiplication is done on 128 bits, so any resolution and
// any date up to 2262 (the int64 nanosecond limit) converts exactly; later
// dates saturate at math.MaxInt64 instead of wrapping.
type tsScale struct {
	mul    uint64 // resolution 10^-k with k <= 9: ns = units * mul
	div    uint64 // resolution 10^-k with 9 < k <= 28: ns = units / div
	pow2   bool   // resolution 2^-shift: ns = units * 1e9 >> shift
	shift  uint
	offset int64 // if_tsoffset in nanoseconds, saturated
}

// microseconds is the pcapng default resolution (if_tsresol absent).
var microseconds = tsScale{mul: 1000}

// setResolution applies an if_tsresol value: a negative power of 10, or of
// 2 when the high bit is set. A resolution finer than 10^-28 turns every
// 64-bit timestamp into less than a nanosecond, so all convert to 0.
func (c *tsScale) setResolution(v byte) {
	*c = tsScale{offset: c.offset}
	exp := uint(v & 0x7f)
	switch {
	case v&0x80 != 0:
		c.pow2, c.shift = true, exp
	case exp <= 9:
		c.mul = pow10(9 - exp)
	case exp <= 28:
		c.div = pow10(exp - 9)
	}
}

// setOffset applies if_tsoffset, a signed number of seconds.
func (c *tsScale) setOffset(seconds int64) {
	switch {
	case seconds > math.MaxInt64/int64(1e9):
		c.offset = math.MaxInt64
	case seconds < math.MinInt64/int64(1e9):
		c.offset = math.MinInt64
	default:
		c.offset = seconds * 1e9
	}
}

// nanos converts a timestamp in interface units to Unix nanoseconds.
func (c *tsScale) nanos(units uint64) int64 {
	var ns uint64
	fits := true
	switch {
	case c.mul != 0:
		var hi uint64
		hi, ns = bits.Mul64(units, c.mul)
		fits = hi == 0
	case c.div != 0:
		ns = units / c.div
	case c.pow2:
		hi, lo := bits.Mul64(units, 1e9)
		if c.shift >= 64 {
			ns = hi >> (c.shift - 64)
		} else {
			ns = hi<<(64-c.shift) | lo>>c.shift
			fits = hi>>c.shift == 0
		}
	}
	if !fits || ns > math.MaxInt64 {
		return math.MaxInt64
	}
	return addSaturated(int64(ns), c.offset)
}

// addSaturated adds an offset to a non-negative time, clamping on overflow.
func addSaturated(t, offset int64) int64 {
	sum := t + offset
	if offset > 0 && sum < t {
		return math.MaxInt64
	}
	return sum
}

// pow10 returns 10^n for n <= 19.
func pow10(n uint) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}
