package coap

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// TestNDPICoAP checks the 19 CoAP messages of ndpi/coap_mqtt.pcap (over
// IPv6) against tshark 4.0.17: -Y coap -T fields -e coap.type -e coap.code
// -e coap.mid -e coap.token -e coap.opt.uri_host -e coap.opt.uri_path_recon
// -e coap.opt.uri_query -e coap.payload_length. The first four messages use
// a pre-RFC option numbering (option 2), which tshark, like this package,
// leaves as an unknown option.
func TestNDPICoAP(t *testing.T) {
	want := []string{
		`CON 0.01 GET 1482 721633 "" "" "" 0`,
		`CON 0.02 POST 65485 721633 "" "" "" 0`,
		`CON 0.03 PUT 14333 721633 "" "" "" 0`,
		`CON 0.04 DELETE 18020 721633 "" "" "" 0`,
		`CON 0.01 GET 35444 7216332b2e "" "" "=` + "\uFFFD" + `" 0`,
		`CON 0.01 GET 59675 0790 "" "/separate" "" 0`,
		`ACK 0.00 Empty 59675  "" "" "" 0`,
		`CON 2.05 Content 22287 0790 "" "" "" 122`,
		`ACK 0.00 Empty 22287  "" "" "" 0`,
		`CON 0.02 POST 52896  "" "/storage" "" 10`,
		`ACK 2.01 Created 52896  "" "" "" 0`,
		`CON 0.03 PUT 52897  "" "" "" 6`,
		`ACK 4.05 Method Not Allowed 52897  "" "" "" 0`,
		`CON 0.03 PUT 38178  "" "/storage/myresource" "" 6`,
		`ACK 2.04 Changed 38178  "" "" "" 0`,
		`CON 0.01 GET 38179  "" "/storage/myresource" "" 0`,
		`ACK 2.05 Content 38179  "" "" "" 6`,
		`CON 0.04 DELETE 38180  "" "/storage/myresource" "" 0`,
		`ACK 2.02 Deleted 38180  "" "" "" 0`,
	}
	var m Message
	var got []string
	cut := packets.Each(t, testutil.Fixture(t, "ndpi", "coap_mqtt.pcap"), func(p *decode.Packet) {
		if !p.Has(decode.LayerUDP) || (p.SrcPort != 5683 && p.DstPort != 5683) {
			return
		}
		if err := m.Unpack(p.Payload); err != nil {
			t.Errorf("frame %d: %v", p.Frame.Number, err)
		}
		got = append(got, fmt.Sprintf("%s %s %d %x %q %q %q %d", TypeString(m.Type), m.CodeString(), m.MessageID, m.Token,
			m.UriHost, m.UriPath, m.UriQuery, len(m.Payload)))
	})
	if cut != nil {
		t.Fatal(cut)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
