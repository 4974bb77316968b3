package synth

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"
)

// TLS constants used by the templates.
const (
	recordHandshake    = 22
	recordCCS          = 20
	recordAppData      = 23
	hsClientHello      = 1
	hsServerHello      = 2
	hsNewSessionTicket = 4
	hsCertificate      = 11
	hsServerKeyExch    = 12
	hsServerHelloDone  = 14
	hsClientKeyExch    = 16

	extServerName      = 0x0000
	extStatusRequest   = 0x0005
	extSupportedGroups = 0x000a
	extECPointFormats  = 0x000b
	extSignatureAlgs   = 0x000d
	extALPN            = 0x0010
	extSCT             = 0x0012
	extEncryptThenMAC  = 0x0016
	extExtendedMaster  = 0x0017
	extCompressCert    = 0x001b
	extSessionTicket   = 0x0023
	extSupportedVers   = 0x002b
	extPSKModes        = 0x002d
	extKeyShare        = 0x0033
	extQUICParams      = 0x0039
	extRenegotiation   = 0xff01

	groupX25519 = 0x001d
	groupP256   = 0x0017
	groupP384   = 0x0018
)

var (
	suitesBrowser  = []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	suitesEmbedded = []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	suitesQUIC     = []uint16{0x1301, 0x1302, 0x1303}
	sigAlgsBrowser = []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}
	sigAlgsEmbed   = []uint16{0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201}
)

// greaseValue returns one of the sixteen RFC 8701 GREASE code points.
func greaseValue(r *rand.Rand) uint16 {
	v := uint16(r.IntN(16))
	return v<<12 | 0x0a00 | v<<4 | 0x0a
}

// alpnList expands a target's protocol to what a client offers.
func alpnList(alpn string) []string {
	switch alpn {
	case "":
		return nil
	case "h2":
		return []string{"h2", "http/1.1"}
	}
	return []string{alpn}
}

// helloSpec says what ClientHello to build.
type helloSpec struct {
	profile helloProfile
	sni     string
	alpn    string
	scid    []byte // QUIC: the client's source connection ID
}

// clientHello builds a ClientHello handshake message. Random fields are
// listed in spans (offsets within the message) and pre-filled from r.
func clientHello(h helloSpec, r *rand.Rand) ([]byte, []span) {
	var b builder
	var spans []span
	grease := [4]uint16{greaseValue(r), greaseValue(r), greaseValue(r), greaseValue(r)}
	withGrease := h.profile != profileEmbedded
	b.u8(hsClientHello)
	b.prefixed(3, func() {
		b.u16(0x0303)
		b.mark(&spans, 32)
		if h.profile == profileQUIC {
			b.u8(0)
		} else {
			b.u8(32)
			b.mark(&spans, 32)
		}
		suites := suitesEmbedded
		switch h.profile {
		case profileBrowser:
			suites = append([]uint16{grease[0]}, suitesBrowser...)
		case profileQUIC:
			suites = append([]uint16{grease[0]}, suitesQUIC...)
		}
		b.u16s(suites)
		b.bytes([]byte{1, 0})
		b.prefixed(2, func() { helloExtensions(&b, h, grease, withGrease, &spans) })
	})
	msg := b.b
	for _, s := range spans {
		fillRandom(r, msg[s.off:s.off+s.n])
	}
	return msg, spans
}

// helloExtensions writes the extension block for the profile.
func helloExtensions(b *builder, h helloSpec, grease [4]uint16, withGrease bool, spans *[]span) {
	ext := func(t uint16, body func()) {
		b.u16(t)
		b.prefixed(2, body)
	}
	groups := []uint16{groupX25519, groupP256, groupP384}
	versions := []uint16{0x0304, 0x0303}
	sigAlgs := sigAlgsEmbed
	if withGrease {
		groups = append([]uint16{grease[1]}, groups...)
		versions = append([]uint16{grease[2]}, versions...)
		sigAlgs = sigAlgsBrowser
		ext(grease[3], func() {})
	}
	if h.profile == profileQUIC {
		versions = versions[:len(versions)-1]
	}
	ext(extServerName, func() {
		b.prefixed(2, func() {
			b.u8(0)
			b.prefixed(2, func() { b.str(h.sni) })
		})
	})
	if h.profile != profileQUIC {
		if withGrease {
			ext(extExtendedMaster, func() {})
			ext(extRenegotiation, func() { b.u8(0) })
		}
		ext(extSupportedGroups, func() { b.u16s(groups) })
		ext(extECPointFormats, func() { b.bytes([]byte{1, 0}) })
		ext(extSessionTicket, func() {})
	} else {
		ext(extSupportedGroups, func() { b.u16s(groups) })
	}
	if protos := alpnList(h.alpn); len(protos) > 0 {
		ext(extALPN, func() {
			b.prefixed(2, func() {
				for _, p := range protos {
					b.prefixed(1, func() { b.str(p) })
				}
			})
		})
	}
	if h.profile == profileBrowser {
		ext(extStatusRequest, func() { b.bytes([]byte{1, 0, 0, 0, 0}) })
	}
	ext(extSignatureAlgs, func() { b.u16s(sigAlgs) })
	if h.profile == profileBrowser {
		ext(extSCT, func() {})
	}
	if h.profile == profileEmbedded {
		ext(extEncryptThenMAC, func() {})
		ext(extExtendedMaster, func() {})
	}
	ext(extKeyShare, func() {
		b.prefixed(2, func() {
			if withGrease {
				b.u16(grease[1])
				b.u16(1)
				b.u8(0)
			}
			b.u16(groupX25519)
			b.u16(32)
			b.mark(spans, 32)
		})
	})
	ext(extPSKModes, func() { b.bytes([]byte{1, 1}) })
	ext(extSupportedVers, func() {
		b.prefixed(1, func() { b.u16list(versions) })
	})
	if withGrease {
		ext(extCompressCert, func() { b.bytes([]byte{2, 0, 2}) })
	}
	if h.profile == profileQUIC {
		ext(extQUICParams, func() { quicTransportParams(b, h.scid) })
	}
	if withGrease {
		ext(grease[3]^0x1010, func() { b.u8(0) })
	}
}

