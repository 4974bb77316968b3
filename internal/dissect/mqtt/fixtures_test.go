package mqtt

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/tcpreasm"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// eachPacket reassembles every TCP direction that has port as source or
// destination and calls fn with each MQTT packet in it, in capture order.
func eachPacket(t *testing.T, path string, port uint16, fn func(p Packet, err error)) {
	t.Helper()
	onPort := func(p *decode.Packet) bool { return p.SrcPort == port || p.DstPort == port }
	cut := packets.TCPStreams(t, path, onPort, 64<<10, func(_ packets.Direction, s *tcpreasm.Stream) {
		for {
			pkt, n, err := Parse(s.Bytes())
			if errors.Is(err, ErrIncomplete) || n == 0 {
				break
			}
			fn(pkt, err)
			s.Skip(n)
		}
	})
	if cut != nil {
		t.Fatal(cut)
	}
}

// TestNDPIMQTT checks ndpi/mqtt.pcap packet by packet against tshark 4.0.17
// (-Y mqtt -T fields -e mqtt.msgtype -e mqtt.protoname -e mqtt.ver
// -e mqtt.clientid -e mqtt.conflag.uname -e mqtt.conflag.passwd
// -e mqtt.kalive -e mqtt.topic -e mqtt.msgid -e mqtt.len -e mqtt.qos).
func TestNDPIMQTT(t *testing.T) {
	want := []string{
		`CONNECT len=64 proto=MQIsdp/3 client="cbaabcbabacbbbbbaaaaab" user=true pass=true keepalive=20`,
		`SUBSCRIBE len=30 id=1 topics=["astr/s720/02D5050223D3/99"]`,
		`CONNACK len=2 session=false rc=0`,
		`SUBACK len=3 id=1`,
		`PUBLISH len=389 topic="astr/admin/otaupd8" qos=0 retain=false dup=false id=0 payload=369`,
		`PUBLISH len=87 topic="astr/s720/02D5050223D3/99" qos=0 retain=false dup=false id=0 payload=60`,
		`DISCONNECT len=0`,
		`CONNECT len=282 proto=MQTT/4 client="P47775ID170W2120" user=true pass=true keepalive=600`,
	}
	var got []string
	eachPacket(t, testutil.Fixture(t, "ndpi", "mqtt.pcap"), 1883, func(p Packet, err error) {
		if err != nil {
			t.Errorf("Parse: %v", err)
		}
		got = append(got, describe(p))
	})
	if !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestNDPICoAPMQTT checks the MQTT session on the non-standard port 17501
// in ndpi/coap_mqtt.pcap. tshark 4.0.17 with -d tcp.port==17501,mqtt counts
// 1 CONNECT (client Bus41, MQTT/4, keepalive 60, no user name), 1 CONNACK,
// 75 PUBLISH, 70 PUBACK, 1 SUBSCRIBE (Bus17Cmd), 1 SUBACK, 2 PINGREQ and
// 2 PINGRESP; PUBLISH topics are Bus17Info 38 times and Bus17Cmd 37 times.
func TestNDPICoAPMQTT(t *testing.T) {
	counts := map[string]int{}
	topics := map[string]int{}
	var connect, subscribe string
	eachPacket(t, testutil.Fixture(t, "ndpi", "coap_mqtt.pcap"), 17501, func(p Packet, err error) {
		if err != nil {
			t.Errorf("Parse: %v", err)
		}
		counts[TypeString(p.Type)]++
		switch p.Type {
		case TypePublish:
			topics[p.Topic]++
		case TypeConnect:
			connect = describe(p)
		case TypeSubscribe:
			subscribe = describe(p)
		}
	})
	wantCounts := "map[CONNACK:1 CONNECT:1 PINGREQ:2 PINGRESP:2 PUBACK:70 PUBLISH:75 SUBACK:1 SUBSCRIBE:1]"
	if got := fmt.Sprint(counts); got != wantCounts {
		t.Errorf("counts %s, want %s", got, wantCounts)
	}
	if got := fmt.Sprint(topics); got != "map[Bus17Cmd:37 Bus17Info:38]" {
		t.Errorf("publish topics %s", got)
	}
	if want := `CONNECT len=17 proto=MQTT/4 client="Bus41" user=false pass=false keepalive=60`; connect != want {
		t.Errorf("connect %s, want %s", connect, want)
	}
	if want := `SUBSCRIBE len=13 id=2 topics=["Bus17Cmd"]`; subscribe != want {
		t.Errorf("subscribe %s, want %s", subscribe, want)
	}
}
