package dhcp

import (
	"bytes"

	"github.com/iotlens/iotlens/internal/dissect/dns"
)

// text renders an option string: trailing NULs dropped, then escaped like
// a DNS name so that hostile bytes cannot reach terminals or reports raw.
func text(b []byte) string {
	return dns.Text(bytes.TrimRight(b, "\x00"))
}

// wireName decodes an uncompressed DNS name (RFC 1035 labels), as the FQDN
// options carry it. A partial name (RFC 4702 section 2.3.1: no terminating
// zero label) ends with the data; compression is not allowed there, so a
// pointer or extended label type ends the name with ok false.
func wireName(b []byte) (name string, ok bool) {
	var raw []byte
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 {
			break
		}
		if n > 63 || 1+n > len(b) {
			return dns.Text(raw), false
		}
		if len(raw) > 0 {
			raw = append(raw, '.')
		}
		raw = append(raw, b[1:1+n]...)
		b = b[1+n:]
	}
	return dns.Text(raw), true
}
