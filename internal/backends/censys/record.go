package censys

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// The record layouts read, all as JSON lines:
//
//   - Universal Internet Dataset hosts (v2), what the study used:
//     host_identifier.ipv4 / ipv6 (or ip), autonomous_system.asn, services[]
//     with port, service_name, snapshot_date and tls.certificates.leaf_data
//     {names, subject_dn, issuer_dn} (plus leaf_fp_sha256 and, when the
//     export has them, validity dates).
//   - Certificate exports: parsed.names, parsed.subject_dn, parsed.issuer_dn,
//     parsed.validity.{start,end} (v1) or parsed.validity_period.{not_before,
//     not_after} (v2), names, fingerprint_sha256.
//   - The study's own interim rows (ip, asn, names joined with ';',
//     subject_dn, issuer_dn, port, service_name, snapshot_date).
//
// encoding/json is fast enough here: host records are large and few, and a
// Censys export is read at tens of MB/s, far above its download rate.

// line is the union of the three layouts.
type line struct {
	HostIdentifier *struct {
		IPv4 string `json:"ipv4"`
		IPv6 string `json:"ipv6"`
	} `json:"host_identifier"`
	AutonomousSystem *struct {
		ASN flexInt `json:"asn"`
	} `json:"autonomous_system"`
	Services []service `json:"services"`

	Parsed            *parsed    `json:"parsed"`
	Names             flexString `json:"names"`
	FingerprintSHA256 string     `json:"fingerprint_sha256"`

	// The study's flattened rows.
	IP           string  `json:"ip"`
	ASN          flexInt `json:"asn"`
	SubjectDN    string  `json:"subject_dn"`
	IssuerDN     string  `json:"issuer_dn"`
	Port         flexInt `json:"port"`
	ServiceName  string  `json:"service_name"`
	SnapshotDate string  `json:"snapshot_date"`
}

type service struct {
	Port         flexInt `json:"port"`
	ServiceName  string  `json:"service_name"`
	SnapshotDate string  `json:"snapshot_date"`
	TLS          *struct {
		Certificates *struct {
			LeafFingerprint string  `json:"leaf_fp_sha256"`
			LeafData        *parsed `json:"leaf_data"`
		} `json:"certificates"`
	} `json:"tls"`
}

// parsed is a certificate: leaf_data of a host service, or parsed of a
// certificate export.
type parsed struct {
	Names          flexString `json:"names"`
	SubjectDN      string     `json:"subject_dn"`
	IssuerDN       string     `json:"issuer_dn"`
	Fingerprint    string     `json:"fingerprint"`
	FingerprintSHA string     `json:"fingerprint_sha256"`
	Validity       *struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"validity"`
	ValidityPeriod *struct {
		NotBefore string `json:"not_before"`
		NotAfter  string `json:"not_after"`
	} `json:"validity_period"`
}

func (p *parsed) validity() (string, string) {
	switch {
	case p == nil:
		return "", ""
	case p.ValidityPeriod != nil:
		return p.ValidityPeriod.NotBefore, p.ValidityPeriod.NotAfter
	case p.Validity != nil:
		return p.Validity.Start, p.Validity.End
	}
	return "", ""
}

func (p *parsed) fingerprint() string {
	if p == nil {
		return ""
	}
	if p.FingerprintSHA != "" {
		return p.FingerprintSHA
	}
	return p.Fingerprint
}

// flexInt accepts a JSON number or a numeric string (exports differ).
type flexInt int64

func (v *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil {
			return errors.New("not a number: " + strconv.Quote(string(b)))
		}
		n = int64(f)
	}
	*v = flexInt(n)
	return nil
}

// flexString accepts an array of strings or one string of names joined
// with ';' (the study's interim files).
type flexString []string

func (v *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = nil
		for name := range strings.SplitSeq(s, ";") {
			if name = strings.TrimSpace(name); name != "" {
				*v = append(*v, name)
			}
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*v = list
	return nil
}

// parseLine decodes one line of any of the layouts into its certificates.
func parseLine(b []byte) ([]cert, error) {
	var l line
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, err
	}
	return l.certs(), nil
}

// cert is one certificate seen on a host service or in a certificate export.
type cert struct {
	ip           string
	asn          int64
	port         int64
	serviceName  string
	snapshotDate string
	names        []string // SANs and the subject CN
	subjectDN    string
	issuerDN     string
	notBefore    string
	notAfter     string
	fingerprint  string
}

// certs extracts the certificates of one decoded line.
func (l *line) certs() []cert {
	var out []cert
	ip := l.IP
	if l.HostIdentifier != nil {
		ip = firstNonEmpty(l.HostIdentifier.IPv4, l.HostIdentifier.IPv6, ip)
	}
	asn := int64(l.ASN)
	if l.AutonomousSystem != nil {
		asn = int64(l.AutonomousSystem.ASN)
	}
	for _, s := range l.Services {
		if s.TLS == nil || s.TLS.Certificates == nil || s.TLS.Certificates.LeafData == nil {
			continue
		}
		leaf := s.TLS.Certificates.LeafData
		c := fromParsed(leaf, nil)
		c.ip, c.asn, c.port, c.serviceName, c.snapshotDate = ip, asn, int64(s.Port), s.ServiceName, s.SnapshotDate
		c.fingerprint = firstNonEmpty(s.TLS.Certificates.LeafFingerprint, leaf.fingerprint())
		out = append(out, c)
	}
	switch {
	case l.Parsed != nil: // a certificate export
		c := fromParsed(l.Parsed, l.Names)
		c.fingerprint = firstNonEmpty(l.FingerprintSHA256, l.Parsed.fingerprint())
		out = append(out, c)
	case len(l.Services) == 0 && (len(l.Names) > 0 || l.SubjectDN != ""): // the study's rows
		c := cert{ip: ip, asn: asn, port: int64(l.Port), serviceName: l.ServiceName, snapshotDate: l.SnapshotDate,
			subjectDN: l.SubjectDN, issuerDN: l.IssuerDN, fingerprint: l.FingerprintSHA256}
		c.names = withCN(l.Names, l.SubjectDN)
		out = append(out, c)
	}
	return out
}

func fromParsed(p *parsed, extra []string) cert {
	c := cert{subjectDN: p.SubjectDN, issuerDN: p.IssuerDN}
	c.notBefore, c.notAfter = p.validity()
	c.names = withCN(append(append([]string(nil), p.Names...), extra...), p.SubjectDN)
	return c
}

// withCN adds the subject's common name to the names (certificate matching
// covers CN and SANs).
func withCN(names []string, subjectDN string) []string {
	if cn := commonName(subjectDN); cn != "" {
		names = append(names, cn)
	}
	return names
}

// commonName returns the CN of a distinguished name in either of Censys'
// renderings, "C=US, O=Amazon, CN=*.iot.us-east-1.amazonaws.com" or
// "CN=x,O=y".
func commonName(dn string) string {
	for part := range strings.SplitSeq(dn, ",") {
		part = strings.TrimSpace(part)
		if len(part) > 3 && strings.EqualFold(part[:3], "cn=") {
			return strings.TrimSpace(part[3:])
		}
	}
	return ""
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
