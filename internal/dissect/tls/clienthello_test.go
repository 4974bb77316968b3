package tls

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// firefoxHello is the 517-byte ClientHello (one TLS record) of the FoxIO JA4
// test capture pcap/tls12.pcap (github.com/FoxIO-LLC/ja4), a Firefox
// connection to contile.services.mozilla.com. tshark 4.0 gives its JA3 and
// FoxIO's python/test/testdata/tls12.pcap.json its JA4.
const firefoxHello = "1603010200010001fc0303ecb2691addb2bf6c599c7aaae23de5f42561cc04eb41029acc6fc050a16ac1d22046f8617b580ac9358e2aa44e306d52466bcc989c87c8ca64309f5faf50ba7b4d0022130113031302c02bc02fcca9cca8c02cc030c00ac009c013c014009c009d002f00350100019100000021001f00001c636f6e74696c652e73657276696365732e6d6f7a696c6c612e636f6d00170000ff01000100000a000e000c001d00170018001901000101000b00020100002300000010000e000c02683208687474702f312e310005000501000000000022000a000804030503060302030033006b0069001d00208909858fbeb6ed2f1248ba5b9e2978bead0e840110192c61daed0096798b184400170041044d183d91f5eed35791fa982464e3b0214aaa5f5d1b78616d9b9fbebc22d11f535b2f94c686143136aa795e6e5a875d6c08064ad5b76d44caad766e2483012748002b00050403040303000d0018001604030503060308040805080604010501060102030201002d00020101001c000240010015007a0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"

func TestParseClientHelloFirefox(t *testing.T) {
	ch, err := ParseClientHello(packets.Hex(t, firefoxHello))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"RecordVersion", ch.RecordVersion, uint16(0x0301)},
		{"Version", ch.Version, uint16(0x0303)},
		{"SessionID length", len(ch.SessionID), 32},
		{"SNI", ch.SNI, "contile.services.mozilla.com"},
		{"ALPN", ch.ALPN, []string{"h2", "http/1.1"}},
		{"CipherSuites", len(ch.CipherSuites), 17},
		{"Compression", ch.Compression, []byte{0}},
		{"Extensions", ch.Extensions, []uint16{0, 23, 65281, 10, 11, 35, 16, 5, 34, 51, 43, 13, 45, 28, 21}},
		{"SupportedVersions", ch.SupportedVersions, []uint16{0x0304, 0x0303}},
		{"SupportedGroups", ch.SupportedGroups, []uint16{29, 23, 24, 25, 256, 257}},
		{"ECPointFormats", ch.ECPointFormats, []uint8{0}},
		{"SignatureAlgorithms", len(ch.SignatureAlgorithms), 11},
		{"HasECH", ch.HasECH, false},
	}
	for _, c := range checks {
		if !equalValues(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	full, hash := JA3(ch)
	if wantFull := "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-156-157-47-53,0-23-65281-10-11-35-16-5-34-51-43-13-45-28-21,29-23-24-25-256-257,0"; full != wantFull {
		t.Errorf("JA3 full = %s\nwant %s", full, wantFull)
	}
	if hash != "579ccef312d18482fc42e2b822ca2430" {
		t.Errorf("JA3 hash = %s", hash)
	}
	if got := JA4(ch, 't'); got != "t13d1715h2_5b57614c22b0_3d5424432f57" {
		t.Errorf("JA4 = %s", got)
	}
}

func equalValues(a, b any) bool {
	switch av := a.(type) {
	case []byte:
		return bytes.Equal(av, b.([]byte))
	case []uint16:
		return slices.Equal(av, b.([]uint16))
	case []string:
		return slices.Equal(av, b.([]string))
	}
	return a == b
}

// TestFingerprintsFromPublishedExamples rebuilds ClientHellos from published
// fingerprint inputs and checks the fingerprints published with them.
func TestFingerprintsFromPublishedExamples(t *testing.T) {
	chromeCiphers := []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	chromeSigAlgs := u16List(2, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)
	tests := []struct {
		name     string
		spec     helloSpec
		wantJA3  string // full JA3 string ("" to skip)
		wantHash string
		wantJA4  string
	}{
		{
			// FoxIO technical_details/JA4.md "Example" section.
			name: "JA4 spec example",
			spec: helloSpec{version: 0x0303, ciphers: chromeCiphers, extensions: []extensionSpec{
				{0x001b, nil}, sniExtension("example.com"), {0x0033, nil}, alpnExtension("h2", "http/1.1"),
				{0x4469, nil}, {0x0017, nil}, {0x002d, nil}, {0x000d, chromeSigAlgs}, {0x0005, nil},
				{0x0023, nil}, {0x0012, nil}, {0x002b, prefixLen(1, u16(0x0304))}, {0xff01, nil},
				{0x000b, nil}, {0x000a, nil}, {0x0015, nil},
			}},
			wantJA4: "t13d1516h2_8daaf6152771_e5627efa2ab1",
		},
		{
			// browserleaks.com/tls output for Chrome 143 (ja3_text, ja3_hash,
			// ja4, ja4_ro), with GREASE values added as Chrome sends them.
			name: "Chrome 143 browserleaks",
			spec: helloSpec{version: 0x0303, ciphers: append([]uint16{0x4a4a}, chromeCiphers...), extensions: []extensionSpec{
				{0x8a8a, nil}, {0x002d, nil}, {0x0033, nil}, alpnExtension("h2", "http/1.1"), {0xfe0d, nil},
				{0x0017, nil}, {0x44cd, nil}, sniExtension("tls.browserleaks.com"), {0x000b, []byte{1, 0}},
				{0x000a, u16List(2, 0x5a5a, 4588, 29, 23, 24)}, {0x002b, prefixLen(1, append(u16(0x3a3a), u16(0x0304)...))},
				{0xff01, nil}, {0x0023, nil}, {0x0012, nil}, {0x0005, nil}, {0x000d, chromeSigAlgs}, {0x001b, nil}, {0x1a1a, nil},
			}},
			wantJA3:  "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0",
			wantHash: "98487aa16281980e7d1120d399efb6a4",
			wantJA4:  "t13d1516h2_8daaf6152771_d8a2da3f94cd",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := ParseClientHello(records(tc.spec.helloMessage(), 1<<14))
			if err != nil {
				t.Fatal(err)
			}
			if got := JA4(ch, 't'); got != tc.wantJA4 {
				t.Errorf("JA4 = %s, want %s", got, tc.wantJA4)
			}
			if tc.wantJA3 == "" {
				return
			}
			full, hash := JA3(ch)
			if full != tc.wantJA3 || hash != tc.wantHash {
				t.Errorf("JA3 = %s %s\nwant %s %s", full, hash, tc.wantJA3, tc.wantHash)
			}
		})
	}
}

