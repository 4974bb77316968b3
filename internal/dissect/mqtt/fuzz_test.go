package mqtt

import (
	"errors"
	"testing"
)

// FuzzMQTT checks that Parse never panics, never claims more bytes than it
// was given, and that a packet it accepts is also accepted when more bytes
// follow it.
func FuzzMQTT(f *testing.F) {
	f.Add(packet(0x10, mqttString("MQTT"), []byte{4, 0xc2, 0, 60}, mqttString("sensor-1"), mqttString("u"), mqttString("p")), uint8(4))
	f.Add(packet(0x10, mqttString("MQTT"), []byte{5, 0x80, 0, 30, 2, 0x11, 0}, mqttString("v5")), uint8(5))
	f.Add(packet(0x32, mqttString("a/b"), []byte{0, 9, 0}, []byte("payload")), uint8(5))
	f.Add(packet(0x82, []byte{0, 1}, mqttString("a/#"), []byte{1}), uint8(4))
	f.Add([]byte{0x30, 0xff, 0xff, 0xff, 0x7f}, uint8(4))
	f.Fuzz(func(t *testing.T, b []byte, level uint8) {
		p, n, err := ParseLevel(b, level)
		if n < 0 || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		if err == nil && n == 0 {
			t.Fatal("no error but no bytes consumed")
		}
		if errors.Is(err, ErrIncomplete) && n != 0 {
			t.Fatalf("incomplete packet consumed %d bytes", n)
		}
		if err != nil || n == 0 {
			return
		}
		longer := append(append([]byte{}, b[:n]...), 0xc0, 0)
		q, m, err2 := ParseLevel(longer, level)
		if err2 != nil || m != n || describe(q) != describe(p) {
			t.Fatalf("with trailing bytes: %s n=%d err=%v; alone: %s n=%d", describe(q), m, err2, describe(p), n)
		}
	})
}
