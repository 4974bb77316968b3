package quic

import (
	"crypto/aes"
	"encoding/binary"
	"errors"
)

// Errors for datagrams that do not yield client Initial packets.
var (
	ErrNotInitial = errors.New("quic: not a long-header Initial packet")
	ErrTruncated  = errors.New("quic: packet shorter than its header says")
	ErrDecrypt    = errors.New("quic: Initial packet does not decrypt with client keys")
	ErrMalformed  = errors.New("quic: malformed Initial header")
)

// Initial is one decrypted client Initial packet.
type Initial struct {
	Version      uint32
	DCID, SCID   []byte
	Token        []byte
	PacketNumber uint64
	Crypto       []CryptoFrame
}

// CryptoFrame is the data of one CRYPTO frame at its offset in the
// connection's Initial crypto stream.
type CryptoFrame struct {
	Offset uint64
	Data   []byte
}

const (
	maxConnIDLen = 20
	sampleLen    = 16
	maxPNLen     = 4
)

// longHeader is the clear-text part of a long-header Initial packet.
type longHeader struct {
	version   uint32
	dcid      []byte
	scid      []byte
	token     []byte
	pnOffset  int // offset of the (protected) packet number
	packetLen int // length of the whole packet within the datagram
}

// parseLongHeader reads the Initial header at the start of b.
func parseLongHeader(b []byte) (longHeader, error) {
	var h longHeader
	if len(b) < 7 || b[0]&0x80 == 0 {
		return h, ErrNotInitial
	}
	h.version = binary.BigEndian.Uint32(b[1:5])
	params, ok := paramsFor(h.version)
	if !ok {
		if h.version == 0 { // version negotiation
			return h, ErrNotInitial
		}
		return h, ErrUnsupportedVersion
	}
	if (b[0]>>4)&3 != params.initialType {
		return h, ErrNotInitial
	}
	off := 5
	if h.dcid, off = connID(b, off); off < 0 {
		return h, ErrMalformed
	}
	if h.scid, off = connID(b, off); off < 0 {
		return h, ErrMalformed
	}
	tokenLen, n := readVarint(b[off:])
	if n == 0 || tokenLen > uint64(len(b)-off-n) {
		return h, ErrTruncated
	}
	off += n
	h.token = b[off : off+int(tokenLen)]
	off += int(tokenLen)
	length, n := readVarint(b[off:])
	if n == 0 {
		return h, ErrTruncated
	}
	off += n
	if length > uint64(len(b)-off) {
		return h, ErrTruncated
	}
	if length < maxPNLen+sampleLen {
		return h, ErrMalformed
	}
	h.pnOffset = off
	h.packetLen = off + int(length)
	return h, nil
}

// connID reads a 1-byte length and a connection ID; off < 0 on error.
func connID(b []byte, off int) ([]byte, int) {
	if off >= len(b) {
		return nil, -1
	}
	n := int(b[off])
	off++
	if n > maxConnIDLen || off+n > len(b) {
		return nil, -1
	}
	return b[off : off+n], off + n
}

// keySource returns the openers for a connection's Initial keys.
type keySource func(version uint32, dcid []byte) (*openers, error)

func freshKeys(version uint32, dcid []byte) (*openers, error) { return newOpeners(version, dcid) }

// ParseInitials decrypts every client Initial packet coalesced in one UDP
// datagram and returns their CRYPTO frames. It stops at the first packet
// that is not an Initial or does not decrypt; the error is returned only
// when no packet could be read at all.
func ParseInitials(datagram []byte) ([]Initial, error) {
	return parseInitials(datagram, freshKeys)
}

func parseInitials(datagram []byte, keys keySource) ([]Initial, error) {
	if len(datagram) == 0 {
		return nil, ErrNotInitial
	}
	var initials []Initial
	for len(datagram) > 0 {
		in, used, err := openInitial(datagram, keys)
		if err != nil {
			if len(initials) == 0 {
				return nil, err
			}
			break
		}
		initials = append(initials, in)
		datagram = datagram[used:]
	}
	return initials, nil
}

// openInitial removes header and packet protection from the Initial packet
// at the start of b and returns it with the bytes it occupies.
func openInitial(b []byte, keys keySource) (Initial, int, error) {
	h, err := parseLongHeader(b)
	if err != nil {
		return Initial{}, 0, err
	}
	o, err := keys(h.version, h.dcid)
	if err != nil {
		return Initial{}, 0, err
	}
	packet := b[:h.packetLen]

	var mask [aes.BlockSize]byte
	o.hp.Encrypt(mask[:], packet[h.pnOffset+maxPNLen:h.pnOffset+maxPNLen+sampleLen])
	// The unprotected header is rebuilt in a small stack buffer: the
	// datagram itself is never modified.
	var hdrBuf [64]byte
	hdr := hdrBuf[:0]
	if h.pnOffset+maxPNLen > len(hdrBuf) {
		hdr = make([]byte, 0, h.pnOffset+maxPNLen)
	}
	hdr = append(hdr, packet[:h.pnOffset+maxPNLen]...)
	hdr[0] ^= mask[0] & 0x0f
	pnLen := int(hdr[0]&0x03) + 1
	var pn uint64
	for i := range pnLen {
		hdr[h.pnOffset+i] ^= mask[1+i]
		pn = pn<<8 | uint64(hdr[h.pnOffset+i])
	}
	var nonce [12]byte
	copy(nonce[:], o.iv)
	for i := range 8 {
		nonce[4+i] ^= byte(pn >> (56 - 8*i))
	}

	// One allocation holds the IDs, the token and the plaintext.
	ids := len(h.dcid) + len(h.scid) + len(h.token)
	ciphertext := packet[h.pnOffset+pnLen:]
	buf := make([]byte, 0, ids+len(ciphertext))
	buf = append(append(append(buf, h.dcid...), h.scid...), h.token...)
	plain, err := o.aead.Open(buf[ids:ids], nonce[:], ciphertext, hdr[:h.pnOffset+pnLen])
	if err != nil {
		return Initial{}, 0, ErrDecrypt
	}
	in := Initial{
		Version:      h.version,
		DCID:         buf[:len(h.dcid):len(h.dcid)],
		SCID:         buf[len(h.dcid) : len(h.dcid)+len(h.scid) : len(h.dcid)+len(h.scid)],
		Token:        buf[len(h.dcid)+len(h.scid) : ids : ids],
		PacketNumber: pn,
		Crypto:       cryptoFrames(plain),
	}
	return in, h.packetLen, nil
}
