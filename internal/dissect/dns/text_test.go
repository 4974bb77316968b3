package dns

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

// nameTextCases pairs raw labels with the dns.qry.name text tshark 4.0.17
// printed for them (learned with hand-built queries written by
// capture.PcapWriter and read back with tshark -T fields -e dns.qry.name;
// TestNameTextMatchesTshark repeats that when tshark is installed).
var nameTextCases = []struct {
	labels []string
	want   string
}{
	{[]string{"a.b", "com"}, "a.b.com"},
	{[]string{"a b", "com"}, "a b.com"},
	{[]string{"caf\xc3\xa9", "com"}, "café.com"},
	{[]string{"x\x01y", "com"}, `x\001y.com`},
	{[]string{"x\x7fy\xff"}, "x\\177y\uFFFD"},
	{nil, "<Root>"},
	{[]string{`back\slash`}, `back\slash`},
	{[]string{"tab\tz"}, `tab\tz`},
	{[]string{"a\nb"}, `a\nb`},
	{[]string{"a\rb"}, `a\rb`},
	{[]string{"a\x00b"}, `a\000b`},
	{[]string{"a\x07\x08\x0b\x0cb"}, `a\a\b\v\fb`},
	{[]string{"a\x1b\x1fb"}, `a\033\037b`},
	{[]string{"\xc3"}, "\uFFFD"},
	{[]string{"\xc3x"}, "\uFFFDx"},
	{[]string{"\xc0\x80"}, `\u0000`},
	{[]string{"\xc2\x80\xc2\x9f"}, `\u0080\u009F`},
	{[]string{"\xe2\x82"}, "\uFFFD"},
	{[]string{"\xe2\x82\xac"}, "€"},
	{[]string{"\xf0\x9f\x98\x80"}, "😀"},
	{[]string{"\xed\xa0\x80"}, "\uFFFD"},
	{[]string{"\x80\x80"}, "\uFFFD\uFFFD"},
	{[]string{"\xf4\x90\x80\x80"}, "\uFFFD"},
	{[]string{"ab\xc3", "\xa9c"}, "ab\uFFFD.\uFFFDc"},
	{[]string{"\xef\xbf\xbd"}, "\uFFFD"},
	{[]string{"\xe0\x80\x80"}, `\u0000`},
	{[]string{"\xc1\xbf"}, `\u007F`},
	{[]string{"\xf0\x80\x80\x80"}, `\u0000`},
	{[]string{"\xf5\x80"}, "\uFFFD"},
	{[]string{"\xe2x\x82"}, "\uFFFDx\uFFFD"},
	{[]string{"\xf0\x9f\x98x"}, "\uFFFDx"},
	{[]string{"\xe2\x80\x8b"}, `\u200B`},
	{[]string{"\xc2\xa0"}, "\u00a0"},
	{[]string{"\xef\xbb\xbf"}, `\uFEFF`},
	{[]string{"\xe2\x80\xa8"}, "\u2028"},
	{[]string{"\xc2\xad"}, `\u00AD`},
	{[]string{"\xcd\xb8"}, `\u0378`},
	{[]string{"\xee\x80\x80"}, "\ue000"},
	{[]string{"\xef\xbf\xbf"}, `\uFFFF`},
	{[]string{"\xf3\xa0\x80\x81"}, `\U000E0001`},
	{[]string{"\xf8\x88\x80\x80\x80"}, "\uFFFD"},
	{[]string{"\xc3\xa9\xff\xc3\xa9"}, "é\uFFFDé"},
	{[]string{"\xcc\x81"}, "\u0301"},
	{[]string{"\xc1\x81\xc1\x82"}, "AB"},
	{[]string{"_googlecast", "_tcp", "local"}, "_googlecast._tcp.local"},
}

func TestNameText(t *testing.T) {
	for _, tt := range nameTextCases {
		msg := append(make([]byte, headerLen), wireName(tt.labels...)...)
		got, next, err := Name(msg, headerLen)
		if err != nil || got != tt.want || next != len(msg) {
			t.Errorf("Name(%q) = %q, %d, %v; want %q, %d", tt.labels, got, next, err, tt.want, len(msg))
		}
		var m Message
		if err := m.Unpack(newMsg(1, 0, 1, 0, 0, 0).name(tt.labels...).question(1, 1).bytes()); err != nil {
			t.Fatal(err)
		}
		if m.Questions[0].Name != tt.want {
			t.Errorf("Unpack name %q = %q, want %q", tt.labels, m.Questions[0].Name, tt.want)
		}
	}
}

func TestNameLimits(t *testing.T) {
	l63 := strings.Repeat("a", 63)
	tests := []struct {
		name   string
		labels []string
		err    error
	}{
		{"255 octets", []string{l63, l63, l63, strings.Repeat("b", 61)}, nil},
		{"256 octets", []string{l63, l63, l63, strings.Repeat("b", 62)}, ErrNameTooLong},
		{"escapes do not count", []string{l63, l63, l63, strings.Repeat("\x01", 61)}, nil},
	}
	for _, tt := range tests {
		msg := wireName(tt.labels...)
		got, next, err := Name(msg, 0)
		if err != tt.err || next != len(msg) {
			t.Errorf("%s: Name = %q, %d, %v; want error %v at %d", tt.name, got, next, err, tt.err, len(msg))
		}
	}
}

// TestNameTextMatchesTshark writes every case as a DNS query to a pcap and
// checks that tshark prints the same names. It is skipped without tshark.
func TestNameTextMatchesTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	path := filepath.Join(t.TempDir(), "names.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := capture.NewPcapWriter(f, capture.LinkRaw, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range nameTextCases {
		dnsMsg := newMsg(uint16(i), 0x0100, 1, 0, 0, 0).name(tt.labels...).question(1, 1).bytes()
		if err := pw.WritePacket(int64(i)*1e9, 0, udp4Packet(dnsMsg)); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(tshark, "-r", path, "-T", "fields", "-e", "dns.qry.name").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(nameTextCases) {
		t.Fatalf("tshark printed %d lines for %d packets", len(lines), len(nameTextCases))
	}
	for i, tt := range nameTextCases {
		if lines[i] != tt.want {
			t.Errorf("labels %q: tshark prints %q, table says %q", tt.labels, lines[i], tt.want)
		}
	}
}

// udp4Packet wraps a DNS message in IPv4/UDP headers (port 5000 to 53).
func udp4Packet(payload []byte) []byte {
	src, dst := netip.MustParseAddr("192.0.2.1").As4(), netip.MustParseAddr("192.0.2.53").As4()
	total := 28 + len(payload)
	ip := []byte{0x45, 0, byte(total >> 8), byte(total), 0, 1, 0, 0, 64, 17, 0, 0}
	ip = append(append(ip, src[:]...), dst[:]...)
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	ip[10], ip[11] = byte(^sum>>8), byte(^sum)
	udpLen := 8 + len(payload)
	udp := []byte{0x13, 0x88, 0, 53, byte(udpLen >> 8), byte(udpLen), 0, 0}
	return bytes.Join([][]byte{ip, udp, payload}, nil)
}
