package tls

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Certificate is the identity part of one X.509 certificate.
type Certificate struct {
	SubjectCN, SubjectOrg, SubjectCountry string
	IssuerCN, IssuerOrg                   string
	DNSNames                              []string // subjectAltName dNSName entries
	IPs                                   []netip.Addr
	NotBefore, NotAfter                   time.Time
	Serial                                string // hex of the DER INTEGER contents, as Wireshark shows it
	SHA256                                string // hex SHA-256 of the DER certificate
}

// Attribute and extension OIDs (DER contents).
var (
	oidCommonName   = []byte{0x55, 0x04, 0x03}
	oidCountry      = []byte{0x55, 0x04, 0x06}
	oidOrganization = []byte{0x55, 0x04, 0x0a}
	oidSubjectAlt   = []byte{0x55, 0x1d, 0x11}
)

// parseCertificate reads one DER certificate. The hand-written DER walk
// comes first because it is the hot path of every TLS <= 1.2 connection:
// crypto/x509 also decodes the public key and every extension, which made
// it the largest cost of the destinations pass. The walk reads the same
// fields as crypto/x509 on all 499 certificates in the fixtures
// (TestTolerantReaderMatchesX509OnEveryFixture) and also reads the ones
// x509 rejects (negative serial numbers, odd encodings); crypto/x509 is
// the fallback for a structure the walk does not follow.
func parseCertificate(der []byte) Certificate {
	sum := sha256.Sum256(der)
	var c Certificate
	if tbs, ok := readTBS(der); ok {
		c = tbs.certificate()
	} else if x, err := x509.ParseCertificate(der); err == nil {
		c = fromX509(x)
	}
	c.SHA256 = hex.EncodeToString(sum[:])
	return c
}

