package decode

import (
	"errors"
	"testing"
)

func TestMACString(t *testing.T) {
	tests := []struct {
		mac  MAC
		want string
	}{
		{MAC{}, "00:00:00:00:00:00"},
		{MAC{0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff}, "aa:bb:cc:0d:ee:ff"},
		{MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "ff:ff:ff:ff:ff:ff"},
		{MAC{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, "01:00:5e:7f:ff:fa"},
	}
	for _, tc := range tests {
		if got := tc.mac.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestMACStringAllocatesOnlyTheString(t *testing.T) {
	m := MAC{0xdc, 0xa6, 0x32, 1, 2, 3}
	var sink string
	if allocs := testing.AllocsPerRun(100, func() { sink = m.String() }); allocs != 1 {
		t.Errorf("String allocates %.0f times, want 1", allocs)
	}
	_ = sink
}

func TestParseMAC(t *testing.T) {
	want := MAC{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f}
	tests := []struct {
		in      string
		want    MAC
		wantErr bool
	}{
		{in: "aa:bb:cc:dd:ee:0f", want: want},
		{in: "AA:BB:CC:DD:EE:0F", want: want},
		{in: "AA-BB-CC-DD-EE-0F", want: want},
		{in: "aa-bb-cc-dd-ee-0f", want: want},
		{in: "aabb.ccdd.ee0f", want: want},
		{in: "AABB.CCDD.EE0F", want: want},
		{in: "aabbccddee0f", want: want},
		{in: "AaBbCcDdEe0F", want: want},
		{in: "", wantErr: true},
		{in: "aa:bb:cc:dd:ee", wantErr: true},
		{in: "aa:bb:cc:dd:ee:0f:11", wantErr: true},
		{in: "aa:bb:cc:dd:ee:0g", wantErr: true},
		{in: "aa:bb-cc:dd:ee:0f", wantErr: true},
		{in: "aa.bb.cc.dd.ee.0f", wantErr: true},
		{in: "aabb:ccdd:ee0f", wantErr: true},
		{in: "aabb.ccdd-ee0f", wantErr: true},
		{in: "aabbccddee0", wantErr: true},
		{in: "aabbccddee0fx", wantErr: true},
		{in: " aa:bb:cc:dd:ee:f", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseMAC(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseMAC(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err != nil && !errors.Is(err, errMACSyntax) {
			t.Errorf("ParseMAC(%q) error %v does not wrap errMACSyntax", tc.in, err)
		}
		if got != tc.want {
			t.Errorf("ParseMAC(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseMACRoundTrip(t *testing.T) {
	for _, m := range []MAC{{}, {1, 2, 3, 4, 5, 6}, {0xff, 0xfe, 0x80, 0x7f, 0x10, 0x01}} {
		got, err := ParseMAC(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMAC(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	}
}

func TestMACBits(t *testing.T) {
	tests := []struct {
		mac       MAC
		group     bool
		localAdm  bool
		describes string
	}{
		{MAC{0xdc, 0xa6, 0x32, 1, 2, 3}, false, false, "universal unicast (Raspberry Pi)"},
		{MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true, true, "broadcast"},
		{MAC{0x01, 0x00, 0x5e, 0, 0, 0xfb}, true, false, "IPv4 multicast"},
		{MAC{0x33, 0x33, 0, 0, 0, 1}, true, true, "IPv6 multicast"},
		{MAC{0xda, 0xa1, 0x19, 1, 2, 3}, false, true, "randomised phone address"},
	}
	for _, tc := range tests {
		if got := tc.mac.IsGroup(); got != tc.group {
			t.Errorf("%s: IsGroup() = %v, want %v", tc.describes, got, tc.group)
		}
		if got := tc.mac.IsLocallyAdministered(); got != tc.localAdm {
			t.Errorf("%s: IsLocallyAdministered() = %v, want %v", tc.describes, got, tc.localAdm)
		}
	}
}