func TestJA4Parts(t *testing.T) {
	base := func() *ClientHello {
		return &ClientHello{Version: 0x0303, CipherSuites: []uint16{0x1301}, Extensions: []uint16{0x000a}}
	}
	tests := []struct {
		name   string
		modify func(*ClientHello)
		proto  byte
		want   string // ja4_a
	}{
		{"no sni no alpn", func(*ClientHello) {}, 't', "t12i010100"},
		{"quic", func(*ClientHello) {}, 'q', "q12i010100"},
		{"sni extension", func(ch *ClientHello) { ch.Extensions = append(ch.Extensions, 0) }, 't', "t12d010200"},
		{"supported_versions wins, GREASE ignored", func(ch *ClientHello) {
			ch.Extensions = append(ch.Extensions, 43)
			ch.SupportedVersions = []uint16{0x0a0a, 0x0304, 0x0303}
		}, 't', "t13i010200"},
		{"ssl3", func(ch *ClientHello) { ch.Version = 0x0300 }, 't', "ts3i010100"},
		{"unknown version", func(ch *ClientHello) { ch.Version = 0x1234 }, 't', "t00i010100"},
		{"dtls 1.2", func(ch *ClientHello) { ch.Version = 0xfefd }, 'd', "dd2i010100"},
		{"counts cap at 99", func(ch *ClientHello) { ch.CipherSuites = make([]uint16, 150) }, 't', "t12i990100"},
		{"empty first alpn", func(ch *ClientHello) { ch.ALPN = []string{""} }, 't', "t12i010100"},
		{"single char alpn", func(ch *ClientHello) { ch.ALPN = []string{"x"} }, 't', "t12i0101xx"},
		{"http/1.1", func(ch *ClientHello) { ch.ALPN = []string{"http/1.1", "h2"} }, 't', "t12i0101h1"},
		// The spec's examples for ALPN values that are not ASCII alphanumeric.
		{"alpn 0xAB", func(ch *ClientHello) { ch.ALPN = []string{"\xab"} }, 't', "t12i0101ab"},
		{"alpn 0x20", func(ch *ClientHello) { ch.ALPN = []string{"\x20"} }, 't', "t12i010120"},
		{"alpn 0xAB 0xCD", func(ch *ClientHello) { ch.ALPN = []string{"\xab\xcd"} }, 't', "t12i0101ad"},
		{"alpn 0x20 0x61", func(ch *ClientHello) { ch.ALPN = []string{"\x20\x61"} }, 't', "t12i010121"},
		{"alpn 0x30 0xAB", func(ch *ClientHello) { ch.ALPN = []string{"\x30\xab"} }, 't', "t12i01013b"},
		{"alpn 0x61 0x20", func(ch *ClientHello) { ch.ALPN = []string{"\x61\x20"} }, 't', "t12i010160"},
		{"alpn 0x30 0x31 0xAB 0xCD", func(ch *ClientHello) { ch.ALPN = []string{"\x30\x31\xab\xcd"} }, 't', "t12i01013d"},
		{"alpn 0x30 0xAB 0xCD 0x31", func(ch *ClientHello) { ch.ALPN = []string{"\x30\xab\xcd\x31"} }, 't', "t12i010101"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := base()
			tc.modify(ch)
			got := JA4(ch, tc.proto)
			if got[:10] != tc.want {
				t.Errorf("ja4_a = %s, want %s (full %s)", got[:10], tc.want, got)
			}
		})
	}
}