func fromX509(x *x509.Certificate) Certificate {
	c := Certificate{
		SubjectCN:      x.Subject.CommonName,
		SubjectOrg:     first(x.Subject.Organization),
		SubjectCountry: first(x.Subject.Country),
		IssuerCN:       x.Issuer.CommonName,
		IssuerOrg:      first(x.Issuer.Organization),
		DNSNames:       x.DNSNames,
		NotBefore:      x.NotBefore.UTC(),
		NotAfter:       x.NotAfter.UTC(),
	}
	for _, ip := range x.IPAddresses {
		if a, ok := netip.AddrFromSlice(ip); ok {
			c.IPs = append(c.IPs, a.Unmap())
		}
	}
	return c
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// tbsFields are the raw parts of a TBSCertificate the tolerant reader uses.
type tbsFields struct {
	serial     []byte
	issuer     []byte
	validity   []byte
	subject    []byte
	extensions []byte
}

// readTBS splits a certificate's TBSCertificate into its fields.
func readTBS(der []byte) (tbsFields, bool) {
	var f tbsFields
	outer := derReader{b: der}
	certBody, ok := outer.expect(derSequence)
	if !ok {
		return f, false
	}
	cert := derReader{b: certBody}
	tbsBody, ok := cert.expect(derSequence)
	if !ok {
		return f, false
	}
	tbs := derReader{b: tbsBody}
	tag, content, ok := tbs.next()
	if ok && tag == derVersionTag {
		tag, content, ok = tbs.next()
	}
	if !ok || tag != derInteger {
		return f, false
	}
	f.serial = content
	if _, ok = tbs.expect(derSequence); !ok { // signature algorithm
		return f, false
	}
	if f.issuer, ok = tbs.expect(derSequence); !ok {
		return f, false
	}
	if f.validity, ok = tbs.expect(derSequence); !ok {
		return f, false
	}
	if f.subject, ok = tbs.expect(derSequence); !ok {
		return f, false
	}
	for {
		tag, content, ok := tbs.next()
		if !ok {
			break
		}
		if tag == derExtensionsTag {
			f.extensions = content
		}
	}
	return f, true
}

// certificate decodes the names, validity and SAN entries of f.
func (f tbsFields) certificate() Certificate {
	c := Certificate{Serial: hex.EncodeToString(f.serial)}
	c.SubjectCN = nameAttribute(f.subject, oidCommonName, true)
	c.SubjectOrg = nameAttribute(f.subject, oidOrganization, false)
	c.SubjectCountry = nameAttribute(f.subject, oidCountry, false)
	c.IssuerCN = nameAttribute(f.issuer, oidCommonName, true)
	c.IssuerOrg = nameAttribute(f.issuer, oidOrganization, false)
	validity := derReader{b: f.validity}
	c.NotBefore = readTime(&validity)
	c.NotAfter = readTime(&validity)
	c.DNSNames, c.IPs = subjectAltNames(f.extensions)
	return c
}

// nameAttribute returns the value of attribute oid in an X.501 Name: the
// last occurrence when last is set (as crypto/x509 does for CommonName),
// otherwise the first.
func nameAttribute(name, oid []byte, last bool) string {
	var value string
	rdns := derReader{b: name}
	for {
		set, ok := rdns.expect(derSet)
		if !ok {
			return value
		}
		atvs := derReader{b: set}
		for {
			atv, ok := atvs.expect(derSequence)
			if !ok {
				break
			}
			r := derReader{b: atv}
			typ, ok1 := r.expect(derOID)
			tag, raw, ok2 := r.next()
			if !ok1 || !ok2 || !bytes.Equal(typ, oid) {
				continue
			}
			value = decodeDirectoryString(tag, raw)
			if !last {
				return value
			}
		}
	}
}

// decodeDirectoryString converts the ASN.1 string types found in names to
// UTF-8, replacing invalid sequences.
func decodeDirectoryString(tag byte, raw []byte) string {
	switch tag {
	case derBMPString:
		units := make([]uint16, 0, len(raw)/2)
		for i := 0; i+1 < len(raw); i += 2 {
			units = append(units, be16(raw[i:]))
		}
		return string(utf16.Decode(units))
	case derUniversalString:
		var sb strings.Builder
		for i := 0; i+3 < len(raw); i += 4 {
			r := rune(raw[i])<<24 | rune(raw[i+1])<<16 | rune(raw[i+2])<<8 | rune(raw[i+3])
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			sb.WriteRune(r)
		}
		return sb.String()
	case derT61String:
		runes := make([]rune, len(raw))
		for i, c := range raw {
			runes[i] = rune(c) // read as Latin-1, as most decoders do
		}
		return string(runes)
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// readTime reads a UTCTime or GeneralizedTime; the zero time when it cannot.
func readTime(d *derReader) time.Time {
	tag, raw, ok := d.next()
	if !ok {
		return time.Time{}
	}
	switch tag {
	case derUTCTime:
		t, err := time.Parse("0601021504Z0700", string(raw))
		if err != nil {
			t, err = time.Parse("060102150405Z0700", string(raw))
		}
		if err != nil {
			return time.Time{}
		}
		if t.Year() >= 2050 { // RFC 5280: YY >= 50 means 19YY
			t = t.AddDate(-100, 0, 0)
		}
		return t.UTC()
	case derGeneralizedTime:
		t, err := time.Parse("20060102150405Z0700", string(raw))
		if err != nil {
			return time.Time{}
		}
		return t.UTC()
	}
	return time.Time{}
}

// subjectAltNames returns the dNSName and iPAddress entries of the
// subjectAltName extension in an [3] extensions block.
func subjectAltNames(extensions []byte) (names []string, ips []netip.Addr) {
	outer := derReader{b: extensions}
	list, ok := outer.expect(derSequence)
	if !ok {
		return nil, nil
	}
	exts := derReader{b: list}
	for {
		ext, ok := exts.expect(derSequence)
		if !ok {
			return names, ips
		}
		r := derReader{b: ext}
		oid, ok := r.expect(derOID)
		if !ok || !bytes.Equal(oid, oidSubjectAlt) {
			continue
		}
		tag, value, ok := r.next()
		if ok && tag == derBoolean {
			tag, value, ok = r.next()
		}
		if ok && tag == derOctetString {
			names, ips = generalNames(value)
		}
	}
}

func generalNames(value []byte) (names []string, ips []netip.Addr) {
	outer := derReader{b: value}
	seq, ok := outer.expect(derSequence)
	if !ok {
		return nil, nil
	}
	entries := derReader{b: seq}
	for {
		tag, content, ok := entries.next()
		if !ok {
			return names, ips
		}
		switch tag {
		case derSANDNSName:
			names = append(names, strings.ToValidUTF8(string(content), "\uFFFD"))
		case derSANIPAddress:
			if a, ok := netip.AddrFromSlice(content); ok {
				ips = append(ips, a.Unmap())
			}
		}
	}
}
