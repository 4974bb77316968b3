package dns

import (
	"slices"
	"testing"
)

// FuzzDNS checks that Unpack never panics, stays bounded by the message
// length, and gives the same result into a fresh and into a reused Message.
func FuzzDNS(f *testing.F) {
	f.Add(cnameChainResponse())
	f.Add(newMsg(1, 0x0100, 1, 0, 0, 0).name("www", "example", "com").question(TypeA, ClassIN).bytes())
	f.Add(newMsg(10, 0x8180, 1, 1, 0, 0).labels("a").ptr(12).question(TypeA, ClassIN).name("b").rr(TypeA, ClassIN, 1, []byte{1, 2, 3, 4}).bytes())
	f.Add(newMsg(6, 0x8180, 0, 1, 0, 0).name("defo", "ie").rr(TypeHTTPS, ClassIN, 300, []byte{0, 1, 0, 0, 1, 0, 3, 2, 'h', '2', 0, 5, 0, 2, 0xfe, 0x0d}).bytes())
	f.Add(newMsg(4, 0x8400, 0, 2, 0, 0).name("dev", "local").rr(TypeTXT, 0x8001, 1, []byte("\x03a=1\x05b=\xc3\xa9x")).
		ptr(12).rr(TypeSRV, ClassIN, 1, append([]byte{0, 1, 0, 2, 0, 3}, 0xc0, 12)).bytes())
	var reused Message
	f.Fuzz(func(t *testing.T, b []byte) {
		var fresh Message
		errFresh := fresh.Unpack(b)
		errReused := reused.Unpack(b)
		if (errFresh == nil) != (errReused == nil) {
			t.Fatalf("fresh error %v, reused error %v", errFresh, errReused)
		}
		if a, r := summary(&fresh), summary(&reused); !slices.Equal(a, r) {
			t.Fatalf("fresh and reused Message differ:\n%q\n%q", a, r)
		}
		entries := len(fresh.Questions) + len(fresh.Answers) + len(fresh.Authority) + len(fresh.Additional)
		if entries > 0 && entries > len(b)/2 {
			t.Fatalf("%d entries from %d bytes", entries, len(b))
		}
		for _, sec := range [][]RR{fresh.Answers, fresh.Authority, fresh.Additional} {
			for i := range sec {
				sec[i].SvcParam(5)
			}
		}
		for off := 0; off < len(b) && off < 64; off++ {
			if _, next, _ := Name(b, off); next < off || next > len(b) {
				t.Fatalf("Name(b, %d) returned next %d of %d", off, next, len(b))
			}
		}
		SplitTCP(b, func(msg []byte) { _ = fresh.Unpack(msg) })
	})
}
