package tls

// ClientHello holds the fields of a TLS ClientHello that identify the client
// and its destination. Lists keep wire order and include GREASE values.
type ClientHello struct {
	RecordVersion       uint16 // version of the first record (0 when parsed from a bare message)
	Version             uint16 // legacy_version of the handshake message
	SessionID           []byte
	CipherSuites        []uint16
	Compression         []byte
	Extensions          []uint16 // extension types in wire order
	SNI                 string   // first host_name of server_name (the outer SNI under ECH)
	ALPN                []string
	SupportedVersions   []uint16
	SupportedGroups     []uint16
	ECPointFormats      []uint8
	SignatureAlgorithms []uint16
	HasECH              bool // encrypted_client_hello (0xfe0d) is present, real or GREASE
}

// Extension types the dissector reads.
const (
	extServerName          = 0x0000
	extSupportedGroups     = 0x000a
	extECPointFormats      = 0x000b
	extSignatureAlgorithms = 0x000d
	extALPN                = 0x0010
	extSupportedVersions   = 0x002b
	extECH                 = 0xfe0d
)

// ParseClientHello parses a ClientHello from the start of a TLS byte stream
// (one or more records: a ClientHello may span several TLS records and several
// TCP segments). It returns an error matching ErrNeedMore (a *NeedMoreError
// with the needed length when known) when the stream is a valid prefix that is
// too short, ErrSSLv2 for an SSLv2-compatible hello, and another error when
// the stream is not a ClientHello.
func ParseClientHello(stream []byte) (*ClientHello, error) {
	if len(stream) == 0 {
		return nil, needMore(recordHeaderLen)
	}
	if isSSLv2Hello(stream) {
		return nil, ErrSSLv2
	}
	hs := handshakeStream{stream: stream}
	msgType, bodyLen, err := hs.header(0)
	if err == nil || err == ErrTooLarge {
		if msgType != typeClientHello {
			return nil, ErrNotClientHello
		}
	}
	if err != nil {
		return nil, endIsMalformed(err)
	}
	msg, err := hs.message(0, bodyLen)
	if err != nil {
		return nil, endIsMalformed(err)
	}
	ch, err := ParseClientHelloMessage(msg)
	if err != nil {
		return nil, err
	}
	ch.RecordVersion = hs.recordVersion
	return ch, nil
}

// isSSLv2Hello recognises the 2-byte SSLv2 record header with the high bit
// set followed by message type 1 (CLIENT-HELLO), which old clients send for
// backward compatibility.
func isSSLv2Hello(b []byte) bool {
	if b[0]&0x80 == 0 {
		return false
	}
	return len(b) < 3 || b[2] == typeClientHello
}

// ParseClientHelloMessage parses one ClientHello handshake message (type 1, a
// 3-byte length, then the body), as QUIC CRYPTO frames carry it. A message
// shorter than its length field gives a *NeedMoreError.
func ParseClientHelloMessage(hs []byte) (*ClientHello, error) {
	if len(hs) >= 1 && hs[0] != typeClientHello {
		return nil, ErrNotClientHello
	}
	if len(hs) < handshakeHdrLen {
		return nil, needMore(handshakeHdrLen)
	}
	bodyLen := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
	if bodyLen > maxHandshakeLen {
		return nil, ErrTooLarge
	}
	if len(hs) < handshakeHdrLen+bodyLen {
		return nil, needMore(handshakeHdrLen + bodyLen)
	}
	return parseClientHelloBody(hs[handshakeHdrLen : handshakeHdrLen+bodyLen])
}

func parseClientHelloBody(body []byte) (*ClientHello, error) {
	r := reader{b: body}
	ch := &ClientHello{Version: r.u16()}
	r.bytes(32) // random
	sessionID := r.vec8()
	ciphers := r.vec16()
	compression := r.vec8()
	if r.bad || len(ciphers)%2 != 0 {
		return nil, ErrMalformed
	}
	var extBlock []byte
	if !r.empty() {
		extBlock = r.vec16()
		if r.bad {
			return nil, ErrMalformed
		}
	}
	size, err := measureExtensions(extBlock)
	if err != nil {
		return nil, err
	}
	bytesBuf := make([]byte, 0, len(sessionID)+len(compression)+size.bytes)
	u16Buf := make([]uint16, 0, len(ciphers)/2+size.u16s)

	ch.SessionID, bytesBuf = carveBytes(bytesBuf, sessionID)
	ch.Compression, bytesBuf = carveBytes(bytesBuf, compression)
	ch.CipherSuites, u16Buf = carveU16s(u16Buf, ciphers)
	ch.fillExtensions(extBlock, bytesBuf, u16Buf)
	return ch, nil
}

