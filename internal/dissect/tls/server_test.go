package tls

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// testChain creates a CA and a leaf certificate signed by it.
func testChain(t testing.TB, leafSerial int64) (leaf, ca []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	notBefore := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(7),
		Subject:               pkix.Name{CommonName: "Test Root CA", Organization: []string{"Test Org"}, Country: []string{"BE"}},
		NotBefore:             notBefore,
		NotAfter:              time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC), // GeneralizedTime
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	ca, err = x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(ca)
	if err != nil {
		t.Fatal(err)
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(leafSerial),
		Subject:      pkix.Name{CommonName: "device.example", Organization: []string{"Device Maker"}, Country: []string{"US"}},
		DNSNames:     []string{"device.example", "*.cloud.example"},
		IPAddresses:  []net.IP{net.ParseIP("192.0.2.7"), net.ParseIP("2001:db8::1")},
		NotBefore:    notBefore,
		NotAfter:     time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC),
	}
	leaf, err = x509.CreateCertificate(rand.Reader, leafTemplate, caCert, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return leaf, ca
}

func serverHello(version, cipher uint16, extensions ...extensionSpec) []byte {
	body := u16(version)
	body = append(body, make([]byte, 32)...)
	body = append(body, 0)
	body = append(body, u16(cipher)...)
	body = append(body, 0)
	if len(extensions) > 0 {
		var exts []byte
		for _, e := range extensions {
			exts = append(exts, u16(e.typ)...)
			exts = append(exts, prefixLen(2, e.data)...)
		}
		body = append(body, prefixLen(2, exts)...)
	}
	return append([]byte{typeServerHello}, prefixLen(3, body)...)
}

func certificateMessage(certs ...[]byte) []byte {
	var list []byte
	for _, c := range certs {
		list = append(list, prefixLen(3, c)...)
	}
	return append([]byte{typeCertificate}, prefixLen(3, prefixLen(3, list))...)
}

var serverHelloDone = []byte{14, 0, 0, 0}

func TestParseServerFlightTLS12(t *testing.T) {
	leaf, ca := testChain(t, 0x7f1234)
	flight := slices.Concat(serverHello(0x0303, 0xc02f), certificateMessage(leaf, ca), serverHelloDone)
	for _, frag := range []int{1 << 14, 1000, 100} {
		info, err := ParseServerFlight(records(flight, frag))
		if err != nil {
			t.Fatalf("fragment %d: %v", frag, err)
		}
		if info.Version != 0x0303 || info.SelectedVersion != 0x0303 || info.CipherSuite != 0xc02f || len(info.Certificates) != 2 {
			t.Fatalf("fragment %d: got %+v", frag, info)
		}
		sum := sha256.Sum256(leaf)
		want := Certificate{
			SubjectCN: "device.example", SubjectOrg: "Device Maker", SubjectCountry: "US",
			IssuerCN: "Test Root CA", IssuerOrg: "Test Org",
			DNSNames:  []string{"device.example", "*.cloud.example"},
			IPs:       []netip.Addr{netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::1")},
			NotBefore: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), NotAfter: time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC),
			Serial: "7f1234", SHA256: hex.EncodeToString(sum[:]),
		}
		if !reflect.DeepEqual(info.Certificates[0], want) {
			t.Errorf("leaf = %+v\nwant %+v", info.Certificates[0], want)
		}
		if c := info.Certificates[1]; c.SubjectCN != "Test Root CA" || c.Serial != "07" || c.NotAfter.Year() != 2060 {
			t.Errorf("CA = %+v", c)
		}
	}
}

// TestTolerantReaderMatchesX509 checks that the fallback reader decodes the
// same fields as crypto/x509 for certificates both accept.
func TestTolerantReaderMatchesX509(t *testing.T) {
	leaf, ca := testChain(t, 0x01020304)
	for _, der := range [][]byte{leaf, ca} {
		assertTolerantMatches(t, der)
	}
}

func assertTolerantMatches(t *testing.T, der []byte) {
	t.Helper()
	x, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	tbs, ok := readTBS(der)
	if !ok {
		t.Fatal("readTBS failed on a valid certificate")
	}
	got, want := tbs.certificate(), fromX509(x)
	want.Serial = got.Serial
	if len(want.IPs) == 0 {
		want.IPs = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tolerant reader = %+v\nx509 = %+v", got, want)
	}
}

func TestParseServerFlightNegativeSerial(t *testing.T) {
	leaf, ca := testChain(t, 0x7f1234)
	i := bytes.Index(leaf, []byte{derInteger, 3, 0x7f, 0x12, 0x34})
	if i < 0 {
		t.Fatal("serial not found in the test certificate")
	}
	leaf[i+2] = 0xff // now a negative serial, which crypto/x509 rejects
	if _, err := x509.ParseCertificate(leaf); err == nil {
		t.Skip("crypto/x509 accepts negative serials in this configuration")
	}
	flight := slices.Concat(serverHello(0x0303, 0x009c), certificateMessage(leaf, ca))
	info, err := ParseServerFlight(records(flight, 1<<14))
	if err != nil {
		t.Fatal(err)
	}
	c := info.Certificates[0]
	if c.Serial != "ff1234" || c.SubjectCN != "device.example" || c.IssuerOrg != "Test Org" ||
		!slices.Equal(c.DNSNames, []string{"device.example", "*.cloud.example"}) || len(c.IPs) != 2 || c.NotAfter.Year() != 2025 {
		t.Errorf("fallback read %+v", c)
	}
}

