package quic

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// Test vectors: RFC 9001 Appendix A.1 (v1), RFC 9369 Appendix A.1 (v2) and
// draft-ietf-quic-tls-29 Appendix A.1, all for DCID 0x8394c8f03e515708.
func TestInitialKeys(t *testing.T) {
	tests := []struct {
		name        string
		version     uint32
		server      bool
		key, iv, hp string
	}{
		{"v1 client", Version1, false, "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"},
		{"v1 server", Version1, true, "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314"},
		{"v2 client", Version2, false, "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9"},
		{"v2 server", Version2, true, "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a"},
		{"draft-29 client", VersionDraft29, false, "175257a31eb09dea9366d8bb79ad80ba", "6b26114b9cba2b63a9e8dd4f", "9ddd12c994c0698b89374a9c077a3077"},
		{"draft-29 server", VersionDraft29, true, "149d0b1662ab871fbe63c49b5e655a5d", "bab2b12a4c76016ace47856d", "c0c499a65a60024a18a250974ea01dfa"},
	}
	dcid := packets.Hex(t, "8394c8f03e515708")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, iv, hp, err := InitialKeys(tc.version, dcid, tc.server)
			if err != nil {
				t.Fatal(err)
			}
			got := [3]string{hex.EncodeToString(key), hex.EncodeToString(iv), hex.EncodeToString(hp)}
			if want := [3]string{tc.key, tc.iv, tc.hp}; got != want {
				t.Errorf("keys = %v, want %v", got, want)
			}
		})
	}
	if _, _, _, err := InitialKeys(0xff000020, dcid, false); !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("unknown version: err = %v", err)
	}
}
