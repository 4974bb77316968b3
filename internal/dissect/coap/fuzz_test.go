package coap

import (
	"bytes"
	"testing"
)

// FuzzCoAP checks that Unpack never panics, that options and payload lie
// inside the input, and that a reused Message matches a fresh one.
func FuzzCoAP(f *testing.F) {
	f.Add([]byte{0x42, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x3b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', 0x84, 's', 'e', 'n', 's', 0x44, 'u', 'n', 'i', 't'})
	f.Add([]byte{0x60, 0x45, 0x00, 0x07, 0xc1, 0x00, 0xff, '2', '1'})
	f.Add([]byte{0x50, 0x02, 0, 1, 0xd1, 0x2f, 0x11, 0xe1, 0x00, 0x00, 0x05})
	f.Add([]byte{0x45, 0x01, 0x8a, 0x74, 0x72, 0x16, 0x33, 0x2b, 0x2e, 0x77, 0x77, 0x04, 0x63, 0x6f, 0x10, 0x12, 0x3d, 0xd4})
	var reused Message
	f.Fuzz(func(t *testing.T, b []byte) {
		var fresh Message
		errFresh, errReused := fresh.Unpack(b), reused.Unpack(b)
		if (errFresh == nil) != (errReused == nil) || summary(&fresh) != summary(&reused) {
			t.Fatalf("fresh %s (%v) and reused %s (%v) differ", summary(&fresh), errFresh, summary(&reused), errReused)
		}
		total := len(fresh.Token) + len(fresh.Payload)
		for _, o := range fresh.Options {
			total += len(o.Value)
		}
		if total > len(b) {
			t.Fatalf("options, token and payload hold %d bytes of %d", total, len(b))
		}
		if len(fresh.Payload) > 0 && !bytes.HasSuffix(b, fresh.Payload) {
			t.Fatal("payload is not the tail of the message")
		}
	})
}