func TestJA4EmptyLists(t *testing.T) {
	ch := &ClientHello{Version: 0x0303, Extensions: []uint16{0, 16}}
	if got, want := JA4(ch, 't'), "t12d000200_000000000000_000000000000"; got != want {
		t.Errorf("JA4 = %s, want %s", got, want)
	}
	// Without signature algorithms the hash covers the extension list only:
	// the spec's value for its example list.
	ch.Extensions = []uint16{0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015}
	if got := JA4(ch, 't'); got[len(got)-12:] != "6d807ffa2a79" {
		t.Errorf("JA4 = %s, want ja4_c 6d807ffa2a79", got)
	}
}

func TestIsGREASE(t *testing.T) {
	for v := 0; v <= 0xffff; v++ {
		want := v&0x0f0f == 0x0a0a && v>>8 == v&0xff
		if IsGREASE(uint16(v)) != want {
			t.Fatalf("IsGREASE(%#04x) = %v", v, !want)
		}
	}
	for _, v := range []uint16{0x0a0a, 0x1a1a, 0x7a7a, 0xfafa} {
		if !IsGREASE(v) {
			t.Errorf("IsGREASE(%#04x) = false", v)
		}
	}
}

func TestParseClientHelloAcrossRecords(t *testing.T) {
	spec := helloSpec{version: 0x0303, ciphers: []uint16{0x1301, 0xc02b}, extensions: []extensionSpec{
		sniExtension("split.example"), alpnExtension("h2"), {extECH, []byte{0, 1, 2}},
	}}
	msg := spec.helloMessage()
	for _, frag := range []int{1, 3, 7, 50, len(msg)} {
		ch, err := ParseClientHello(records(msg, frag))
		if err != nil {
			t.Fatalf("fragment %d: %v", frag, err)
		}
		if ch.SNI != "split.example" || !ch.HasECH || !slices.Equal(ch.ALPN, []string{"h2"}) {
			t.Errorf("fragment %d: got %+v", frag, ch)
		}
	}
}

func TestParseClientHelloNeedMore(t *testing.T) {
	spec := helloSpec{version: 0x0303, ciphers: []uint16{0x1301}, extensions: []extensionSpec{sniExtension("a.example")}}
	for _, frag := range []int{5, 1 << 14} {
		stream := records(spec.helloMessage(), frag)
		for n := 0; n < len(stream); n++ {
			_, err := ParseClientHello(stream[:n])
			if !errors.Is(err, ErrNeedMore) {
				t.Fatalf("fragment %d, prefix %d: err = %v, want ErrNeedMore", frag, n, err)
			}
			if need := NeededBytes(err); need <= n || need > len(stream) {
				t.Fatalf("fragment %d, prefix %d: need %d, stream is %d", frag, n, need, len(stream))
			}
		}
	}
	if _, err := ParseClientHelloMessage(spec.helloMessage()[:10]); !errors.Is(err, ErrNeedMore) {
		t.Errorf("short message: err = %v", err)
	}
}

