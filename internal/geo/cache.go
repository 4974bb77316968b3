package geo

import (
	"net/netip"
	"sync"
)

// cacheSize is the number of addresses per cache generation: a month of a
// home's traffic rarely reaches a few thousand distinct peers.
const cacheSize = 4096

// cache remembers lookups per address. It keeps two generations: when the
// current one is full it becomes the previous one and a new one starts, and
// a hit in the previous generation is promoted. Memory stays bounded (two
// generations) and recently used addresses survive, like an LRU without
// per-entry bookkeeping.
type cache struct {
	mu        sync.Mutex
	size      int
	cur, prev map[netip.Addr]Info
}

func newCache(size int) *cache {
	return &cache{size: size, cur: make(map[netip.Addr]Info, size)}
}

func (c *cache) get(ip netip.Addr) (Info, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, ok := c.cur[ip]; ok {
		return info, true
	}
	if info, ok := c.prev[ip]; ok {
		c.putLocked(ip, info)
		return info, true
	}
	return Info{}, false
}

func (c *cache) put(ip netip.Addr, info Info) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(ip, info)
}

func (c *cache) putLocked(ip netip.Addr, info Info) {
	if len(c.cur) >= c.size {
		c.prev, c.cur = c.cur, make(map[netip.Addr]Info, c.size)
	}
	c.cur[ip] = info
}
