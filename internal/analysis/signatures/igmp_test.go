package signatures

import (
	"net/netip"
	"testing"
)

func TestParseIGMP(t *testing.T) {
	cases := []struct {
		name string
		msg  []byte
		want IGMPMessage
		ok   bool
	}{
		{"v3 report, first record", []byte{0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 224, 0, 0, 251}, IGMPMessage{3, "membership report", netip.MustParseAddr("224.0.0.251")}, true},
		{"v3 report without records", []byte{0x22, 0, 0, 0, 0, 0, 0, 0}, IGMPMessage{Version: 3, Type: "membership report"}, true},
		{"v2 report", []byte{0x16, 0, 0, 0, 239, 255, 255, 250}, IGMPMessage{2, "membership report", netip.MustParseAddr("239.255.255.250")}, true},
		{"leave", []byte{0x17, 0, 0, 0, 224, 0, 0, 251}, IGMPMessage{2, "leave group", netip.MustParseAddr("224.0.0.251")}, true},
		{"v1 query", []byte{0x11, 0, 0, 0, 0, 0, 0, 0}, IGMPMessage{1, "membership query", netip.MustParseAddr("0.0.0.0")}, true},
		{"v3 query", []byte{0x11, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, IGMPMessage{3, "membership query", netip.MustParseAddr("0.0.0.0")}, true},
		{"short", []byte{0x16, 0, 0}, IGMPMessage{}, false},
		{"unknown type", []byte{0x99, 0, 0, 0, 0, 0, 0, 0}, IGMPMessage{}, false},
	}
	for _, c := range cases {
		got, ok := ParseIGMP(c.msg)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: %+v %v, want %+v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseIGMP(f *testing.F) {
	f.Add([]byte{0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 224, 0, 0, 251})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, ok := ParseIGMP(b)
		if ok && (m.Version < 1 || m.Version > 3 || m.Type == "") {
			t.Fatalf("accepted %x as %+v", b, m)
		}
	})
}
