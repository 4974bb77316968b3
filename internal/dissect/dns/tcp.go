package dns

import "encoding/binary"

// SplitTCP walks a DNS-over-TCP byte stream, where every message carries a
// 2-byte length prefix (RFC 1035 section 4.2.2), and calls fn with each
// complete message. It returns the number of bytes consumed; an incomplete
// message at the end is left for the next call. fn must not keep msg.
func SplitTCP(stream []byte, fn func(msg []byte)) int {
	consumed := 0
	for len(stream)-consumed >= 2 {
		n := int(binary.BigEndian.Uint16(stream[consumed:]))
		if len(stream)-consumed-2 < n {
			break
		}
		fn(stream[consumed+2 : consumed+2+n])
		consumed += 2 + n
	}
	return consumed
}
