package quic

// maxVarint is the largest value a QUIC variable-length integer encodes.
const maxVarint = 1<<62 - 1

// readVarint decodes a QUIC variable-length integer (RFC 9000 §16) and
// returns it with the number of bytes used, or n = 0 when b is too short.
func readVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	n = 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0
	}
	v = uint64(b[0] & 0x3f)
	for _, c := range b[1:n] {
		v = v<<8 | uint64(c)
	}
	return v, n
}