func TestParseServerFlightEnds(t *testing.T) {
	leaf, ca := testChain(t, 99)
	changeCipherSpec := []byte{0x14, 0x03, 0x03, 0x00, 0x01, 0x01}
	appData := []byte{0x17, 0x03, 0x03, 0x00, 0x02, 0xaa, 0xbb}
	tls13 := serverHello(0x0303, 0x1301, extensionSpec{0x0033, make([]byte, 36)}, extensionSpec{extSupportedVersions, u16(0x0304)})
	whole := slices.Concat(records(serverHello(0x0303, 0xc02f), 1<<14), records(certificateMessage(leaf, ca), 1<<14))
	tests := []struct {
		name      string
		stream    []byte
		wantErr   error
		wantInfo  bool
		wantSel   uint16
		wantCerts int
	}{
		{"tls 1.3", slices.Concat(records(tls13, 1<<14), changeCipherSpec, appData), nil, true, 0x0304, 0},
		{"resumed session", slices.Concat(records(serverHello(0x0303, 0xc02f), 1<<14), changeCipherSpec), nil, true, 0x0303, 0},
		{"anonymous suite", records(slices.Concat(serverHello(0x0303, 0x0034), serverHelloDone), 1<<14), nil, true, 0x0303, 0},
		{"chain cut short", whole[:len(whole)-10], ErrNeedMore, true, 0x0303, 0},
		{"only server hello so far", records(serverHello(0x0303, 0xc02f), 1<<14), ErrNeedMore, true, 0x0303, 0},
		{"empty", nil, ErrNeedMore, false, 0, 0},
		{"server hello cut short", whole[:20], ErrNeedMore, false, 0, 0},
		{"second record header cut short", whole[:len(whole)-len(certificateMessage(leaf, ca))-2], ErrNeedMore, true, 0x0303, 0},
		{"client hello", records(helloSpec{version: 0x0303}.helloMessage(), 1<<14), ErrNotServerHello, false, 0, 0},
		{"alert", []byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}, ErrNotHandshake, false, 0, 0},
		{"truncated server hello body", records([]byte{typeServerHello, 0, 0, 3, 3, 3, 0}, 1<<14), ErrMalformed, false, 0, 0},
		{"whole chain", whole, nil, true, 0x0303, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ParseServerFlight(tc.stream)
			packets.CheckErr(t, "ParseServerFlight", err, tc.wantErr)
			if (info != nil) != tc.wantInfo {
				t.Fatalf("info = %+v, want present=%v", info, tc.wantInfo)
			}
			if info != nil && (info.SelectedVersion != tc.wantSel || len(info.Certificates) != tc.wantCerts) {
				t.Errorf("info = %+v", info)
			}
		})
	}
}

func TestDecodeDirectoryString(t *testing.T) {
	tests := []struct {
		tag  byte
		raw  []byte
		want string
	}{
		{derUTF8String, []byte("Zürich"), "Zürich"},
		{derPrintableString, []byte("Example Inc"), "Example Inc"},
		{derT61String, []byte{'M', 0xfc, 'n'}, "Mün"},
		{derBMPString, []byte{0x00, 'A', 0x00, 0xe9}, "Aé"},
		{derUniversalString, []byte{0, 0, 0, 'x', 0, 1, 0xf6, 0x00}, "x\U0001F600"},
		{derUTF8String, []byte{0xff, 'a'}, "\uFFFDa"},
	}
	for _, tc := range tests {
		if got := decodeDirectoryString(tc.tag, tc.raw); got != tc.want {
			t.Errorf("decodeDirectoryString(%#x, %x) = %q, want %q", tc.tag, tc.raw, got, tc.want)
		}
	}
}

func TestReadTime(t *testing.T) {
	tests := []struct {
		tag  byte
		raw  string
		want time.Time
	}{
		{derUTCTime, "491231235959Z", time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)},
		{derUTCTime, "500101000000Z", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)},
		{derUTCTime, "9912312359Z", time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC)},
		{derGeneralizedTime, "20610102030405Z", time.Date(2061, 1, 2, 3, 4, 5, 0, time.UTC)},
		{derUTCTime, "garbage", time.Time{}},
		{derInteger, "1", time.Time{}},
	}
	for _, tc := range tests {
		d := derReader{b: append([]byte{tc.tag, byte(len(tc.raw))}, tc.raw...)}
		if got := readTime(&d); !got.Equal(tc.want) {
			t.Errorf("readTime(%#x %q) = %v, want %v", tc.tag, tc.raw, got, tc.want)
		}
	}
}

func TestDERReaderRejects(t *testing.T) {
	for _, b := range [][]byte{
		{0x30},                   // no length
		{0x30, 0x80, 0x00, 0x00}, // indefinite length
		{0x30, 0x85, 1, 1, 1, 1, 1},
		{0x30, 0x82, 0x01},       // length bytes missing
		{0x30, 0x05, 0x01},       // content missing
		{0x1f, 0x01, 0x00, 0x00}, // multi-byte tag
	} {
		d := derReader{b: b}
		if _, _, ok := d.next(); ok {
			t.Errorf("derReader accepted %x", b)
		}
	}
}
