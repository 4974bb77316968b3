package tls

import "errors"

// TLS record content types and handshake message types used here.
const (
	contentHandshake = 22

	typeClientHello = 1
	typeServerHello = 2
	typeCertificate = 11

	recordHeaderLen = 5
	handshakeHdrLen = 4
	// maxRecordLen is the largest TLSCiphertext fragment (2^14 + 2048);
	// anything longer is not TLS.
	maxRecordLen = 1<<14 + 2048
	// maxHandshakeLen bounds one handshake message we are willing to gather
	// (a ClientHello is at most a few KB, a certificate chain a few tens).
	maxHandshakeLen = 1 << 18
)

// errEndOfHandshake means a record of another content type (for example
// ChangeCipherSpec or encrypted data) follows the handshake records.
var errEndOfHandshake = errors.New("tls: end of handshake records")

// handshakeStream exposes the handshake-protocol bytes carried by the
// consecutive handshake records at the start of a TLS byte stream, gathering
// records lazily. When a message fits in one record it aliases the input;
// otherwise the fragments are copied into a private buffer.
type handshakeStream struct {
	stream        []byte
	next          int    // offset in stream of the next record header to read
	data          []byte // handshake bytes gathered so far
	owned         bool   // data is a private copy
	records       int    // records gathered
	recordVersion uint16 // version field of the first record
}

// checkRecordHeader validates as much of a record header as h holds and
// returns the fragment length (or -1 when h is shorter than a header).
func checkRecordHeader(h []byte) (int, error) {
	if len(h) >= 1 && h[0] != contentHandshake {
		return 0, errEndOfHandshake
	}
	if len(h) >= 2 && h[1] != 3 {
		return 0, ErrNotHandshake
	}
	if len(h) >= 3 && h[2] > 4 {
		return 0, ErrNotHandshake
	}
	if len(h) < recordHeaderLen {
		return -1, nil
	}
	n := int(be16(h[3:5]))
	if n > maxRecordLen {
		return 0, ErrNotHandshake
	}
	return n, nil
}

// fill gathers records until at least n handshake bytes are available. It
// returns a *NeedMoreError when the stream ends first, errEndOfHandshake when
// a non-handshake record comes first, or ErrNotHandshake for a bad header.
func (h *handshakeStream) fill(n int) error {
	for len(h.data) < n {
		rest := h.stream[h.next:]
		fragLen, err := checkRecordHeader(rest)
		if err != nil {
			if err == errEndOfHandshake && h.records == 0 {
				return ErrNotHandshake
			}
			return err
		}
		if fragLen < 0 {
			return needMore(h.next + recordHeaderLen + n - len(h.data))
		}
		if len(rest) < recordHeaderLen+fragLen {
			return needMore(h.next + recordHeaderLen + fragLen)
		}
		h.append(rest[recordHeaderLen:recordHeaderLen+fragLen], be16(rest[1:3]))
		h.next += recordHeaderLen + fragLen
	}
	return nil
}

func (h *handshakeStream) append(frag []byte, version uint16) {
	if h.records == 0 {
		h.recordVersion = version
	}
	h.records++
	switch {
	case len(h.data) == 0 && !h.owned:
		h.data = frag
	case h.owned:
		h.data = append(h.data, frag...)
	default:
		joined := make([]byte, 0, 2*(len(h.data)+len(frag)))
		joined = append(joined, h.data...)
		h.data = append(joined, frag...)
		h.owned = true
	}
}

// header returns the type and body length of the handshake message that
// starts at offset off of the gathered bytes.
func (h *handshakeStream) header(off int) (msgType uint8, bodyLen int, err error) {
	if err := h.fill(off + handshakeHdrLen); err != nil {
		return 0, 0, err
	}
	hdr := h.data[off:]
	bodyLen = int(hdr[1])<<16 | int(hdr[2])<<8 | int(hdr[3])
	if bodyLen > maxHandshakeLen {
		return hdr[0], bodyLen, ErrTooLarge
	}
	return hdr[0], bodyLen, nil
}

// message returns the whole encoding (header included) of the handshake
// message at offset off whose body length header reported.
func (h *handshakeStream) message(off, bodyLen int) ([]byte, error) {
	end := off + handshakeHdrLen + bodyLen
	if err := h.fill(end); err != nil {
		return nil, err
	}
	return h.data[off:end:end], nil
}
