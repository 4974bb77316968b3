package dhcp

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// opt encodes one DHCPv4 option.
func opt(code byte, v ...byte) []byte { return append([]byte{code, byte(len(v))}, v...) }

// v4Message builds a BOOTP header with the magic cookie and the options.
func v4Message(op byte, xid uint32, mac [6]byte, opts ...[]byte) []byte {
	b := make([]byte, optionsOff)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	copy(b[16:], []byte{192, 168, 1, 50}) // yiaddr
	copy(b[28:], mac[:])
	binary.BigEndian.PutUint32(b[bootpLen:], magicCookie)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

var testMAC = [6]byte{0x68, 0xc6, 0x3a, 0x42, 0x83, 0xf6}

// v4Summary renders the parsed fields that a test checks.
func v4Summary(m *Message) string {
	return fmt.Sprintf("op=%d xid=%#x mac=%x your=%v type=%s host=%q vendor=%q fqdn=%q cid=%x params=%v req=%v sid=%v router=%v mask=%v dns=%v lease=%d",
		m.Op, m.XID, m.ClientMAC, m.YourIP, MsgTypeString(m.MsgType), m.HostName, m.VendorClass, m.FQDN, m.ClientID,
		m.ParamList, m.RequestedIP, m.ServerID, m.Router, m.SubnetMask, m.DNSServers, m.LeaseTime)
}

func TestUnpackV4(t *testing.T) {
	tests := []struct {
		name    string
		msg     []byte
		want    string
		wantErr error
	}{
		{
			name: "discover",
			msg: v4Message(1, 0x83ba3b93, testMAC, opt(53, 1), opt(61, 1, 0x68, 0xc6, 0x3a, 0x42, 0x83, 0xf6),
				opt(12, []byte("ESP_E67CDE\x00")...), opt(60, []byte("udhcp 1.28")...), opt(55, 1, 3, 6, 15), []byte{0, 0, 255}),
			want: `op=1 xid=0x83ba3b93 mac=68c63a4283f6 your=192.168.1.50 type=DISCOVER host="ESP_E67CDE" vendor="udhcp 1.28" fqdn="" cid=0168c63a4283f6 params=[1 3 6 15] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name: "ack",
			msg: v4Message(2, 7, testMAC, opt(53, 5), opt(54, 192, 168, 1, 1), opt(51, 0, 0, 0xa8, 0xc0),
				opt(1, 255, 255, 255, 0), opt(3, 192, 168, 1, 1, 192, 168, 1, 2), opt(6, 1, 1, 1, 1, 8, 8, 8, 8), opt(255)),
			want: `op=2 xid=0x7 mac=68c63a4283f6 your=192.168.1.50 type=ACK host="" vendor="" fqdn="" cid= params=[] req=invalid IP sid=192.168.1.1 router=192.168.1.1 mask=255.255.255.0 dns=[1.1.1.1 8.8.8.8] lease=43200`,
		},
		{
			name: "FQDN in wire format and requested IP",
			msg: v4Message(1, 9, testMAC, opt(53, 3), opt(50, 192, 168, 1, 124),
				opt(81, append([]byte{0x05, 0, 0}, "\x06laptop\x04home\x00"...)...)),
			want: `op=1 xid=0x9 mac=68c63a4283f6 your=192.168.1.50 type=REQUEST host="" vendor="" fqdn="laptop.home" cid= params=[] req=192.168.1.124 sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name: "FQDN in ASCII",
			msg:  v4Message(1, 9, testMAC, opt(53, 3), opt(81, append([]byte{0x01, 0, 0}, "tv.lan"...)...)),
			want: `op=1 xid=0x9 mac=68c63a4283f6 your=192.168.1.50 type=REQUEST host="" vendor="" fqdn="tv.lan" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name: "control bytes in host name are escaped",
			msg:  v4Message(1, 1, testMAC, opt(53, 8), opt(12, 'a', 0x1b, 'b')),
			want: `op=1 xid=0x1 mac=68c63a4283f6 your=192.168.1.50 type=INFORM host="a\\033b" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name:    "option past the end keeps earlier options",
			msg:     v4Message(1, 2, testMAC, opt(53, 1), opt(12, 'h', 'o', 's', 't'), []byte{60, 10, 'x'}),
			want:    `op=1 xid=0x2 mac=68c63a4283f6 your=192.168.1.50 type=DISCOVER host="host" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
			wantErr: ErrOptionOverrun,
		},
		{
			name:    "option length byte missing",
			msg:     v4Message(1, 2, testMAC, opt(53, 2), []byte{12}),
			want:    `op=1 xid=0x2 mac=68c63a4283f6 your=192.168.1.50 type=OFFER host="" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
			wantErr: ErrOptionOverrun,
		},
		{
			name: "plain BOOTP without cookie",
			msg:  v4Message(1, 3, testMAC)[:bootpLen],
			want: `op=1 xid=0x3 mac=68c63a4283f6 your=192.168.1.50 type=BOOTP host="" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name: "options after End are ignored",
			msg:  v4Message(1, 4, testMAC, opt(53, 7), opt(255), opt(12, 'x')),
			want: `op=1 xid=0x4 mac=68c63a4283f6 your=192.168.1.50 type=RELEASE host="" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
		},
		{
			name:    "short message",
			msg:     make([]byte, 100),
			want:    `op=0 xid=0x0 mac=000000000000 your=invalid IP type=BOOTP host="" vendor="" fqdn="" cid= params=[] req=invalid IP sid=invalid IP router=invalid IP mask=invalid IP dns=[] lease=0`,
			wantErr: ErrTruncated,
		},
	}
	var reused Message
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := m.Unpack(tt.msg)
			packets.CheckErr(t, "Unpack", err, tt.wantErr)
			if got := v4Summary(&m); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			_ = reused.Unpack(tt.msg)
			if got := v4Summary(&reused); got != tt.want {
				t.Errorf("reused Message: got %s", got)
			}
		})
	}
}

