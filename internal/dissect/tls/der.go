package tls

// derReader walks DER-encoded ASN.1 TLVs. It accepts only what certificates
// use (single-byte tags, definite lengths up to 4 bytes) and reports anything
// else as the end of the input rather than failing loudly.
type derReader struct {
	b []byte
}

// next returns the tag and contents of the next element.
func (d *derReader) next() (tag byte, content []byte, ok bool) {
	if len(d.b) < 2 || d.b[0]&0x1f == 0x1f {
		return 0, nil, false
	}
	tag = d.b[0]
	n, hdr := int(d.b[1]), 2
	if n&0x80 != 0 {
		size := n & 0x7f
		if size == 0 || size > 4 || len(d.b) < 2+size {
			return 0, nil, false
		}
		n = 0
		for _, c := range d.b[2 : 2+size] {
			n = n<<8 | int(c)
		}
		hdr += size
	}
	if n < 0 || len(d.b)-hdr < n {
		return 0, nil, false
	}
	content = d.b[hdr : hdr+n]
	d.b = d.b[hdr+n:]
	return tag, content, true
}

// expect returns the contents of the next element if it has the given tag.
func (d *derReader) expect(tag byte) ([]byte, bool) {
	t, content, ok := d.next()
	if !ok || t != tag {
		return nil, false
	}
	return content, true
}

// ASN.1 tags used in certificates.
const (
	derBoolean         = 0x01
	derInteger         = 0x02
	derOctetString     = 0x04
	derOID             = 0x06
	derUTF8String      = 0x0c
	derPrintableString = 0x13
	derT61String       = 0x14
	derIA5String       = 0x16
	derUTCTime         = 0x17
	derGeneralizedTime = 0x18
	derUniversalString = 0x1c
	derBMPString       = 0x1e
	derSequence        = 0x30
	derSet             = 0x31
	derVersionTag      = 0xa0 // [0] EXPLICIT version
	derExtensionsTag   = 0xa3 // [3] EXPLICIT extensions
	derSANDNSName      = 0x82 // [2] IMPLICIT IA5String
	derSANIPAddress    = 0x87 // [7] IMPLICIT OCTET STRING
)
