package flow

import (
	"bytes"
	"net/netip"

	"github.com/iotlens/iotlens/internal/decode"
)

// Key is a direction-free 5-tuple: Lo is the smaller endpoint. It holds
// plain bytes (no pointers, no padding), so a map hashes it as one block of
// memory: several times faster than hashing netip values field by field, and
// it is hashed for every packet.
type Key struct {
	LoIP, HiIP     [16]byte
	LoPort, HiPort uint16
	Proto          uint8
	V4             bool
}

// Lo and Hi return the endpoints.
func (k Key) Lo() netip.AddrPort { return netip.AddrPortFrom(k.addr(k.LoIP), k.LoPort) }

// Hi returns the larger endpoint.
func (k Key) Hi() netip.AddrPort { return netip.AddrPortFrom(k.addr(k.HiIP), k.HiPort) }

func (k Key) addr(b [16]byte) netip.Addr {
	a := netip.AddrFrom16(b)
	if k.V4 {
		return a.Unmap()
	}
	return a
}

// KeyOf returns the flow key of p and whether p travels from Lo to Hi.
// ok is false for packets without IP.
func KeyOf(p *decode.Packet) (k Key, fromLo bool, ok bool) {
	if !p.IsIP() {
		return Key{}, false, false
	}
	src, dst := p.SrcIP.As16(), p.DstIP.As16()
	k.Proto, k.V4 = p.IPProto, p.SrcIP.Is4()
	c := bytes.Compare(src[:], dst[:])
	fromLo = c < 0 || (c == 0 && p.SrcPort <= p.DstPort)
	if fromLo {
		k.LoIP, k.HiIP, k.LoPort, k.HiPort = src, dst, p.SrcPort, p.DstPort
	} else {
		k.LoIP, k.HiIP, k.LoPort, k.HiPort = dst, src, p.DstPort, p.SrcPort
	}
	return k, fromLo, true
}

// Table maps flow keys to per-flow state V with idle eviction.
type Table[V any] struct {
	entries   map[Key]*entry[V]
	idle      int64 // ns of packet time after which a flow is evicted
	max       int
	nextSweep int64
	onEvict   func(Key, *V)
	Evicted   int64 // flows evicted for idleness or for the cap
	// last remembers the previous lookup: packets come in bursts of one
	// flow (a TCP window, a media stream), and comparing 40 bytes is much
	// cheaper than hashing them.
	lastKey   Key
	lastEntry *entry[V]
}

type entry[V any] struct {
	last  int64
	value V
}

// NewTable makes a table evicting flows idle for idleNanos and holding at most
// max flows; onEvict (may be nil) sees each flow as it leaves.
func NewTable[V any](idleNanos int64, max int, onEvict func(Key, *V)) *Table[V] {
	return &Table[V]{entries: make(map[Key]*entry[V]), idle: idleNanos, max: max, onEvict: onEvict}
}

// Get returns the state of k, creating it when absent (created is then true),
// and marks the flow active at now.
func (t *Table[V]) Get(k Key, now int64) (v *V, created bool) {
	t.maybeSweep(now)
	if e := t.lastEntry; e != nil && k == t.lastKey {
		if now > e.last {
			e.last = now
		}
		return &e.value, false
	}
	e, ok := t.entries[k]
	if !ok {
		if len(t.entries) >= t.max {
			t.sweep(now, true)
		}
		e = &entry[V]{}
		t.entries[k] = e
	}
	if now > e.last {
		e.last = now
	}
	t.lastKey, t.lastEntry = k, e
	return &e.value, !ok
}

// Len is the number of flows held.
func (t *Table[V]) Len() int { return len(t.entries) }

// Flush evicts every flow (end of input).
func (t *Table[V]) Flush() {
	for k, e := range t.entries {
		t.evict(k, e)
	}
}

func (t *Table[V]) maybeSweep(now int64) {
	if now >= t.nextSweep {
		t.sweep(now, false)
		t.nextSweep = now + t.idle/4 + 1
	}
}

// sweep evicts idle flows; under pressure (table full) it evicts the older
// half. Which flows go depends only on their last-seen times, so results stay
// deterministic; callers must aggregate evicted flows order-independently.
func (t *Table[V]) sweep(now int64, pressure bool) {
	cut := now - t.idle
	if pressure {
		cut = t.medianLast()
	}
	for k, e := range t.entries {
		if e.last <= cut {
			t.evict(k, e)
		}
	}
}

func (t *Table[V]) medianLast() int64 {
	var lo, hi int64
	first := true
	for _, e := range t.entries {
		if first || e.last < lo {
			lo = e.last
		}
		if first || e.last > hi {
			hi = e.last
		}
		first = false
	}
	return lo + (hi-lo)/2
}

func (t *Table[V]) evict(k Key, e *entry[V]) {
	if e == t.lastEntry {
		t.lastEntry = nil
	}
	if t.onEvict != nil {
		t.onEvict(k, &e.value)
	}
	delete(t.entries, k)
	t.Evicted++
}
