package dns

import "encoding/binary"

// msgBuilder assembles DNS messages byte by byte for tests.
type msgBuilder struct{ b []byte }

// newMsg starts a message with the given header fields.
func newMsg(id, flags uint16, qd, an, ns, ar int) *msgBuilder {
	w := &msgBuilder{}
	return w.u16(id).u16(flags).u16(uint16(qd)).u16(uint16(an)).u16(uint16(ns)).u16(uint16(ar))
}

func (w *msgBuilder) u16(v uint16) *msgBuilder {
	w.b = binary.BigEndian.AppendUint16(w.b, v)
	return w
}

func (w *msgBuilder) u32(v uint32) *msgBuilder {
	w.b = binary.BigEndian.AppendUint32(w.b, v)
	return w
}

func (w *msgBuilder) raw(b ...byte) *msgBuilder {
	w.b = append(w.b, b...)
	return w
}

// labels writes uncompressed labels, without the terminating zero.
func (w *msgBuilder) labels(labels ...string) *msgBuilder {
	for _, l := range labels {
		w.b = append(w.b, byte(len(l)))
		w.b = append(w.b, l...)
	}
	return w
}

// name writes labels and the root label.
func (w *msgBuilder) name(labels ...string) *msgBuilder { return w.labels(labels...).raw(0) }

// ptr writes a compression pointer to off.
func (w *msgBuilder) ptr(off int) *msgBuilder { return w.u16(0xc000 | uint16(off)) }

// question writes the type and class after a question name.
func (w *msgBuilder) question(typ, class uint16) *msgBuilder { return w.u16(typ).u16(class) }

// rr writes type, class, TTL and rdata after an owner name.
func (w *msgBuilder) rr(typ, class uint16, ttl uint32, rdata []byte) *msgBuilder {
	w.u16(typ).u16(class).u32(ttl).u16(uint16(len(rdata)))
	return w.raw(rdata...)
}

// rrStart writes type, class and TTL and reserves rdlength; rrEnd fills it.
func (w *msgBuilder) rrStart(typ, class uint16, ttl uint32) (*msgBuilder, int) {
	w.u16(typ).u16(class).u32(ttl).u16(0)
	return w, len(w.b)
}

func (w *msgBuilder) rrEnd(start int) *msgBuilder {
	binary.BigEndian.PutUint16(w.b[start-2:], uint16(len(w.b)-start))
	return w
}

func (w *msgBuilder) bytes() []byte { return w.b }

// wireName encodes labels as an uncompressed name.
func wireName(labels ...string) []byte { return (&msgBuilder{}).name(labels...).b }
