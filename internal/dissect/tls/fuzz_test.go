package tls

import (
	"errors"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

func FuzzClientHello(f *testing.F) {
	f.Add(packets.Hex(f, firefoxHello))
	spec := helloSpec{version: 0x0303, ciphers: []uint16{0x0a0a, 0x1301}, extensions: []extensionSpec{
		sniExtension("fuzz.example"), alpnExtension("h2", "\xab"), {extECH, nil},
		{extSupportedVersions, prefixLen(1, u16(0x0304))}, {extSupportedGroups, u16List(2, 29)},
		{extSignatureAlgorithms, u16List(2, 0x0403)}, {extECPointFormats, []byte{1, 0}},
	}}
	f.Add(records(spec.helloMessage(), 17))
	f.Add(spec.helloMessage())
	f.Add([]byte{0x80, 0x2e, 0x01, 0x03, 0x01})
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, stream []byte) {
		ch, err := ParseClientHello(stream)
		checkNeedMore(t, stream, err)
		if err == nil {
			JA3(ch)
			if ja4 := JA4(ch, 't'); len(ja4) != 36 {
				t.Fatalf("JA4 %q is not 36 characters", ja4)
			}
		}
		// The same bytes as a bare handshake message (QUIC's view).
		if ch, err := ParseClientHelloMessage(stream); err == nil {
			JA4(ch, 'q')
		}
	})
}

func FuzzServerFlight(f *testing.F) {
	leaf, ca := testChain(f, 0x7f1234)
	f.Add(slices.Concat(records(serverHello(0x0303, 0xc02f), 1<<14), records(certificateMessage(leaf, ca), 300)))
	f.Add(records(serverHello(0x0303, 0x1301, extensionSpec{extSupportedVersions, u16(0x0304)}), 1<<14))
	f.Add(slices.Concat(records(serverHello(0x0303, 0xc02f), 1<<14), []byte{0x14, 0x03, 0x03, 0x00, 0x01, 0x01}))
	f.Fuzz(func(t *testing.T, stream []byte) {
		info, err := ParseServerFlight(stream)
		checkNeedMore(t, stream, err)
		if err == nil && info == nil {
			t.Fatal("nil ServerInfo without an error")
		}
	})
}

// checkNeedMore verifies the ErrNeedMore contract: the length asked for is
// unknown (0) or longer than what the parser was given.
func checkNeedMore(t *testing.T, stream []byte, err error) {
	t.Helper()
	if errors.Is(err, ErrNeedMore) {
		if need := NeededBytes(err); need != 0 && need <= len(stream) {
			t.Fatalf("need %d bytes but already have %d", need, len(stream))
		}
	}
}
