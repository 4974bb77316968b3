package tls

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// IsGREASE reports whether v is one of the reserved GREASE values (RFC 8701)
// that clients sprinkle over lists to keep servers tolerant: 0x0a0a, 0x1a1a,
// ... 0xfafa.
func IsGREASE(v uint16) bool {
	return v&0x0f0f == 0x0a0a && v>>8 == v&0xff
}

// JA3 returns the JA3 fingerprint string of ch and its MD5 in hex:
// "Version,Ciphers,Extensions,Groups,PointFormats" with decimal values joined
// by '-' and GREASE values left out.
func JA3(ch *ClientHello) (full string, hash string) {
	b := make([]byte, 0, 256)
	b = strconv.AppendUint(b, uint64(ch.Version), 10)
	b = append(b, ',')
	b = appendDecimalList(b, ch.CipherSuites)
	b = append(b, ',')
	b = appendDecimalList(b, ch.Extensions)
	b = append(b, ',')
	b = appendDecimalList(b, ch.SupportedGroups)
	b = append(b, ',')
	for i, f := range ch.ECPointFormats {
		if i > 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, uint64(f), 10)
	}
	sum := md5.Sum(b)
	return string(b), hex.EncodeToString(sum[:])
}

func appendDecimalList(b []byte, values []uint16) []byte {
	first := true
	for _, v := range values {
		if IsGREASE(v) {
			continue
		}
		if !first {
			b = append(b, '-')
		}
		first = false
		b = strconv.AppendUint(b, uint64(v), 10)
	}
	return b
}

// JA4 returns the FoxIO JA4 fingerprint of ch (ja4_a_ja4_b_ja4_c) for the
// given transport: 't' for TLS over TCP, 'q' for QUIC, 'd' for DTLS.
func JA4(ch *ClientHello, transport byte) string {
	ciphers := withoutGREASE(ch.CipherSuites)
	extensions := withoutGREASE(ch.Extensions)

	b := make([]byte, 0, 40)
	b = append(b, transport)
	b = append(b, ja4Version(ch)...)
	if slices.Contains(extensions, extServerName) {
		b = append(b, 'd')
	} else {
		b = append(b, 'i')
	}
	b = appendTwoDigits(b, len(ciphers))
	b = appendTwoDigits(b, len(extensions))
	b = appendALPNMarker(b, ch.ALPN)
	b = append(b, '_')
	b = append(b, ja4CipherHash(ciphers)...)
	b = append(b, '_')
	b = append(b, ja4ExtensionHash(extensions, ch.SignatureAlgorithms)...)
	return string(b)
}

func withoutGREASE(values []uint16) []uint16 {
	out := make([]uint16, 0, len(values))
	for _, v := range values {
		if !IsGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

// ja4Version is the highest non-GREASE supported_versions entry when that
// extension is present, else the handshake's legacy version.
func ja4Version(ch *ClientHello) string {
	version := ch.Version
	if slices.Contains(ch.Extensions, extSupportedVersions) {
		version = 0
		for _, v := range ch.SupportedVersions {
			if !IsGREASE(v) && v > version {
				version = v
			}
		}
	}
	switch version {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

func appendTwoDigits(b []byte, n int) []byte {
	n = min(n, 99)
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendALPNMarker appends the first and last characters of the first ALPN
// value, or of its hex form when either end is not an ASCII letter or digit.
func appendALPNMarker(b []byte, alpn []string) []byte {
	if len(alpn) == 0 || alpn[0] == "" {
		return append(b, '0', '0')
	}
	first, last := alpn[0][0], alpn[0][len(alpn[0])-1]
	if isASCIIAlnum(first) && isASCIIAlnum(last) {
		return append(b, first, last)
	}
	return append(b, hexDigits[first>>4], hexDigits[last&0x0f])
}

const hexDigits = "0123456789abcdef"

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func ja4CipherHash(ciphers []uint16) string {
	if len(ciphers) == 0 {
		return "000000000000"
	}
	sorted := slices.Sorted(slices.Values(ciphers))
	return truncatedSHA256(appendHexList(nil, sorted))
}

// ja4ExtensionHash hashes the sorted extensions without SNI and ALPN, then
// '_' and the signature algorithms in wire order (no '_' when there are none).
func ja4ExtensionHash(extensions, sigAlgs []uint16) string {
	kept := make([]uint16, 0, len(extensions))
	for _, e := range extensions {
		if e != extServerName && e != extALPN {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return "000000000000"
	}
	slices.Sort(kept)
	b := appendHexList(make([]byte, 0, 5*(len(kept)+len(sigAlgs))), kept)
	if sigs := withoutGREASE(sigAlgs); len(sigs) > 0 {
		b = append(b, '_')
		b = appendHexList(b, sigs)
	}
	return truncatedSHA256(b)
}

func appendHexList(b []byte, values []uint16) []byte {
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, hexDigits[v>>12], hexDigits[v>>8&0xf], hexDigits[v>>4&0xf], hexDigits[v&0xf])
	}
	return b
}

func truncatedSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