func TestParseClientHelloRejects(t *testing.T) {
	good := helloSpec{version: 0x0303, ciphers: []uint16{0x1301}}.helloMessage()
	oddCiphers := append([]byte(nil), good...)
	oddCiphers[4+2+32+1+4+1] = 3 // cipher_suites length 3
	badExtBlock := append(append([]byte(nil), good[:len(good)-2]...), 0x00, 0x09)
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"application data", []byte{0x17, 0x03, 0x03, 0x00, 0x10}, ErrNotHandshake},
		{"http", []byte("GET / HTTP/1.1\r\n"), ErrNotHandshake},
		{"bad major version", []byte{0x16, 0x09}, ErrNotHandshake},
		{"bad minor version", []byte{0x16, 0x03, 0x09}, ErrNotHandshake},
		{"oversized record", []byte{0x16, 0x03, 0x01, 0xff, 0xff}, ErrNotHandshake},
		{"server hello", records([]byte{typeServerHello, 0, 0, 0}, 100), ErrNotClientHello},
		{"sslv2 hello", []byte{0x80, 0x2e, 0x01, 0x03, 0x01}, ErrSSLv2},
		{"odd cipher list", records(oddCiphers, 1<<14), ErrMalformed},
		{"extension block overruns", records(badExtBlock, 1<<14), ErrMalformed},
		{"record type changes mid-message", append(records(good[:10], 100), 0x14, 0x03, 0x03, 0x00, 0x01, 0x01), ErrMalformed},
		{"huge handshake length", records([]byte{typeClientHello, 0xff, 0xff, 0xff}, 100), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := ParseClientHello(tc.stream)
			if !errors.Is(err, tc.want) || ch != nil {
				t.Errorf("got (%v, %v), want error %v", ch, err, tc.want)
			}
		})
	}
}

func TestParseClientHelloTolerantExtensions(t *testing.T) {
	spec := helloSpec{version: 0x0303, ciphers: []uint16{0x1301}, extensions: []extensionSpec{
		{extServerName, []byte{0x00, 0x09, 0x00}},     // list length overruns
		{extALPN, []byte{0x00, 0x03, 0x05, 'h', '2'}}, // entry overruns
		{extSupportedVersions, []byte{0x07, 0x03}},    // wrong vector length
		sniExtension("second.example"),                // repeated: the first wins
	}}
	ch, err := ParseClientHello(records(spec.helloMessage(), 1<<14))
	if err != nil {
		t.Fatal(err)
	}
	if ch.SNI != "" || len(ch.ALPN) != 0 || len(ch.SupportedVersions) != 0 || len(ch.Extensions) != 4 {
		t.Errorf("got %+v", ch)
	}
}

func TestParseClientHelloNoExtensions(t *testing.T) {
	msg := helloSpec{version: 0x0301, ciphers: []uint16{0x0035}}.helloMessage()
	msg = msg[:len(msg)-2] // drop the empty extension block entirely
	msg[3] -= 2
	ch, err := ParseClientHelloMessage(msg)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Extensions != nil || ch.Version != 0x0301 || ch.RecordVersion != 0 {
		t.Errorf("got %+v", ch)
	}
	if full, _ := JA3(ch); full != "769,53,,," {
		t.Errorf("JA3 = %q", full)
	}
}

func TestParseClientHelloRejectAllocatesNothing(t *testing.T) {
	payload := []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n")
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseClientHello(payload); err == nil {
			t.Fatal("parsed HTTP as TLS")
		}
	})
	if allocs != 0 {
		t.Errorf("rejecting a non-TLS payload allocates %v times", allocs)
	}
}

func BenchmarkParseClientHello(b *testing.B) {
	stream := packets.Hex(b, firefoxHello)
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		if _, err := ParseClientHello(stream); err != nil {
			b.Fatal(err)
		}
	}
}

// chromeQUICHello is the ClientHello message that Chrome carried in the
// CRYPTO frames of the QUIC Initial of the FoxIO JA4 test capture
// pcap/quic-tls-handshake.pcapng (www.google.com), decrypted and joined;
// rust/ja4/src/snapshots/ja4__insta@quic-tls-handshake.pcapng.snap gives
// its JA4.
const chromeQUICHello = "010001250303383d3bcc378f2dad654f7b937409876967b41befe42ba1acdebb8b9445787b84000006130113021303010000f6002d00020101001b0003020002446900050003026833000d00140012040308040401050308050501080606010201002b000302030400000013001100000e7777772e676f6f676c652e636f6d000a00080006001d0017001800390067040480f000000f00060480600000030245c0050480600000712702502480ff73db0c00000001aada0a7a00000001080240647128045256434d07048060000020048001000009024067d71be2ff92c99efc060efac8e782f2800047520400000001010480007530001000050003026833003300260024001d00201dab42d2c5adfce8c137239e8de6b042bbd706b97af5dc7331dae4b80d1c5937"

func TestJA4QUIC(t *testing.T) {
	ch, err := ParseClientHelloMessage(packets.Hex(t, chromeQUICHello))
	if err != nil {
		t.Fatal(err)
	}
	if ch.SNI != "www.google.com" || !slices.Equal(ch.ALPN, []string{"h3"}) {
		t.Errorf("SNI %q ALPN %q", ch.SNI, ch.ALPN)
	}
	if got := JA4(ch, 'q'); got != "q13d0310h3_55b375c5d22e_cd85d2d88918" {
		t.Errorf("JA4 = %s", got)
	}
}
