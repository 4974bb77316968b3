package tls

import (
	"crypto/x509"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// Expected values below come from tshark 4.0.17:
//
//	tshark -r F -Y tls.handshake.type==1 -T fields -e tcp.stream \
//	  -e tls.handshake.extensions_server_name -e tls.handshake.ja3
type helloWant struct {
	sni    string
	ja3    string
	hasECH bool
}

func TestClientHellosInFixtures(t *testing.T) {
	tests := []struct {
		path []string
		want []helloWant // in order of the connections' first data
	}{
		{[]string{"zeek", "tls", "tls13-ech.pcap"}, []helloWant{
			{"cloudflare-ech.com", "2fcbf8655473005933c5869b2b5d8044", true},
			{"cloudflare-ech.com", "fa58f5ffd45a2d590a1677134966dc64", true},
		}},
		// GREASE ECH, an X25519Kyber768 key share, a 1.75 KB hello.
		{[]string{"zeek", "tls", "chrome-1250-tls-x25519-kyber.pcap"}, []helloWant{{"lh3.google.com", "9d33d8206d4fec4c8b1423c728f4cd3c", true}}},
		{[]string{"zeek", "tls", "openjdk-25.0.2-zeek.org.pcap"}, []helloWant{{"zeek.org", "bddb16608b241c89053080cf80771423", false}}},
		{[]string{"ndpi", "tls_ech.pcapng"}, []helloWant{{"performance.radar.cloudflare.com", "6820f114cf3b0809ffdcb30cb277848a", true}}},
		// The SNI is an IP literal.
		{[]string{"ndpi", "sonos.pcapng"}, []helloWant{{"192.168.1.70", "ae25e09391d7275844ccf16316569582", false}}},
		// An 11,414-byte hello in 12 TCP segments, without SNI.
		{[]string{"ndpi", "tls_with_huge_ch.pcapng"}, []helloWant{{"", "66d6080b942b0b593896bf729f3fd326", false}}},
	}
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			var got []helloWant
			for _, s := range packets.Conversations(t, testutil.Fixture(t, tc.path...), 1<<16) {
				ch, err := ParseClientHello(s.Client)
				if err != nil {
					continue
				}
				_, ja3 := JA3(ch)
				got = append(got, helloWant{ch.SNI, ja3, ch.HasECH})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestMissingSegmentNeedsMore: the hello of tls_missing_ch_frag lacks a TCP
// segment, so the contiguous bytes are a valid prefix and never complete.
func TestMissingSegmentNeedsMore(t *testing.T) {
	streams := packets.Conversations(t, testutil.Fixture(t, "ndpi", "tls_missing_ch_frag.pcap"), 1<<16)
	if len(streams) == 0 {
		t.Fatal("no TCP stream read")
	}
	_, err := ParseClientHello(streams[0].Client)
	if !errors.Is(err, ErrNeedMore) || NeededBytes(err) <= len(streams[0].Client) {
		t.Errorf("err = %v (have %d bytes), want ErrNeedMore", err, len(streams[0].Client))
	}
}

// Expected certificates come from tshark 4.0.17:
//
//	tshark -r F -Y tls.handshake.certificate -T fields -e tcp.stream \
//	  -e x509af.serialNumber -e x509sat.uTF8String -e x509sat.printableString -e x509ce.dNSName
type leafWant struct {
	cn, org, issuerCN string
	dnsNames          []string
	serial            string
	chainLen          int
}

func TestServerCertificatesInFixtures(t *testing.T) {
	tests := []struct {
		path []string
		want leafWant // leaf of the first connection with a certificate chain
	}{
		{[]string{"iot-sentinel", "TP-LinkPlugHS110", "Setup-A-5-STA.pcap"}, leafWant{
			"*.tplinkcloud.com", "TP-LINK TECHNOLOGIES CO., LTD.", "Symantec Class 3 Secure Server CA - G4",
			[]string{"*.tplinkcloud.com", "tplinkcloud.com"}, "063b2a91fad0e9581984dde699f4a1c0", 2}},
		{[]string{"iot-sentinel", "WeMoLink", "Setup-C-1-STA.pcap"}, leafWant{
			"xbcs.net", "", "Go Daddy Secure Certificate Authority - G2",
			[]string{"xbcs.net", "www.xbcs.net", "ice.xbcs.net", "api.xbcs.net", "fs.xbcs.net", "fw.xbcs.net"}, "6bcdb838e25f8df1", 4}},
		{[]string{"iot-sentinel", "D-LinkHomeHub", "Setup-C-3-STA.pcap"}, leafWant{
			"*.dch.dlink.com", "D-LINK CORPORATION", "GlobalSign Organization Validation CA - SHA256 - G2",
			[]string{"*.dch.dlink.com", "dch.dlink.com"}, "1121cb4c600c3a834373f9dadc254c078f04", 3}},
		{[]string{"ndpi", "sonos.pcapng"}, leafWant{
			"347E5CFFA26E", "Sonos, Inc", "Sonos Device Authentication Root CA",
			[]string{"sonos-347E5CFFA26E.local", "sonos-347E5CFFA26E.smartspeaker.audio"}, "00dab5af50aa1111eea35202461776a857", 1}},
		{[]string{"madea", "training_2023-5-25_23_15_41.cap"}, leafWant{
			"device-metrics-us-2.amazon.com", "", "DigiCert Global CA G2",
			[]string{"device-metrics-us-2.amazon.com", "alexa-auto.device-metrics-us-2.amazon.com", "toyota-alexa-auto.device-metrics-us-2.amazon.com",
				"jfewlk.device-metrics-us-2.amazon.com", "fewjlw.device-metrics-us-2.amazon.com", "avs.device-metrics-us-2.amazon.com",
				"alexa-comms.device-metrics-us-2.amazon.com"}, "0409abada053777ae893533e9f9a60cb", 3}},
	}
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			info := firstChain(t, tc.path)
			if info == nil {
				t.Fatal("no certificate chain found")
			}
			leaf := info.Certificates[0]
			got := leafWant{leaf.SubjectCN, leaf.SubjectOrg, leaf.IssuerCN, leaf.DNSNames, leaf.Serial, len(info.Certificates)}
			if got.cn != tc.want.cn || got.org != tc.want.org || got.issuerCN != tc.want.issuerCN ||
				!slices.Equal(got.dnsNames, tc.want.dnsNames) || got.serial != tc.want.serial || got.chainLen != tc.want.chainLen {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			for _, c := range info.Certificates {
				if der := findDER(t, tc.path, c.SHA256); der != nil {
					assertTolerantMatches(t, der)
				}
			}
		})
	}
}

func firstChain(t *testing.T, path []string) *ServerInfo {
	for _, s := range packets.Conversations(t, testutil.Fixture(t, path...), 1<<16) {
		info, err := ParseServerFlight(s.Server)
		if err == nil && len(info.Certificates) > 0 {
			return info
		}
	}
	return nil
}

// findDER returns the DER certificate of the first chain with the given
// SHA-256, for cross-checking the tolerant reader on real certificates.
func findDER(t *testing.T, path []string, sum string) []byte {
	var found []byte
	eachCertificateDER(t, testutil.Fixture(t, path...), func(der []byte) bool {
		if parseCertificate(der).SHA256 == sum {
			found = der
			return false
		}
		return true
	})
	return found
}

// eachCertificateDER calls fn with every DER certificate sent in clear by a
// server in the capture, until fn returns false.
func eachCertificateDER(t *testing.T, capture string, fn func(der []byte) bool) {
	for _, s := range packets.Conversations(t, capture, 1<<16) {
		hs := handshakeStream{stream: s.Server}
		_, n, err := hs.header(0)
		if err != nil {
			continue
		}
		_, m, err := hs.header(4 + n)
		if err != nil {
			continue
		}
		msg, err := hs.message(4+n, m)
		if err != nil || msg[0] != typeCertificate {
			continue
		}
		r := reader{b: msg[4:]}
		list := reader{b: r.vec24()}
		for !list.empty() && !list.bad {
			if der := list.vec24(); !list.bad && !fn(der) {
				return
			}
		}
	}
}

// TestTolerantReaderMatchesX509OnEveryFixture backs the hand-written DER
// reader being the main path: on every certificate that any fixture's
// servers send in clear and crypto/x509 accepts, both read the same fields.
func TestTolerantReaderMatchesX509OnEveryFixture(t *testing.T) {
	certs := 0
	err := filepath.WalkDir(testutil.FixturesDir(t), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isCaptureName(path) {
			return err
		}
		eachCertificateDER(t, path, func(der []byte) bool {
			if _, err := x509.ParseCertificate(der); err == nil {
				assertTolerantMatches(t, der)
				certs++
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if certs < 20 {
		t.Fatalf("only %d certificates found in the fixtures", certs)
	}
	t.Logf("%d certificates read alike by crypto/x509 and the tolerant reader", certs)
}

func isCaptureName(path string) bool {
	for _, ext := range []string{".pcap", ".pcapng", ".cap"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}
