package coap

import (
	"fmt"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// summary renders what a test checks.
func summary(m *Message) string {
	return fmt.Sprintf("v%d %s %s mid=%d token=%x host=%q path=%q query=%q options=%d payload=%d",
		m.Version, TypeString(m.Type), m.CodeString(), m.MessageID, m.Token, m.UriHost, m.UriPath, m.UriQuery, len(m.Options), len(m.Payload))
}

func TestUnpack(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    string
		wantErr error
	}{
		{
			name: "GET with host, path and query",
			in: []byte{0x42, 0x01, 0x12, 0x34, 0xab, 0xcd,
				0x3b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', // Uri-Host
				0x84, 's', 'e', 'n', 's', // Uri-Path (delta 8)
				0x04, 't', 'e', 'm', 'p', // Uri-Path
				0x44, 'u', 'n', 'i', 't', // Uri-Query (delta 4)
				0x03, 'a', '=', '1'},
			want: `v1 CON 0.01 GET mid=4660 token=abcd host="example.com" path="/sens/temp" query="unit&a=1" options=5 payload=0`,
		},
		{
			name: "ACK 2.05 Content with payload",
			in:   []byte{0x60, 0x45, 0x00, 0x07, 0xc1, 0x00, 0xff, '2', '1', '.', '5'},
			want: `v1 ACK 2.05 Content mid=7 token= host="" path="" query="" options=1 payload=4`,
		},
		{
			name: "extended deltas and lengths",
			in: append([]byte{0x50, 0x02, 0, 1,
				0xd1, 0x2f, 0x11, // delta 13+47=60 (Size1), length 1
				0xbe, 0x00, 0x00}, // delta 11 (71, unknown), length 269
				make([]byte, 269)...),
			want: `v1 NON 0.02 POST mid=1 token= host="" path="" query="" options=2 payload=0`,
		},
		{
			name: "empty message",
			in:   []byte{0x70, 0x00, 0xbe, 0xef},
			want: `v1 RST 0.00 Empty mid=48879 token= host="" path="" query="" options=0 payload=0`,
		},
		{
			name: "path segments are escaped",
			in:   []byte{0x40, 0x01, 0, 1, 0xb2, 'a', 0x01, 0x02, 'b', '/'},
			want: `v1 CON 0.01 GET mid=1 token= host="" path="/a\\001/b/" query="" options=2 payload=0`,
		},
		{
			name:    "short header",
			in:      []byte{0x40, 0x01},
			want:    `v0 CON 0.00 Empty mid=0 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrTruncated,
		},
		{
			name:    "version 2",
			in:      []byte{0x80, 0x01, 0, 1},
			want:    `v2 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrFormat,
		},
		{
			name:    "token length 9",
			in:      []byte{0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrFormat,
		},
		{
			name:    "token cut",
			in:      []byte{0x44, 0x01, 0, 1, 1, 2},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrTruncated,
		},
		{
			name:    "option value cut keeps earlier options",
			in:      []byte{0x40, 0x01, 0, 1, 0xb1, 'a', 0x05, 'x'},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="/a" query="" options=1 payload=0`,
			wantErr: ErrTruncated,
		},
		{
			name:    "extended delta cut",
			in:      []byte{0x40, 0x01, 0, 1, 0xe0, 0x01},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrTruncated,
		},
		{
			name:    "reserved nibble",
			in:      []byte{0x40, 0x01, 0, 1, 0xf1, 0},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrFormat,
		},
		{
			name:    "marker without payload",
			in:      []byte{0x40, 0x02, 0, 1, 0xff},
			want:    `v1 CON 0.02 POST mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrFormat,
		},
		{
			name: "option number past 65535",
			in: []byte{0x40, 0x01, 0, 1,
				0xe0, 0xff, 0xff, // 269+65535
			},
			want:    `v1 CON 0.01 GET mid=1 token= host="" path="" query="" options=0 payload=0`,
			wantErr: ErrFormat,
		},
	}
	var reused Message
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := m.Unpack(tt.in)
			packets.CheckErr(t, "Unpack", err, tt.wantErr)
			if got := summary(&m); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			_ = reused.Unpack(tt.in)
			if got := summary(&reused); got != tt.want {
				t.Errorf("reused: %s", got)
			}
		})
	}
}

func TestCodeString(t *testing.T) {
	tests := []struct {
		code uint8
		want string
	}{{0x01, "0.01 GET"}, {0x02, "0.02 POST"}, {0x45, "2.05 Content"}, {0x84, "4.04 Not Found"}, {0xa0, "5.00 Internal Server Error"}, {0x3f, "1.31"}, {0, "0.00 Empty"}}
	for _, tt := range tests {
		if got := CodeString(tt.code); got != tt.want {
			t.Errorf("CodeString(%#x) = %q, want %q", tt.code, got, tt.want)
		}
	}
	if TypeString(1) != "NON" || TypeString(9) != "TYPE9" {
		t.Errorf("TypeString: %q %q", TypeString(1), TypeString(9))
	}
}
