package quic

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
)

// QUIC versions whose Initial packets can be decrypted.
const (
	Version1       uint32 = 0x00000001
	Version2       uint32 = 0x6b3343cf // RFC 9369
	VersionDraft29 uint32 = 0xff00001d
)

// ErrUnsupportedVersion is returned for a QUIC version without known
// Initial salt.
var ErrUnsupportedVersion = errors.New("quic: unsupported version")

var (
	saltV1      = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	saltV2      = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
	saltDraft29 = []byte{0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99}
)

// versionParams are the per-version constants of Initial protection.
type versionParams struct {
	salt                       []byte
	keyLabel, ivLabel, hpLabel string
	initialType                byte // long-header packet type bits of an Initial
}

func paramsFor(version uint32) (versionParams, bool) {
	switch version {
	case Version1:
		return versionParams{saltV1, "quic key", "quic iv", "quic hp", 0}, true
	case VersionDraft29:
		return versionParams{saltDraft29, "quic key", "quic iv", "quic hp", 0}, true
	case Version2:
		return versionParams{saltV2, "quicv2 key", "quicv2 iv", "quicv2 hp", 1}, true
	}
	return versionParams{}, false
}

// InitialKeys derives the Initial packet protection keys of one side of a
// connection (RFC 9001 §5.2, RFC 9369 §3.3): the AES-128-GCM key, the IV and
// the header protection key. dcid is the Destination Connection ID of the
// client's first Initial packet.
func InitialKeys(version uint32, dcid []byte, server bool) (key, iv, hp []byte, err error) {
	params, ok := paramsFor(version)
	if !ok {
		return nil, nil, nil, ErrUnsupportedVersion
	}
	initialSecret, err := hkdf.Extract(sha256.New, dcid, params.salt)
	if err != nil {
		return nil, nil, nil, err
	}
	label := "client in"
	if server {
		label = "server in"
	}
	secret, err := expandLabel(initialSecret, label, sha256.Size)
	if err != nil {
		return nil, nil, nil, err
	}
	if key, err = expandLabel(secret, params.keyLabel, 16); err != nil {
		return nil, nil, nil, err
	}
	if iv, err = expandLabel(secret, params.ivLabel, 12); err != nil {
		return nil, nil, nil, err
	}
	if hp, err = expandLabel(secret, params.hpLabel, 16); err != nil {
		return nil, nil, nil, err
	}
	return key, iv, hp, nil
}

// expandLabel is TLS 1.3's HKDF-Expand-Label with an empty context.
func expandLabel(secret []byte, label string, length int) ([]byte, error) {
	const prefix = "tls13 "
	info := make([]byte, 0, 4+len(prefix)+len(label))
	info = append(info, byte(length>>8), byte(length), byte(len(prefix)+len(label)))
	info = append(info, prefix...)
	info = append(info, label...)
	info = append(info, 0) // empty context
	return hkdf.Expand(sha256.New, secret, string(info), length)
}

// openers hold the ready-to-use ciphers of one side's Initial keys.
type openers struct {
	aead cipher.AEAD
	hp   cipher.Block
	iv   []byte
}

func newOpeners(version uint32, dcid []byte) (*openers, error) {
	aead, hp, iv, err := InitialCiphers(version, dcid, false)
	if err != nil {
		return nil, err
	}
	return &openers{aead: aead, hp: hp, iv: iv}, nil
}

// InitialCiphers returns ready-to-use Initial packet protection for one side:
// the AEAD (AES-128-GCM), the header-protection block cipher and the IV. The
// parser opens client Initials with it; the synthetic generator seals them.
func InitialCiphers(version uint32, dcid []byte, server bool) (aead cipher.AEAD, hp cipher.Block, iv []byte, err error) {
	key, iv, hpKey, err := InitialKeys(version, dcid, server)
	if err != nil {
		return nil, nil, nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, nil, err
	}
	if aead, err = cipher.NewGCM(block); err != nil {
		return nil, nil, nil, err
	}
	if hp, err = aes.NewCipher(hpKey); err != nil {
		return nil, nil, nil, err
	}
	return aead, hp, iv, nil
}
