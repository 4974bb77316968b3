package mqtt

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// mqttString encodes a length-prefixed string.
func mqttString(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

// packet assembles a control packet from its first byte and body.
func packet(first byte, body ...[]byte) []byte {
	var b []byte
	for _, part := range body {
		b = append(b, part...)
	}
	return append(append([]byte{first}, encodeLength(len(b))...), b...)
}

func encodeLength(n int) []byte {
	var out []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n > 0 {
			out = append(out, c|0x80)
			continue
		}
		return append(out, c)
	}
}

// describe renders the fields a test checks.
func describe(p Packet) string {
	s := fmt.Sprintf("%s len=%d", TypeString(p.Type), p.RemainingLength)
	switch p.Type {
	case TypeConnect:
		s += fmt.Sprintf(" proto=%s/%d client=%q user=%v pass=%v keepalive=%d", p.ProtocolName, p.ProtocolLevel, p.ClientID, p.HasUsername, p.HasPassword, p.KeepAlive)
	case TypeConnAck:
		s += fmt.Sprintf(" session=%v rc=%d", p.SessionPresent, p.ReturnCode)
	case TypePublish:
		s += fmt.Sprintf(" topic=%q qos=%d retain=%v dup=%v id=%d payload=%d", p.Topic, p.QoS, p.Retain, p.Dup, p.PacketID, p.PayloadLen)
	case TypeSubscribe, TypeUnsubscribe:
		s += fmt.Sprintf(" id=%d topics=%q", p.PacketID, p.Topics)
	case TypePubAck, TypePubRec, TypePubRel, TypePubComp, TypeSubAck, TypeUnsubAck:
		s += fmt.Sprintf(" id=%d", p.PacketID)
	}
	return s
}