// record wraps body in a TLS record header.
func record(b *builder, contentType byte, body func()) {
	b.u8(contentType)
	b.u16(0x0303)
	b.prefixed(2, body)
}

// withRecordOffset shifts handshake-message spans by the record header.
func withRecordOffset(spans []span, delta int32) []span {
	out := make([]span, len(spans))
	for i, s := range spans {
		out[i] = span{off: s.off + delta, n: s.n}
	}
	return out
}

// clientHelloRecord wraps a ClientHello in a handshake record.
func clientHelloRecord(h helloSpec, r *rand.Rand) blob {
	msg, spans := clientHello(h, r)
	var b builder
	record(&b, recordHandshake, func() { b.bytes(msg) })
	return blob{data: b.b, refresh: withRecordOffset(spans, 5)}
}

// serverHelloBody writes a ServerHello message. For TLS 1.2 the random
// ends with the RFC 8446 downgrade sentinel because every client here also
// offers TLS 1.3.
func serverHelloBody(b *builder, spans *[]span, tls13, quic bool, alpn string) {
	b.u8(hsServerHello)
	b.prefixed(3, func() {
		b.u16(0x0303)
		if tls13 {
			b.mark(spans, 32)
		} else {
			b.mark(spans, 24)
			b.str("DOWNGRD\x01")
		}
		if quic {
			b.u8(0)
		} else {
			b.u8(32)
			b.mark(spans, 32)
		}
		if tls13 {
			b.u16(0x1301)
		} else {
			b.u16(0xc02b)
		}
		b.u8(0)
		b.prefixed(2, func() {
			ext := func(t uint16, body func()) {
				b.u16(t)
				b.prefixed(2, body)
			}
			if tls13 {
				ext(extSupportedVers, func() { b.u16(0x0304) })
				ext(extKeyShare, func() {
					b.u16(groupX25519)
					b.u16(32)
					b.mark(spans, 32)
				})
				return
			}
			ext(extRenegotiation, func() { b.u8(0) })
			ext(extECPointFormats, func() { b.bytes([]byte{1, 0}) })
			ext(extExtendedMaster, func() {})
			if protos := alpnList(alpn); len(protos) > 0 {
				ext(extALPN, func() {
					b.prefixed(2, func() { b.prefixed(1, func() { b.str(protos[0]) }) })
				})
			}
		})
	})
}

// serverFlight12 is ServerHello, Certificate, ServerKeyExchange (x25519,
// ed25519 signature) and ServerHelloDone in one record.
func serverFlight12(cert []byte, alpn string) blob {
	var b builder
	var spans []span
	record(&b, recordHandshake, func() {
		serverHelloBody(&b, &spans, false, false, alpn)
		b.u8(hsCertificate)
		b.prefixed(3, func() {
			b.prefixed(3, func() { b.prefixed(3, func() { b.bytes(cert) }) })
		})
		b.u8(hsServerKeyExch)
		b.prefixed(3, func() {
			b.u8(3) // named_curve
			b.u16(groupX25519)
			b.u8(32)
			b.mark(&spans, 32)
			b.u16(0x0807) // ed25519
			b.u16(64)
			b.mark(&spans, 64)
		})
		b.u8(hsServerHelloDone)
		b.u24(0)
	})
	return blob{data: b.b, refresh: spans}
}

