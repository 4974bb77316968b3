package synth

import "encoding/binary"

// builder assembles setup-time byte templates (handshakes, certificates'
// carriers, QUIC packets). It is never used per packet.
type builder struct {
	b []byte
}

func (b *builder) u8(v byte)       { b.b = append(b.b, v) }
func (b *builder) u16(v uint16)    { b.b = binary.BigEndian.AppendUint16(b.b, v) }
func (b *builder) u32(v uint32)    { b.b = binary.BigEndian.AppendUint32(b.b, v) }
func (b *builder) bytes(v []byte)  { b.b = append(b.b, v...) }
func (b *builder) str(v string)    { b.b = append(b.b, v...) }
func (b *builder) u24(v int)       { b.b = append(b.b, byte(v>>16), byte(v>>8), byte(v)) }
func (b *builder) zeros(n int)     { b.b = append(b.b, make([]byte, n)...) }
func (b *builder) len() int        { return len(b.b) }
func (b *builder) u16s(v []uint16) { b.prefixed(2, func() { b.u16list(v) }) }

func (b *builder) u16list(v []uint16) {
	for _, x := range v {
		b.u16(x)
	}
}

// prefixed writes a size-byte big-endian length (1, 2 or 3 bytes) of
// whatever body writes after it.
func (b *builder) prefixed(size int, body func()) {
	at := len(b.b)
	b.b = append(b.b, make([]byte, size)...)
	body()
	n := len(b.b) - at - size
	for i := size - 1; i >= 0; i-- {
		b.b[at+i] = byte(n)
		n >>= 8
	}
}

// span marks bytes of a template that are refreshed with random data every
// time the template is sent (TLS randoms, key shares, ciphertext).
type span struct {
	off, n int32
}

// blob is a template sent as one message, split into segments as needed.
type blob struct {
	data    []byte
	refresh []span
}

// mark records that the next n bytes appended will be random per use and
// appends placeholder zeros.
func (b *builder) mark(spans *[]span, n int) {
	*spans = append(*spans, span{off: int32(len(b.b)), n: int32(n)})
	b.zeros(n)
}
