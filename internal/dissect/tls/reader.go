package tls

// reader reads big-endian fields from a byte slice. A read past the end sets
// bad and returns zero values, so parsers check bad once after a group of
// reads instead of after every field.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) empty() bool { return len(r.b) == 0 }

func (r *reader) u8() uint8 {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := uint16(r.b[0])<<8 | uint16(r.b[1])
	r.b = r.b[2:]
	return v
}

func (r *reader) u24() int {
	if len(r.b) < 3 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := int(r.b[0])<<16 | int(r.b[1])<<8 | int(r.b[2])
	r.b = r.b[3:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// vec8, vec16 and vec24 read a vector with a 1-, 2- or 3-byte length prefix.
func (r *reader) vec8() []byte  { return r.bytes(int(r.u8())) }
func (r *reader) vec16() []byte { return r.bytes(int(r.u16())) }
func (r *reader) vec24() []byte { return r.bytes(r.u24()) }

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
