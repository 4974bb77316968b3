package quic

// Frame types allowed in Initial packets (RFC 9000 §12.4).
const (
	framePadding      = 0x00
	framePing         = 0x01
	frameAck          = 0x02
	frameAckECN       = 0x03
	frameCrypto       = 0x06
	frameConnClose    = 0x1c
	frameConnCloseApp = 0x1d
)

// cryptoFrames returns the CRYPTO frames of a decrypted payload. It skips
// PADDING, PING, ACK and CONNECTION_CLOSE and stops at the first unknown or
// malformed frame, keeping what it read before.
func cryptoFrames(payload []byte) []CryptoFrame {
	var frames []CryptoFrame
	for len(payload) > 0 {
		typ, n := readVarint(payload)
		if n == 0 {
			return frames
		}
		rest := payload[n:]
		var used int
		switch typ {
		case framePadding:
			used = paddingLen(rest)
		case framePing:
			used = 0
		case frameAck, frameAckECN:
			used = ackLen(rest, typ == frameAckECN)
		case frameCrypto:
			var f CryptoFrame
			f, used = cryptoFrame(rest)
			if used >= 0 {
				frames = append(frames, f)
			}
		case frameConnClose, frameConnCloseApp:
			used = connCloseLen(rest, typ == frameConnClose)
		default:
			return frames
		}
		if used < 0 {
			return frames
		}
		payload = rest[used:]
	}
	return frames
}

// paddingLen skips a run of PADDING bytes in one step.
func paddingLen(b []byte) int {
	for i, c := range b {
		if c != framePadding {
			return i
		}
	}
	return len(b)
}

// varints reads count varints from b and returns the bytes used, or -1.
func varints(b []byte, count int) int {
	off := 0
	for range count {
		_, n := readVarint(b[off:])
		if n == 0 {
			return -1
		}
		off += n
	}
	return off
}

// ackLen returns the length of an ACK frame body: largest acknowledged,
// delay, range count, first range, the ranges (gap, length) and, for
// ACK_ECN, three counters.
func ackLen(b []byte, ecn bool) int {
	off := varints(b, 2)
	if off < 0 {
		return -1
	}
	rangeCount, n := readVarint(b[off:])
	if n == 0 || rangeCount > uint64(len(b)) {
		return -1
	}
	off += n
	fields := 1 + 2*int(rangeCount)
	if ecn {
		fields += 3
	}
	more := varints(b[off:], fields)
	if more < 0 {
		return -1
	}
	return off + more
}

func cryptoFrame(b []byte) (CryptoFrame, int) {
	offset, n1 := readVarint(b)
	if n1 == 0 {
		return CryptoFrame{}, -1
	}
	length, n2 := readVarint(b[n1:])
	if n2 == 0 || length > uint64(len(b)-n1-n2) || offset+length > maxVarint {
		return CryptoFrame{}, -1
	}
	start := n1 + n2
	end := start + int(length)
	return CryptoFrame{Offset: offset, Data: b[start:end:end]}, end
}

// connCloseLen returns the length of a CONNECTION_CLOSE frame body; the
// transport variant (0x1c) carries the offending frame type too.
func connCloseLen(b []byte, transport bool) int {
	fields := 2
	if transport {
		fields = 3
	}
	off := varints(b, fields-1)
	if off < 0 {
		return -1
	}
	reasonLen, n := readVarint(b[off:])
	if n == 0 || reasonLen > uint64(len(b)-off-n) {
		return -1
	}
	return off + n + int(reasonLen)
}