func TestParse(t *testing.T) {
	connect311 := packet(0x10, mqttString("MQTT"), []byte{4, 0xc2, 0, 60}, mqttString("sensor-1"), mqttString("user"), mqttString("pw"))
	longPublish := packet(0x30, mqttString("t"), make([]byte, 200))
	tests := []struct {
		name    string
		in      []byte
		level   uint8
		want    string
		wantN   int
		wantErr error
	}{
		{"connect 3.1.1", connect311, Level311, `CONNECT len=30 proto=MQTT/4 client="sensor-1" user=true pass=true keepalive=60`, 32, nil},
		{"connect 3.1", packet(0x10, mqttString("MQIsdp"), []byte{3, 0x02, 0, 20}, mqttString("abc")), Level311,
			`CONNECT len=17 proto=MQIsdp/3 client="abc" user=false pass=false keepalive=20`, 19, nil},
		{"connect 5 with properties", packet(0x10, mqttString("MQTT"), []byte{5, 0x80, 0, 30, 5, 0x11, 0, 0, 0, 10}, mqttString("v5"), mqttString("u")), Level311,
			`CONNECT len=23 proto=MQTT/5 client="v5" user=true pass=false keepalive=30`, 25, nil},
		{"connack", []byte{0x20, 2, 1, 0}, Level311, "CONNACK len=2 session=true rc=0", 4, nil},
		{"publish qos0", packet(0x31, mqttString("home/temp"), []byte("21.5")), Level311,
			`PUBLISH len=15 topic="home/temp" qos=0 retain=true dup=false id=0 payload=4`, 17, nil},
		{"publish qos1", packet(0x3a, mqttString("a/b"), []byte{0, 7}, []byte("x")), Level311,
			`PUBLISH len=8 topic="a/b" qos=1 retain=false dup=true id=7 payload=1`, 10, nil},
		{"publish v5 properties", packet(0x32, mqttString("a"), []byte{0, 9, 2, 1, 1}, []byte("xyz")), Level5,
			`PUBLISH len=11 topic="a" qos=1 retain=false dup=false id=9 payload=3`, 13, nil},
		{"publish two-byte length", longPublish, Level311, `PUBLISH len=203 topic="t" qos=0 retain=false dup=false id=0 payload=200`, 206, nil},
		{"subscribe", packet(0x82, []byte{0, 1}, mqttString("a/#"), []byte{1}, mqttString("b/+"), []byte{0}), Level311,
			`SUBSCRIBE len=14 id=1 topics=["a/#" "b/+"]`, 16, nil},
		{"subscribe v5", packet(0x82, []byte{0, 2, 0}, mqttString("x"), []byte{0}), Level5, `SUBSCRIBE len=7 id=2 topics=["x"]`, 9, nil},
		{"unsubscribe", packet(0xa2, []byte{0, 3}, mqttString("a/#")), Level311, `UNSUBSCRIBE len=7 id=3 topics=["a/#"]`, 9, nil},
		{"suback", []byte{0x90, 3, 0, 1, 0}, Level311, "SUBACK len=3 id=1", 5, nil},
		{"pingreq", []byte{0xc0, 0}, Level311, "PINGREQ len=0", 2, nil},
		{"disconnect", []byte{0xe0, 0}, Level311, "DISCONNECT len=0", 2, nil},
		{"control bytes escaped", packet(0x30, mqttString("a\x01b"), nil), Level311,
			`PUBLISH len=5 topic="a\\001b" qos=0 retain=false dup=false id=0 payload=0`, 7, nil},
		{"empty", nil, Level311, "RESERVED len=0", 0, ErrIncomplete},
		{"one byte", []byte{0x30}, Level311, "RESERVED len=0", 0, ErrIncomplete},
		{"length cut", []byte{0x30, 0x80}, Level311, "PUBLISH len=0", 0, ErrIncomplete},
		{"body cut", longPublish[:100], Level311, `PUBLISH len=203`, 0, ErrIncomplete},
		{"five length bytes", []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, Level311, "PUBLISH len=0", 0, ErrMalformed},
		{"largest length", []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, Level311, "PUBLISH len=268435455", 0, ErrIncomplete},
		{"type 0", []byte{0x00, 0}, Level311, "RESERVED len=0", 2, ErrMalformed},
		{"topic past body", packet(0x30, []byte{0, 9, 'a'}), Level311, `PUBLISH len=3 topic="" qos=0 retain=false dup=false id=0 payload=0`, 5, ErrMalformed},
		{"qos 3", packet(0x36, mqttString("a")), Level311, `PUBLISH len=3 topic="" qos=3 retain=false dup=false id=0 payload=0`, 5, ErrMalformed},
		{"subscribe without topics", packet(0x82, []byte{0, 1}), Level311, `SUBSCRIBE len=2 id=1 topics=[]`, 4, ErrMalformed},
		{"connect cut in client id", packet(0x10, mqttString("MQTT"), []byte{4, 0, 0, 1, 0, 5, 'a'}), Level311,
			`CONNECT len=13 proto=MQTT/4 client="" user=false pass=false keepalive=1`, 15, ErrMalformed},
		{"bad properties length", packet(0x10, mqttString("MQTT"), []byte{5, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff}), Level311,
			`CONNECT len=15 proto=MQTT/5 client="" user=false pass=false keepalive=1`, 17, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, n, err := ParseLevel(tt.in, tt.level)
			packets.CheckErr(t, "ParseLevel", err, tt.wantErr)
			got := describe(p)
			if tt.wantErr == ErrIncomplete || (tt.wantErr == ErrMalformed && n == 0) {
				got = fmt.Sprintf("%s len=%d", TypeString(p.Type), p.RemainingLength)
			}
			if got != tt.want || n != tt.wantN {
				t.Errorf("got %s (n=%d)\nwant %s (n=%d)", got, n, tt.want, tt.wantN)
			}
		})
	}
}

func TestParseSeveralInOneBuffer(t *testing.T) {
	buf := append(append([]byte{0xc0, 0}, packet(0x30, mqttString("x"), []byte("1"))...), 0xd0, 0, 0x30)
	var got []string
	for len(buf) > 0 {
		p, n, err := Parse(buf)
		if errors.Is(err, ErrIncomplete) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, TypeString(p.Type))
		buf = buf[n:]
	}
	if strings.Join(got, " ") != "PINGREQ PUBLISH PINGRESP" || len(buf) != 1 {
		t.Fatalf("got %v, %d bytes left", got, len(buf))
	}
}

func TestTypeString(t *testing.T) {
	for typ, want := range map[uint8]string{1: "CONNECT", 3: "PUBLISH", 8: "SUBSCRIBE", 15: "AUTH", 0: "RESERVED", 16: "TYPE16"} {
		if got := TypeString(typ); got != want {
			t.Errorf("TypeString(%d) = %q, want %q", typ, got, want)
		}
	}
}
