package dns

import (
	"unicode"
	"unicode/utf8"
)

// Placeholder names, spelled as tshark 4.0 spells them.
const (
	RootName    = "<Root>"
	NameTooLong = "<Name too long>"
	NameLoops   = "<Name contains a pointer that loops>"
)

// asciiEscapes maps the control bytes that tshark shows with a C escape.
var asciiEscapes = [...]byte{7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r'}

const hexDigits = "0123456789ABCDEF"

// isPlainASCII reports whether b needs no escaping at all (the common case).
func isPlainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// AppendText appends raw to dst the way tshark 4.0 displays a DNS name (see
// the package documentation for the exact rules) and returns the result.
func AppendText(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			dst = appendASCII(dst, c)
			i++
			continue
		}
		r, n := decodeLenient(raw[i:])
		dst = appendRune(dst, r)
		i += n
	}
	return dst
}

// Text returns raw escaped like AppendText, as a string.
func Text(raw []byte) string {
	if isPlainASCII(raw) {
		return string(raw)
	}
	return string(AppendText(make([]byte, 0, len(raw)+8), raw))
}

func appendASCII(dst []byte, c byte) []byte {
	switch {
	case c >= 0x20 && c <= 0x7e:
		return append(dst, c)
	case int(c) < len(asciiEscapes) && asciiEscapes[c] != 0:
		return append(dst, '\\', asciiEscapes[c])
	default:
		return append(dst, '\\', '0'+(c>>6), '0'+((c>>3)&7), '0'+(c&7))
	}
}

func appendRune(dst []byte, r rune) []byte {
	if isPrintable(r) {
		return utf8.AppendRune(dst, r)
	}
	if r <= 0xffff {
		return appendHex(append(dst, '\\', 'u'), uint32(r), 4)
	}
	return appendHex(append(dst, '\\', 'U'), uint32(r), 8)
}

func appendHex(dst []byte, v uint32, digits int) []byte {
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[(v>>uint(shift))&0xf])
	}
	return dst
}

// isPrintable mirrors GLib's g_unichar_isprint, which tshark uses: every
// assigned character except controls (Cc), format characters (Cf) and
// surrogates. Unlike unicode.IsPrint it accepts all spaces and private use.
func isPrintable(r rune) bool {
	if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
		return false
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Co)
}

// decodeLenient decodes one UTF-8 sequence starting with a byte >= 0x80 the
// way tshark 4.0 does: overlong forms and the old 5- and 6-byte forms are
// decoded, surrogates and values above U+10FFFF become U+FFFD, and a
// sequence cut short by a non-continuation byte becomes one U+FFFD that
// swallows the continuation bytes seen so far.
func decodeLenient(b []byte) (rune, int) {
	c := b[0]
	var need int
	var r rune
	switch {
	case c < 0xc0:
		return utf8.RuneError, 1
	case c < 0xe0:
		need, r = 1, rune(c&0x1f)
	case c < 0xf0:
		need, r = 2, rune(c&0x0f)
	case c < 0xf8:
		need, r = 3, rune(c&0x07)
	case c < 0xfc:
		need, r = 4, rune(c&0x03)
	case c < 0xfe:
		need, r = 5, rune(c&0x01)
	default:
		return utf8.RuneError, 1
	}
	n := 1
	for ; n <= need; n++ {
		if n >= len(b) || b[n]&0xc0 != 0x80 {
			return utf8.RuneError, n
		}
		r = r<<6 | rune(b[n]&0x3f)
	}
	if r > unicode.MaxRune || (r >= 0xd800 && r <= 0xdfff) {
		return utf8.RuneError, n
	}
	return r, n
}
