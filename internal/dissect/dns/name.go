package dns

// Name limits from RFC 1035 sections 3.1 and 4.1.4. A label length byte
// with the top bits 00 is at most 63, so the label limit needs no check.
const (
	maxNameWire  = 255 // octets of a name on the wire, length bytes and root included
	pointerMask  = 0xc0
	labelPointer = 0xc0
	// maxPointers bounds the compression pointers followed in one name. A
	// legitimate name has at most 127 labels and needs fewer pointers; the
	// budget turns a loop into an error after a bounded amount of work.
	maxPointers = 126
)

// appendWireName appends the labels of the name at msg[off:] to dst, joined
// with '.', and returns the offset just after the name's own bytes (where the
// next field starts). Pointers may point anywhere inside msg, as in tshark.
// For ErrNameTooLong and ErrPointerLoop the returned offset is still valid.
func appendWireName(dst, msg []byte, off int) ([]byte, int, error) {
	pos, next, wire, jumps := off, -1, 0, 0
	tooLong := false
	for {
		if pos >= len(msg) {
			return dst, len(msg), ErrTruncated
		}
		c := int(msg[pos])
		switch c & pointerMask {
		case 0:
			if c == 0 {
				if next < 0 {
					next = pos + 1
				}
				if tooLong {
					return dst, next, ErrNameTooLong
				}
				return dst, next, nil
			}
			if pos+1+c > len(msg) {
				return dst, len(msg), ErrTruncated
			}
			wire += 1 + c
			if wire+1 > maxNameWire {
				tooLong = true
			}
			if !tooLong {
				if wire > 1+c { // not the first label
					dst = append(dst, '.')
				}
				dst = append(dst, msg[pos+1:pos+1+c]...)
			}
			pos += 1 + c
		case labelPointer:
			if pos+1 >= len(msg) {
				return dst, len(msg), ErrTruncated
			}
			if next < 0 {
				next = pos + 2
			}
			if tooLong {
				return dst, next, ErrNameTooLong
			}
			jumps++
			if jumps > maxPointers {
				return dst, next, ErrPointerLoop
			}
			ptr := (c&^pointerMask)<<8 | int(msg[pos+1])
			if ptr >= len(msg) {
				return dst, next, ErrPointerRange
			}
			pos = ptr
		default:
			return dst, len(msg), ErrLabelType
		}
	}
}

// placeholder is the text shown for a name that could not be rendered.
func placeholder(err error) string {
	switch err {
	case ErrNameTooLong:
		return NameTooLong
	case ErrPointerLoop:
		return NameLoops
	}
	return ""
}

// Name decodes the name that starts at msg[off:], following compression
// pointers within msg, and returns its text (see the package documentation)
// and the offset of the byte after it. It allocates the string; Unpack
// interns names instead.
func Name(msg []byte, off int) (string, int, error) {
	var buf [maxNameWire]byte
	raw, next, err := appendWireName(buf[:0], msg, off)
	if err != nil {
		return placeholder(err), next, err
	}
	if len(raw) == 0 {
		return RootName, next, nil
	}
	return Text(raw), next, nil
}