// serverFlight13 is ServerHello, a compatibility ChangeCipherSpec and the
// encrypted rest of the server's handshake.
func serverFlight13(encryptedLen int) blob {
	var b builder
	var spans []span
	record(&b, recordHandshake, func() { serverHelloBody(&b, &spans, true, false, "") })
	record(&b, recordCCS, func() { b.u8(1) })
	record(&b, recordAppData, func() { b.mark(&spans, encryptedLen) })
	return blob{data: b.b, refresh: spans}
}

// clientFinish12 is ClientKeyExchange, ChangeCipherSpec and the encrypted
// Finished.
func clientFinish12() blob {
	var b builder
	var spans []span
	record(&b, recordHandshake, func() {
		b.u8(hsClientKeyExch)
		b.prefixed(3, func() {
			b.u8(32)
			b.mark(&spans, 32)
		})
	})
	record(&b, recordCCS, func() { b.u8(1) })
	record(&b, recordHandshake, func() { b.mark(&spans, 40) })
	return blob{data: b.b, refresh: spans}
}

// serverFinish12 is NewSessionTicket, ChangeCipherSpec and Finished.
func serverFinish12() blob {
	var b builder
	var spans []span
	record(&b, recordHandshake, func() {
		b.u8(hsNewSessionTicket)
		b.prefixed(3, func() {
			b.u32(7200)
			b.u16(192)
			b.mark(&spans, 192)
		})
	})
	record(&b, recordCCS, func() { b.u8(1) })
	record(&b, recordHandshake, func() { b.mark(&spans, 40) })
	return blob{data: b.b, refresh: spans}
}

// clientFinish13 is the compatibility ChangeCipherSpec and the encrypted
// Finished.
func clientFinish13() blob {
	var b builder
	var spans []span
	record(&b, recordCCS, func() { b.u8(1) })
	record(&b, recordAppData, func() { b.mark(&spans, 53) })
	return blob{data: b.b, refresh: spans}
}

// serverTickets13 is two encrypted NewSessionTicket records.
func serverTickets13() blob {
	var b builder
	var spans []span
	for range 2 {
		record(&b, recordAppData, func() { b.mark(&spans, 250) })
	}
	return blob{data: b.b, refresh: spans}
}

// makeCertificate returns a self-signed ed25519 leaf for name, with a key
// derived from the seed so the same Options give the same DER.
func makeCertificate(seed uint64, name, org string, notBefore time.Time) ([]byte, error) {
	r := nameRand(seed, "cert:"+name)
	var keySeed [ed25519.SeedSize]byte
	fillRandom(r, keySeed[:])
	priv := ed25519.NewKeyFromSeed(keySeed[:])
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetUint64(r.Uint64() >> 1),
		Subject:               pkix.Name{Organization: []string{org}, CommonName: name},
		DNSNames:              []string{name},
		NotBefore:             notBefore.Add(-30 * 24 * time.Hour),
		NotAfter:              notBefore.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(randReader{r}, tmpl, tmpl, priv.Public(), priv)
	if err != nil {
		return nil, fmt.Errorf("synth: certificate for %q: %w", name, err)
	}
	return der, nil
}

// certOrganization is the subject O of a server's certificate: the vendor
// whose cloud it is.
func certOrganization(sni string, hostile bool) string {
	switch {
	case hostile:
		return hostileCertOrg
	case strings.Contains(sni, "amazonaws.com"):
		return "Amazon.com, Inc."
	case strings.Contains(sni, "wyze"):
		return "Wyze Labs, Inc."
	case strings.Contains(sni, "tplink"):
		return "TP-Link Systems Inc."
	case strings.Contains(sni, "tuya"):
		return "Tuya Smart Inc."
	case strings.Contains(sni, "smartthings"):
		return "SmartThings, Inc."
	case strings.Contains(sni, "amazon"):
		return "Amazon.com, Inc."
	case strings.Contains(sni, "google"):
		return "Google LLC"
	case strings.Contains(sni, "sonos"):
		return "Sonos, Inc."
	case strings.Contains(sni, "ecobee"):
		return "ecobee Inc."
	}
	return "Cloud Services Inc."
}

// randReader adapts a PCG to io.Reader for APIs that want randomness.
type randReader struct{ r *rand.Rand }

func (rr randReader) Read(p []byte) (int, error) {
	fillRandom(rr.r, p)
	return len(p), nil
}

// fillRandom fills p from r, eight bytes per call.
func fillRandom(r *rand.Rand, p []byte) {
	for len(p) >= 8 {
		v := r.Uint64()
		for i := range 8 {
			p[i] = byte(v >> (8 * i))
		}
		p = p[8:]
	}
	if len(p) > 0 {
		v := r.Uint64()
		for i := range p {
			p[i] = byte(v >> (8 * i))
		}
	}
}
