package decode

import (
	"errors"
	"fmt"
)

const hexDigits = "0123456789abcdef"

// String formats m as six lower-case hex pairs separated by colons. The only
// allocation is the returned string itself.
func (m MAC) String() string {
	var buf [17]byte
	for i, b := range m {
		pos := i * 3
		if i > 0 {
			buf[pos-1] = ':'
		}
		buf[pos] = hexDigits[b>>4]
		buf[pos+1] = hexDigits[b&0x0f]
	}
	return string(buf[:])
}

// IsGroup reports whether the I/G bit is set: a multicast or broadcast address.
func (m MAC) IsGroup() bool { return m[0]&0x01 != 0 }

// IsLocallyAdministered reports whether the U/L bit is set. Phones with MAC
// randomisation and many virtual interfaces use such addresses, so their OUI
// names no vendor.
func (m MAC) IsLocallyAdministered() bool { return m[0]&0x02 != 0 }

var errMACSyntax = errors.New("want aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff")

// ParseMAC parses a MAC address written as aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF,
// aabb.ccdd.eeff (Cisco) or aabbccddeeff, in either case.
func ParseMAC(s string) (MAC, error) {
	var m MAC
	var ok bool
	switch len(s) {
	case 17:
		sep := s[2]
		ok = (sep == ':' || sep == '-') && parseMACGroups(&m, s, 2, sep)
	case 14:
		ok = parseMACGroups(&m, s, 4, '.')
	case 12:
		ok = parseHexInto(m[:], s)
	}
	if !ok {
		return MAC{}, fmt.Errorf("parse MAC %q: %w", s, errMACSyntax)
	}
	return m, nil
}

// parseMACGroups parses hex groups of groupLen digits separated by sep.
func parseMACGroups(m *MAC, s string, groupLen int, sep byte) bool {
	var digits [12]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if (i+1)%(groupLen+1) == 0 {
			if s[i] != sep {
				return false
			}
			continue
		}
		digits[n] = s[i]
		n++
	}
	return n == 12 && parseHexInto(m[:], string(digits[:]))
}

// parseHexInto decodes len(dst)*2 hex digits from s into dst.
func parseHexInto(dst []byte, s string) bool {
	if len(s) != len(dst)*2 {
		return false
	}
	for i := range dst {
		hi, ok1 := hexValue(s[2*i])
		lo, ok2 := hexValue(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