// extensionSize is an upper bound of the storage the extensions need.
type extensionSize struct {
	u16s  int
	bytes int
}

// measureExtensions checks the framing of the extension block and sizes the
// backing arrays, so that a ClientHello costs a handful of allocations.
func measureExtensions(block []byte) (extensionSize, error) {
	var size extensionSize
	r := reader{b: block}
	for !r.empty() {
		typ := r.u16()
		data := r.vec16()
		if r.bad {
			return size, ErrMalformed
		}
		size.u16s++
		switch typ {
		case extSupportedGroups, extSignatureAlgorithms, extSupportedVersions:
			size.u16s += len(data) / 2
		case extECPointFormats:
			size.bytes += len(data)
		}
	}
	return size, nil
}

// fillExtensions records the extension types and decodes the extensions the
// dissector knows. The first occurrence of a repeated extension wins.
// Malformed contents of one extension leave its field empty rather than
// rejecting the whole hello, as Wireshark does.
func (ch *ClientHello) fillExtensions(block []byte, bytesBuf []byte, u16Buf []uint16) {
	if block == nil {
		return
	}
	start := len(u16Buf)
	r := reader{b: block}
	for !r.empty() {
		typ := r.u16()
		r.vec16()
		u16Buf = append(u16Buf, typ)
	}
	ch.Extensions = u16Buf[start:len(u16Buf):len(u16Buf)]

	sniSeen := false
	r = reader{b: block}
	for !r.empty() {
		typ := r.u16()
		data := r.vec16()
		switch typ {
		case extServerName:
			if !sniSeen {
				ch.SNI, sniSeen = firstHostName(data), true
			}
		case extALPN:
			if ch.ALPN == nil {
				ch.ALPN = parseALPN(data)
			}
		case extSupportedVersions:
			if ch.SupportedVersions == nil {
				ch.SupportedVersions, u16Buf = carveU16s(u16Buf, vector8(data))
			}
		case extSupportedGroups:
			if ch.SupportedGroups == nil {
				ch.SupportedGroups, u16Buf = carveU16s(u16Buf, vector16(data))
			}
		case extSignatureAlgorithms:
			if ch.SignatureAlgorithms == nil {
				ch.SignatureAlgorithms, u16Buf = carveU16s(u16Buf, vector16(data))
			}
		case extECPointFormats:
			if ch.ECPointFormats == nil {
				ch.ECPointFormats, bytesBuf = carveBytes(bytesBuf, vector8(data))
			}
		case extECH:
			ch.HasECH = true
		}
	}
}

// vector8 and vector16 return the contents of a length-prefixed vector that
// fills data exactly, or an empty slice when the framing is wrong.
func vector8(data []byte) []byte {
	if len(data) < 1 || int(data[0]) != len(data)-1 {
		return data[:0]
	}
	return data[1:]
}

func vector16(data []byte) []byte {
	if len(data) < 2 || int(be16(data)) != len(data)-2 {
		return data[:0]
	}
	return data[2:]
}

// firstHostName returns the first host_name entry of a server_name
// extension, as Wireshark's tls.handshake.extensions_server_name shows it.
func firstHostName(data []byte) string {
	list := reader{b: vector16(data)}
	for !list.empty() {
		nameType := list.u8()
		name := list.vec16()
		if list.bad {
			return ""
		}
		if nameType == 0 {
			return string(name)
		}
	}
	return ""
}

// parseALPN returns the protocol names of an ALPN extension. The names share
// one string allocation.
func parseALPN(data []byte) []string {
	list := vector16(data)
	count := 0
	for r := (reader{b: list}); !r.empty(); count++ {
		r.vec8()
		if r.bad {
			return []string{}
		}
	}
	all := string(list)
	names := make([]string, 0, count)
	for off := 0; off < len(all); {
		n := int(all[off])
		names = append(names, all[off+1:off+1+n])
		off += 1 + n
	}
	return names
}

// carveBytes appends src to buf and returns the appended part as its own
// capacity-limited slice.
func carveBytes(buf, src []byte) ([]byte, []byte) {
	start := len(buf)
	buf = append(buf, src...)
	return buf[start:len(buf):len(buf)], buf
}

// carveU16s decodes big-endian 16-bit values from src (ignoring an odd
// trailing byte) into buf and returns them as their own slice.
func carveU16s(buf []uint16, src []byte) ([]uint16, []uint16) {
	start := len(buf)
	for i := 0; i+1 < len(src); i += 2 {
		buf = append(buf, be16(src[i:]))
	}
	return buf[start:len(buf):len(buf)], buf
}
