package quic

import (
	"container/list"
	"errors"

	"github.com/iotlens/iotlens/internal/dissect/tls"
)

// Assembler limits.
const (
	// MaxCryptoBytes bounds the Initial crypto stream kept per connection.
	MaxCryptoBytes = 64 << 10
	// maxRanges bounds the separate pieces of one connection's crypto stream
	// awaiting their neighbours (a real client sends a handful).
	maxRanges = 64
	// idleTimeout (ns of packet time) after which an unfinished connection
	// is forgotten.
	idleTimeout = int64(30e9)
)

// ErrTooLarge is returned when a connection's CRYPTO data exceeds
// MaxCryptoBytes or arrives in too many pieces; the connection is dropped.
var ErrTooLarge = errors.New("quic: Initial crypto stream too large or too fragmented")

// connKey identifies a connection by version and the client's original
// Destination Connection ID, without allocating.
type connKey struct {
	version uint32
	idLen   uint8
	id      [maxConnIDLen]byte
}

func makeKey(version uint32, dcid []byte) connKey {
	k := connKey{version: version, idLen: uint8(len(dcid))}
	copy(k.id[:], dcid)
	return k
}

// span is a received byte range [start, end) of the crypto stream.
type span struct{ start, end int }

// assembly is the state of one connection.
type assembly struct {
	key      connKey
	keys     *openers
	data     []byte // crypto stream bytes; valid where spans say
	spans    []span // sorted, merged
	done     bool   // the ClientHello was returned (or failed to parse)
	lastSeen int64
	elem     *list.Element
}

// Assembler joins CRYPTO data across the Initial packets and datagrams of
// each connection until a whole ClientHello handshake message is available.
// It keeps at most maxConns connections (the least recently seen is evicted
// first) and MaxCryptoBytes per connection. It is not safe for concurrent
// use.
type Assembler struct {
	maxConns int
	conns    map[connKey]*assembly
	lru      *list.List // of *assembly, most recently seen first
}

// NewAssembler returns an Assembler that tracks at most maxConns
// connections (at least 1).
func NewAssembler(maxConns int) *Assembler {
	return &Assembler{
		maxConns: max(maxConns, 1),
		conns:    make(map[connKey]*assembly),
		lru:      list.New(),
	}
}

// Add feeds one UDP datagram seen at time now (Unix ns). It returns the
// ClientHello once the connection's whole ClientHello message has arrived,
// and nil while more is needed or after it was already returned. Datagrams
// that carry no decryptable client Initial give an error (ErrNotInitial for
// short-header packets, which cost no allocation).
func (a *Assembler) Add(datagram []byte, now int64) (*tls.ClientHello, error) {
	h, err := parseLongHeader(datagram)
	if err != nil {
		return nil, err
	}
	a.expire(now)
	key := makeKey(h.version, h.dcid)
	conn := a.conns[key]
	if conn != nil && conn.done {
		a.touch(conn, now)
		return nil, nil
	}
	var keys *openers
	if conn != nil {
		keys = conn.keys
	} else if keys, err = newOpeners(h.version, h.dcid); err != nil {
		return nil, err
	}
	initials, err := parseInitials(datagram, func(version uint32, dcid []byte) (*openers, error) {
		if version != h.version || string(dcid) != string(h.dcid) {
			return nil, ErrDecrypt // coalesced packets share one DCID
		}
		return keys, nil
	})
	if err != nil {
		return nil, err
	}
	if conn == nil {
		conn = a.insert(key, keys)
	}
	a.touch(conn, now)
	return a.absorb(conn, initials)
}

// absorb stores the CRYPTO frames and returns the ClientHello when whole.
func (a *Assembler) absorb(conn *assembly, initials []Initial) (*tls.ClientHello, error) {
	for _, in := range initials {
		for _, f := range in.Crypto {
			if !conn.store(f) {
				a.remove(conn)
				return nil, ErrTooLarge
			}
		}
	}
	msg, complete := conn.message()
	if !complete {
		if msg < 0 {
			a.remove(conn)
			return nil, ErrTooLarge
		}
		return nil, nil
	}
	conn.done = true
	ch, err := tls.ParseClientHelloMessage(conn.data[:msg])
	conn.data, conn.spans = nil, nil
	return ch, err
}

// store copies one CRYPTO frame into the stream buffer.
func (c *assembly) store(f CryptoFrame) bool {
	if f.Offset > MaxCryptoBytes || f.Offset+uint64(len(f.Data)) > MaxCryptoBytes {
		return false
	}
	start, end := int(f.Offset), int(f.Offset)+len(f.Data)
	if start == end {
		return true
	}
	if end > len(c.data) {
		c.data = growTo(c.data, end)
	}
	copy(c.data[start:end], f.Data)
	c.spans = addSpan(c.spans, span{start, end})
	return len(c.spans) <= maxRanges
}

func growTo(b []byte, n int) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	grown := make([]byte, n, max(n, min(2*cap(b), MaxCryptoBytes)))
	copy(grown, b)
	return grown
}

// addSpan inserts s into the sorted list and merges overlapping or touching
// neighbours.
func addSpan(spans []span, s span) []span {
	out := spans[:0:0]
	placed := false
	for _, cur := range spans {
		switch {
		case cur.end < s.start:
			out = append(out, cur)
		case s.end < cur.start:
			if !placed {
				out = append(out, s)
				placed = true
			}
			out = append(out, cur)
		default: // overlap or contact: merge into s
			s.start, s.end = min(s.start, cur.start), max(s.end, cur.end)
		}
	}
	if !placed {
		out = append(out, s)
	}
	return out
}

// message returns the length of the ClientHello message and whether the
// stream holds all of it; a negative length means it can never fit.
func (c *assembly) message() (int, bool) {
	if len(c.spans) == 0 || c.spans[0].start != 0 {
		return 0, false
	}
	have := c.spans[0].end
	if have < 4 {
		return 0, false
	}
	msgLen := 4 + (int(c.data[1])<<16 | int(c.data[2])<<8 | int(c.data[3]))
	if msgLen > MaxCryptoBytes {
		return -1, false
	}
	return msgLen, have >= msgLen
}

func (a *Assembler) insert(key connKey, keys *openers) *assembly {
	for len(a.conns) >= a.maxConns {
		a.remove(a.lru.Back().Value.(*assembly))
	}
	conn := &assembly{key: key, keys: keys}
	conn.elem = a.lru.PushFront(conn)
	a.conns[key] = conn
	return conn
}

func (a *Assembler) touch(conn *assembly, now int64) {
	conn.lastSeen = max(conn.lastSeen, now)
	a.lru.MoveToFront(conn.elem)
}

func (a *Assembler) remove(conn *assembly) {
	a.lru.Remove(conn.elem)
	delete(a.conns, conn.key)
}

// expire forgets connections not seen for idleTimeout, oldest first.
func (a *Assembler) expire(now int64) {
	for e := a.lru.Back(); e != nil; e = a.lru.Back() {
		conn := e.Value.(*assembly)
		if now-conn.lastSeen <= idleTimeout {
			return
		}
		a.remove(conn)
	}
}

// Len returns the number of connections tracked.
func (a *Assembler) Len() int { return len(a.conns) }
