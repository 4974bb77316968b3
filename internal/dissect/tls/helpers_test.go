package tls

// helloSpec describes a ClientHello for buildClientHello.
type helloSpec struct {
	version    uint16
	ciphers    []uint16
	extensions []extensionSpec
}

type extensionSpec struct {
	typ  uint16
	data []byte
}

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

func u16List(lenBytes int, values ...uint16) []byte {
	var body []byte
	for _, v := range values {
		body = append(body, u16(v)...)
	}
	return prefixLen(lenBytes, body)
}

func prefixLen(lenBytes int, body []byte) []byte {
	n := len(body)
	var hdr []byte
	switch lenBytes {
	case 1:
		hdr = []byte{byte(n)}
	case 2:
		hdr = u16(uint16(n))
	case 3:
		hdr = []byte{byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return append(hdr, body...)
}

func sniExtension(name string) extensionSpec {
	entry := append([]byte{0}, prefixLen(2, []byte(name))...)
	return extensionSpec{extServerName, prefixLen(2, entry)}
}

func alpnExtension(protocols ...string) extensionSpec {
	var list []byte
	for _, p := range protocols {
		list = append(list, prefixLen(1, []byte(p))...)
	}
	return extensionSpec{extALPN, prefixLen(2, list)}
}

// helloMessage encodes the handshake message (type, length, body).
func (s helloSpec) helloMessage() []byte {
	body := u16(s.version)
	body = append(body, make([]byte, 32)...) // random
	body = append(body, prefixLen(1, []byte{1, 2, 3, 4})...)
	body = append(body, u16List(2, s.ciphers...)...)
	body = append(body, 1, 0) // null compression
	var exts []byte
	for _, e := range s.extensions {
		exts = append(exts, u16(e.typ)...)
		exts = append(exts, prefixLen(2, e.data)...)
	}
	body = append(body, prefixLen(2, exts)...)
	return append([]byte{typeClientHello}, prefixLen(3, body)...)
}

// records wraps handshake bytes into TLS records of at most maxFrag bytes.
func records(hs []byte, maxFrag int) []byte {
	var out []byte
	for len(hs) > 0 {
		n := min(maxFrag, len(hs))
		out = append(out, contentHandshake, 3, 1)
		out = append(out, prefixLen(2, hs[:n])...)
		hs = hs[n:]
	}
	return out
}
