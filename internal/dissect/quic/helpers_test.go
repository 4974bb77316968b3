package quic

import (
	"crypto/aes"
	"crypto/cipher"
	"testing"
)

// initialSpec describes a client Initial packet for protectInitial.
type initialSpec struct {
	version    uint32
	dcid, scid []byte
	token      []byte
	pn         uint32
	pnLen      int // 1..4
	payload    []byte
}

// protectInitial builds a protected client Initial packet the way a client
// does (RFC 9001 §5.3-5.4), with InitialKeys, AES-128-GCM and AES header
// protection.
func protectInitial(t testing.TB, s initialSpec) []byte {
	t.Helper()
	key, iv, hp, err := InitialKeys(s.version, s.dcid, false)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := paramsFor(s.version)
	hdr := []byte{0xc0 | params.initialType<<4 | byte(s.pnLen-1)}
	hdr = append(hdr, byte(s.version>>24), byte(s.version>>16), byte(s.version>>8), byte(s.version))
	hdr = append(hdr, byte(len(s.dcid)))
	hdr = append(hdr, s.dcid...)
	hdr = append(hdr, byte(len(s.scid)))
	hdr = append(hdr, s.scid...)
	hdr = appendVarint(hdr, uint64(len(s.token)))
	hdr = append(hdr, s.token...)
	length := s.pnLen + len(s.payload) + 16
	hdr = append(hdr, 0x40|byte(length>>8), byte(length))
	pnOffset := len(hdr)
	for i := s.pnLen - 1; i >= 0; i-- {
		hdr = append(hdr, byte(s.pn>>(8*i)))
	}

	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	nonce := append([]byte(nil), iv...)
	for i := range 4 {
		nonce[len(nonce)-1-i] ^= byte(s.pn >> (8 * i))
	}
	sealed := aead.Seal(nil, nonce, s.payload, hdr)

	hpBlock, _ := aes.NewCipher(hp)
	mask := make([]byte, 16)
	sampleStart := 4 - s.pnLen
	hpBlock.Encrypt(mask, sealed[sampleStart:sampleStart+16])
	hdr[0] ^= mask[0] & 0x0f
	for i := range s.pnLen {
		hdr[pnOffset+i] ^= mask[1+i]
	}
	return append(hdr, sealed...)
}

func appendVarint(b []byte, v uint64) []byte {
	switch {
	case v < 1<<6:
		return append(b, byte(v))
	case v < 1<<14:
		return append(b, 0x40|byte(v>>8), byte(v))
	case v < 1<<30:
		return append(b, 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, 0xc0|byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func cryptoFrameBytes(offset uint64, data []byte) []byte {
	b := appendVarint([]byte{frameCrypto}, offset)
	b = appendVarint(b, uint64(len(data)))
	return append(b, data...)
}

// padTo pads a payload with PADDING frames to n bytes.
func padTo(payload []byte, n int) []byte {
	for len(payload) < n {
		payload = append(payload, framePadding)
	}
	return payload
}

// clientHelloMessage is a small TLS 1.3 ClientHello handshake message with
// the given SNI, as QUIC carries it.
func clientHelloMessage(sni string) []byte {
	name := append([]byte{0, byte(len(sni) >> 8), byte(len(sni))}, sni...)
	sniExt := append([]byte{0, 0, byte((len(name) + 2) >> 8), byte(len(name) + 2), byte(len(name) >> 8), byte(len(name))}, name...)
	alpn := []byte{0, 16, 0, 5, 0, 3, 2, 'h', '3'}
	versions := []byte{0, 43, 0, 3, 2, 3, 4}
	exts := append(append(sniExt, alpn...), versions...)
	body := []byte{3, 3}
	body = append(body, make([]byte, 32)...)
	body = append(body, 0, 0, 2, 0x13, 0x01, 1, 0)
	body = append(body, byte(len(exts)>>8), byte(len(exts)))
	body = append(body, exts...)
	return append([]byte{1, 0, byte(len(body) >> 8), byte(len(body))}, body...)
}
