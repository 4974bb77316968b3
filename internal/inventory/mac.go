package inventory

import (
	"fmt"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
)

// parseMAC accepts what decode.ParseMAC accepts plus single-digit octets
// ("0:17:88:24:76:ff", as some tools print them), and explains what is
// wrong with anything else.
func parseMAC(s string) (decode.MAC, error) {
	if m, err := decode.ParseMAC(s); err == nil {
		return m, nil
	}
	sep := macSeparator(s)
	if sep == 0 || sep == '.' {
		return decode.MAC{}, fmt.Errorf("%q is not a MAC address (want aa:bb:cc:dd:ee:ff)", s)
	}
	octets := strings.Split(s, string(sep))
	if len(octets) != 6 {
		return decode.MAC{}, fmt.Errorf("MAC %q has %d octets, want 6", s, len(octets))
	}
	var m decode.MAC
	for i, o := range octets {
		v, ok := hexOctet(o)
		if !ok {
			return decode.MAC{}, fmt.Errorf("MAC %q: octet %q is not one or two hex digits", s, o)
		}
		m[i] = v
	}
	return m, nil
}

func macSeparator(s string) byte {
	for _, sep := range []byte{':', '-', '.'} {
		if strings.IndexByte(s, sep) >= 0 {
			return sep
		}
	}
	return 0
}

func hexOctet(s string) (byte, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	var v byte
	for i := 0; i < len(s); i++ {
		d, ok := hexDigit(s[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | d
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// looksLikeMAC reports whether s was probably meant as a MAC address: hex
// digits and separators only, with a separator or exactly 12 digits. It
// picks the MAC token of a line whose MAC is malformed, so the error can
// say what is wrong with it.
func looksLikeMAC(s string) bool {
	digits, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':' || c == '-' || c == '.':
			seps++
		default:
			if _, ok := hexDigit(c); !ok {
				return false
			}
			digits++
		}
	}
	return digits >= 2 && (seps > 0 || digits == 12)
}

// mightBeMAC is looser than looksLikeMAC: letters and digits in groups
// split by at least two colons or four hyphens ("aa:bb:cc:dd:ee:gg").
func mightBeMAC(s string) bool {
	colons, hyphens := strings.Count(s, ":"), strings.Count(s, "-")
	if colons < 2 && hyphens < 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == ':' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
