package quic

import (
	"errors"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// The expected server names and JA3 hashes come from tshark 4.0.17:
//
//	tshark -r F -Y 'quic && tls.handshake.type==1' -T fields \
//	  -e tls.handshake.extensions_server_name -e tls.handshake.ja3
type quicHello struct {
	sni, ja3 string
}

func TestQUICClientHellosInFixtures(t *testing.T) {
	tests := []struct {
		path []string
		want []quicHello
	}{
		// The ClientHello is split over Initial packets in two datagrams.
		{[]string{"zeek", "quic", "chromium-115.0.5790.110-google-de-fragmented.pcap"}, []quicHello{{"www.google.de", "d0b6d21da230b6eb1fa42d221ec5b3e2"}}},
		{[]string{"zeek", "quic", "quic_win11_firefox_google.pcap"}, []quicHello{{"www.google.com", "b719940c5ab9a3373cb4475d8143ff88"}}},
		{[]string{"zeek", "quic", "curl-8.1.2-dev-http3-www-google-de.pcap"}, []quicHello{{"www.google.de", "f75253b5e2b4dcb3fdae9b78ce8c6e49"}}},
		// Frame 481 coalesces an Initial with a 0-RTT packet.
		{[]string{"ndpi", "sites.pcapng"}, []quicHello{
			{"classroom.google.com", "a27a03a8478393fe7f8958648bb71ff4"},
			{"hangouts.google.com", "2a18e6bf307f97c5e27f0ab407dc65db"},
			{"plus.google.com", "b719940c5ab9a3373cb4475d8143ff88"},
			{"www.threads.net", "7a8e625dea44f20fe8d8d657583506d1"},
		}},
		// Loopback capture cut at 256 bytes: every client Initial is
		// truncated, so tshark finds no ClientHello either.
		{[]string{"tcpdump", "quic_handshake_truncated.pcap"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			asm := NewAssembler(64)
			var got []quicHello
			for i, datagram := range packets.UDPPayloads(t, testutil.Fixture(t, tc.path...), 443) {
				ch, err := asm.Add(datagram, int64(i))
				if err != nil || ch == nil {
					continue
				}
				_, ja3 := tls.JA3(ch)
				got = append(got, quicHello{ch.SNI, ja3})
				if ja4 := tls.JA4(ch, 'q'); ja4[0] != 'q' || ja4[1:3] != "13" {
					t.Errorf("JA4 %s: want a QUIC TLS 1.3 fingerprint", ja4)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestTruncatedFixtureFailsGracefully(t *testing.T) {
	datagrams := packets.UDPPayloads(t, testutil.Fixture(t, "tcpdump", "quic_handshake_truncated.pcap"), 443)
	if len(datagrams) != 18 {
		t.Fatalf("read %d datagrams, want 18", len(datagrams))
	}
	// Frame 1 is the client's first Initial, cut from 1208 to 214 UDP bytes.
	if _, err := ParseInitials(datagrams[0]); !errors.Is(err, ErrTruncated) {
		t.Errorf("frame 1: err = %v, want ErrTruncated", err)
	}
	for i, d := range datagrams {
		if initials, err := ParseInitials(d); err == nil {
			t.Errorf("frame %d: decrypted %d Initials from a truncated capture", i+1, len(initials))
		}
	}
}