func TestMsgTypeString(t *testing.T) {
	tests := []struct {
		t    uint8
		want string
	}{{1, "DISCOVER"}, {2, "OFFER"}, {3, "REQUEST"}, {4, "DECLINE"}, {5, "ACK"}, {6, "NAK"}, {7, "RELEASE"}, {8, "INFORM"}, {0, "BOOTP"}, {200, "TYPE200"}}
	for _, tt := range tests {
		if got := MsgTypeString(tt.t); got != tt.want {
			t.Errorf("MsgTypeString(%d) = %q, want %q", tt.t, got, tt.want)
		}
	}
	if got := V6MsgTypeString(11); got != "INFORMATION-REQUEST" {
		t.Errorf("V6MsgTypeString(11) = %q", got)
	}
	if got := V6MsgTypeString(0); got != "TYPE0" {
		t.Errorf("V6MsgTypeString(0) = %q", got)
	}
}

// v6opt encodes one DHCPv6 option.
func v6opt(code uint16, v ...byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, code)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

func v6Message(typ byte, xid uint32, opts ...[]byte) []byte {
	b := []byte{typ, byte(xid >> 16), byte(xid >> 8), byte(xid)}
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func v6Summary(m *V6Message) string {
	return fmt.Sprintf("type=%s xid=%#x duid=%x fqdn=%q vendor=%q addrs=%v relayed=%v",
		V6MsgTypeString(m.MsgType), m.TransactionID, m.ClientDUID, m.FQDN, m.VendorClass, m.IANAAddrs, m.Relayed)
}

func TestUnpackV6(t *testing.T) {
	duid := []byte{0, 1, 0, 1, 0x2f, 0x67, 0x16, 0x0f, 0x68, 0x3a, 0x48, 0x13, 0x27, 0x04}
	addr := netip.MustParseAddr("2001:db8::42").As16()
	iaaddr := v6opt(v6OptIAAddr, append(addr[:], 0, 0, 0, 1, 0, 0, 0, 2)...)
	iana := v6opt(v6OptIANA, append([]byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, iaaddr...)...)
	vendor := v6opt(v6OptVendor, append([]byte{0, 0, 0x01, 0x37, 0, 8}, "MSFT 5.0"...)...)
	fqdn := v6opt(v6OptClientFQDN, append([]byte{1}, "\x05hubv3\x03lan\x00"...)...)
	solicit := v6Message(1, 0x472671, v6opt(8, 0, 0), v6opt(14), v6opt(v6OptClientID, duid...), fqdn, vendor, iana)
	relayHdr := append([]byte{v6RelayForw, 0}, make([]byte, 32)...)
	tests := []struct {
		name    string
		msg     []byte
		want    string
		wantErr error
	}{
		{
			name: "solicit",
			msg:  solicit,
			want: `type=SOLICIT xid=0x472671 duid=000100012f67160f683a48132704 fqdn="hubv3.lan" vendor="MSFT 5.0" addrs=[2001:db8::42] relayed=false`,
		},
		{
			name: "relayed solicit",
			msg:  append(append([]byte{}, relayHdr...), v6opt(v6OptRelayMsg, solicit...)...),
			want: `type=SOLICIT xid=0x472671 duid=000100012f67160f683a48132704 fqdn="hubv3.lan" vendor="MSFT 5.0" addrs=[2001:db8::42] relayed=true`,
		},
		{
			name:    "option overrun keeps earlier options",
			msg:     append(v6Message(7, 1, v6opt(v6OptClientID, 1, 2)), 0, 39, 0, 50, 1),
			want:    `type=REPLY xid=0x1 duid=0102 fqdn="" vendor="" addrs=[] relayed=false`,
			wantErr: ErrOptionOverrun,
		},
		{
			name:    "short",
			msg:     []byte{1, 2},
			want:    `type=TYPE0 xid=0x0 duid= fqdn="" vendor="" addrs=[] relayed=false`,
			wantErr: ErrTruncated,
		},
		{
			name:    "short relay",
			msg:     relayHdr[:20],
			want:    `type=RELAY-FORW xid=0x0 duid= fqdn="" vendor="" addrs=[] relayed=false`,
			wantErr: ErrTruncated,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m V6Message
			err := m.Unpack(tt.msg)
			packets.CheckErr(t, "Unpack", err, tt.wantErr)
			if got := v6Summary(&m); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDeepRelayNestingIsBounded(t *testing.T) {
	msg := v6Message(1, 5)
	for i := 0; i < 100; i++ {
		msg = append(append([]byte{v6RelayForw, 0}, make([]byte, 32)...), v6opt(v6OptRelayMsg, msg...)...)
		if len(msg) > 60000 {
			break
		}
	}
	var m V6Message
	if err := m.Unpack(msg); err != nil {
		t.Fatal(err)
	}
	if m.MsgType != v6RelayForw || !m.Relayed {
		t.Fatalf("got %s, want a relay message given up after %d levels", v6Summary(&m), maxRelayDepth)
	}
}

func TestWireName(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"\x03www\x07example\x00", "www.example", true},
		{"\x04host", "host", true}, // partial name
		{"\x00", "", true},
		{"", "", true},
		{"\x03ab", "", false},
		{"\x02ok\xc0\x0c", "ok", false},
	}
	for _, tt := range tests {
		got, ok := wireName([]byte(tt.in))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("wireName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestUnpackDoesNotLeakPreviousMessage(t *testing.T) {
	var m Message
	_ = m.Unpack(v4Message(2, 1, testMAC, opt(53, 5), opt(6, 1, 1, 1, 1), opt(55, 1, 2), opt(12, 'a')))
	_ = m.Unpack(v4Message(1, 2, testMAC, opt(53, 1)))
	if len(m.DNSServers) != 0 || len(m.ParamList) != 0 || m.HostName != "" || m.MsgType != 1 {
		t.Fatalf("stale fields: %s", v4Summary(&m))
	}
	if !slices.Equal(m.ClientMAC[:], testMAC[:]) {
		t.Fatalf("mac %x", m.ClientMAC)
	}
}
