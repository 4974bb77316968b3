package quic

import (
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// FuzzQUICInitial feeds datagrams to ParseInitials and an Assembler, and the
// same bytes to the frame parser directly, since random input rarely passes
// AEAD authentication.
func FuzzQUICInitial(f *testing.F) {
	hello := packets.Hex(f, rfcClientHello)
	dcid := packets.Hex(f, "8394c8f03e515708")
	for _, version := range []uint32{Version1, Version2, VersionDraft29} {
		f.Add(protectInitial(f, initialSpec{version: version, dcid: dcid, pn: 2, pnLen: 4, payload: padTo(cryptoFrameBytes(0, hello), 300)}))
	}
	f.Add(slices.Concat(
		protectInitial(f, initialSpec{version: Version1, dcid: dcid, scid: []byte{1}, token: []byte("t"), pnLen: 1,
			payload: slices.Concat([]byte{framePing, frameAck, 1, 0, 0, 0}, cryptoFrameBytes(10, hello[10:]))}),
		protectInitial(f, initialSpec{version: Version1, dcid: dcid, pn: 1, pnLen: 2,
			payload: slices.Concat(cryptoFrameBytes(0, hello[:10]), []byte{frameConnClose, 0, 0, 0})}),
	))
	f.Add([]byte{0x41, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(slices.Concat([]byte{frameCrypto, 0, 4}, hello[:4], []byte{frameAckECN, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0}))
	f.Fuzz(func(t *testing.T, datagram []byte) {
		original := slices.Clone(datagram)
		if initials, err := ParseInitials(datagram); err == nil && len(initials) == 0 {
			t.Fatal("no Initial and no error")
		}
		asm := NewAssembler(2)
		asm.Add(datagram, 0)
		asm.Add(datagram, 1)
		if !slices.Equal(datagram, original) {
			t.Fatal("the datagram was modified")
		}
		for _, fr := range cryptoFrames(datagram) {
			if fr.Offset+uint64(len(fr.Data)) > maxVarint {
				t.Fatalf("frame beyond 2^62: %+v", fr)
			}
		}
	})
}
