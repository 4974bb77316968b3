package quic

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// rfcClientHello is the CRYPTO frame payload of the client Initial in RFC
// 9001 Appendix A.2 and RFC 9369 Appendix A.2 (SNI example.com).
const rfcClientHello = "010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d0017001800100007000504616c706e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b0003020304000d0010000e0403050306030203080408050806002d00020101001c00024001003900320408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff"

// TestRFCClientInitial rebuilds the 1200-byte client Initial of the RFC
// appendices, compares its protected header, first sample and AEAD tag
// with the published bytes, and parses it back.
func TestRFCClientInitial(t *testing.T) {
	tests := []struct {
		name            string
		version         uint32
		protectedPrefix string // protected header and first ciphertext bytes
		tag             string // last 16 bytes of the packet
	}{
		{"RFC 9001 A.2", Version1, "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11", "e221af44860018ab0856972e194cd934"},
		{"RFC 9369 A.2", Version2, "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485", "a18b2faa745b6fe189cf772a9f84cbfc"},
	}
	hello := packets.Hex(t, rfcClientHello)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			packet := protectInitial(t, initialSpec{
				version: tc.version, dcid: packets.Hex(t, "8394c8f03e515708"), pn: 2, pnLen: 4,
				payload: padTo(cryptoFrameBytes(0, hello), 1162),
			})
			if len(packet) != 1200 {
				t.Fatalf("packet is %d bytes, want 1200", len(packet))
			}
			if got := hex.EncodeToString(packet[:32]); got != tc.protectedPrefix {
				t.Errorf("protected prefix = %s, want %s", got, tc.protectedPrefix)
			}
			if got := hex.EncodeToString(packet[len(packet)-16:]); got != tc.tag {
				t.Errorf("tag = %s, want %s", got, tc.tag)
			}
			original := bytes.Clone(packet)
			initials, err := ParseInitials(packet)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(packet, original) {
				t.Error("ParseInitials modified the datagram")
			}
			if len(initials) != 1 || initials[0].PacketNumber != 2 || initials[0].Version != tc.version || len(initials[0].Crypto) != 1 {
				t.Fatalf("initials = %+v", initials)
			}
			ch, err := tls.ParseClientHelloMessage(initials[0].Crypto[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if ch.SNI != "example.com" || !slices.Equal(ch.ALPN, []string{"alpn"}) {
				t.Errorf("SNI %q ALPN %q", ch.SNI, ch.ALPN)
			}
		})
	}
}

// TestRoundTripCoalesced protects two Initials with every frame type an
// Initial may carry, coalesces them with a trailing short-header packet and
// parses them back.
func TestRoundTripCoalesced(t *testing.T) {
	hello := clientHelloMessage("roundtrip.example")
	ack := []byte{frameAck, 5, 0, 1, 0, 1, 2}          // largest 5, delay 0, 1 extra range
	ackECN := []byte{frameAckECN, 3, 0, 0, 0, 1, 2, 3} // with ECN counts
	closeFrame := append([]byte{frameConnClose, 0, 6, 2}, "no"...)
	first := slices.Concat([]byte{framePing}, ack, cryptoFrameBytes(20, hello[20:]), []byte{0, 0, 0})
	second := slices.Concat(ackECN, cryptoFrameBytes(0, hello[:20]), closeFrame)
	for _, version := range []uint32{Version1, Version2, VersionDraft29} {
		dcid := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}
		scid := []byte{0xaa, 0xbb}
		datagram := slices.Concat(
			protectInitial(t, initialSpec{version: version, dcid: dcid, scid: scid, token: []byte("tok"), pn: 0, pnLen: 1, payload: first}),
			protectInitial(t, initialSpec{version: version, dcid: dcid, scid: scid, pn: 0x1234, pnLen: 2, payload: padTo(second, 40)}),
			[]byte{0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
		)
		initials, err := ParseInitials(datagram)
		if err != nil {
			t.Fatalf("version %#x: %v", version, err)
		}
		if len(initials) != 2 {
			t.Fatalf("version %#x: %d initials", version, len(initials))
		}
		a, b := initials[0], initials[1]
		if !bytes.Equal(a.DCID, dcid) || !bytes.Equal(a.SCID, scid) || string(a.Token) != "tok" || a.PacketNumber != 0 || b.PacketNumber != 0x1234 {
			t.Errorf("version %#x: headers %+v %+v", version, a, b)
		}
		if len(a.Crypto) != 1 || a.Crypto[0].Offset != 20 || len(b.Crypto) != 1 || b.Crypto[0].Offset != 0 {
			t.Fatalf("version %#x: crypto frames %+v %+v", version, a.Crypto, b.Crypto)
		}
		joined := append(bytes.Clone(b.Crypto[0].Data), a.Crypto[0].Data...)
		if !bytes.Equal(joined, hello) {
			t.Errorf("version %#x: crypto data differs", version)
		}
	}
}

func TestParseInitialsRejects(t *testing.T) {
	dcid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	good := protectInitial(t, initialSpec{version: Version1, dcid: dcid, pnLen: 2, payload: padTo(cryptoFrameBytes(0, []byte{1, 0, 0, 0}), 100)})
	corrupt := bytes.Clone(good)
	corrupt[len(corrupt)-1] ^= 1
	handshake := bytes.Clone(good)
	handshake[0] = 0xe0 | handshake[0]&0x0f // long header, type 2
	unknownVersion := bytes.Clone(good)
	unknownVersion[4] = 0x42
	longDCID := slices.Concat([]byte{0xc0, 0, 0, 0, 1, 21}, make([]byte, 40))
	tests := []struct {
		name     string
		datagram []byte
		want     error
	}{
		{"empty", nil, ErrNotInitial},
		{"short header", []byte{0x41, 1, 2, 3, 4, 5, 6, 7, 8}, ErrNotInitial},
		{"version negotiation", []byte{0x80, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0}, ErrNotInitial},
		{"handshake packet", handshake, ErrNotInitial},
		{"unknown version", unknownVersion, ErrUnsupportedVersion},
		{"v1 packet with v2 type bits", slices.Concat([]byte{0xd0}, good[1:]), ErrNotInitial},
		{"connection id too long", longDCID, ErrMalformed},
		{"snaplen cut", good[:len(good)-30], ErrTruncated},
		{"header cut", good[:16], ErrTruncated},
		{"bad tag", corrupt, ErrDecrypt},
		{"length too small for a sample", []byte{0xc0, 0, 0, 0, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5}, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			initials, err := ParseInitials(tc.datagram)
			if !errors.Is(err, tc.want) || initials != nil {
				t.Errorf("got (%v, %v), want %v", initials, err, tc.want)
			}
		})
	}
	// A bad second packet keeps the first.
	initials, err := ParseInitials(slices.Concat(good, corrupt))
	if err != nil || len(initials) != 1 {
		t.Errorf("good+corrupt: got %d initials, err %v", len(initials), err)
	}
}

func TestCryptoFrames(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		want    []CryptoFrame
	}{
		{"padding only", make([]byte, 30), nil},
		{"crypto after ping", slices.Concat([]byte{framePing}, cryptoFrameBytes(7, []byte("abc"))), []CryptoFrame{{7, []byte("abc")}}},
		{"unknown frame stops", slices.Concat(cryptoFrameBytes(0, []byte("a")), []byte{0x08, 0, 0}, cryptoFrameBytes(1, []byte("b"))), []CryptoFrame{{0, []byte("a")}}},
		{"crypto length overruns", []byte{frameCrypto, 0, 9, 'x'}, nil},
		{"crypto offset beyond 2^62", slices.Concat([]byte{frameCrypto}, appendVarint(nil, maxVarint), []byte{1, 'x'}), nil},
		{"ack range count overruns", slices.Concat([]byte{frameAck, 1, 0, 0x3f, 0}, cryptoFrameBytes(0, []byte("a"))), nil},
		{"truncated ack", []byte{frameAck, 1}, nil},
		{"close reason overruns", []byte{frameConnCloseApp, 0, 9, 'x'}, nil},
		{"app close then crypto", slices.Concat([]byte{frameConnCloseApp, 0, 1, 'x'}, cryptoFrameBytes(0, []byte("z"))), []CryptoFrame{{0, []byte("z")}}},
		{"truncated frame type", []byte{0x40}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cryptoFrames(tc.payload)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i].Offset != tc.want[i].Offset || !bytes.Equal(got[i].Data, tc.want[i].Data) {
					t.Errorf("frame %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadVarint(t *testing.T) {
	tests := []struct {
		in    string
		value uint64
		n     int
	}{
		// RFC 9000 Appendix A.1 examples.
		{"c2197c5eff14e88c", 151288809941952652, 8},
		{"9d7f3e7d", 494878333, 4},
		{"7bbd", 15293, 2},
		{"25", 37, 1},
		{"4025", 37, 2},
		{"", 0, 0},
		{"7b", 0, 0},
	}
	for _, tc := range tests {
		v, n := readVarint(packets.Hex(t, tc.in))
		if v != tc.value || n != tc.n {
			t.Errorf("readVarint(%s) = %d, %d; want %d, %d", tc.in, v, n, tc.value, tc.n)
		}
	}
}
