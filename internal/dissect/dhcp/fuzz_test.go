package dhcp

import "testing"

// FuzzDHCP checks that Unpack never panics and that a reused Message gives
// the same result as a fresh one.
func FuzzDHCP(f *testing.F) {
	f.Add(v4Message(1, 0x83ba3b93, testMAC, opt(53, 1), opt(61, 1, 1, 2, 3, 4, 5, 6), opt(12, 'E', 'S', 'P'), opt(55, 1, 3, 6), opt(255)))
	f.Add(v4Message(2, 7, testMAC, opt(53, 5), opt(54, 192, 168, 1, 1), opt(51, 0, 0, 0xa8, 0xc0), opt(1, 255, 255, 255, 0),
		opt(3, 192, 168, 1, 1), opt(6, 1, 1, 1, 1, 8, 8, 8, 8), opt(81, 5, 0, 0, 2, 'a', 'b', 0)))
	f.Add(v4Message(1, 2, testMAC, opt(53, 1), []byte{60, 10, 'x'}))
	var reused Message
	f.Fuzz(func(t *testing.T, b []byte) {
		var fresh Message
		errFresh, errReused := fresh.Unpack(b), reused.Unpack(b)
		if (errFresh == nil) != (errReused == nil) {
			t.Fatalf("fresh error %v, reused error %v", errFresh, errReused)
		}
		if a, r := v4Summary(&fresh), v4Summary(&reused); a != r {
			t.Fatalf("fresh and reused differ:\n%s\n%s", a, r)
		}
		MsgTypeString(fresh.MsgType)
	})
}

// FuzzDHCPv6 does the same for V6Message.
func FuzzDHCPv6(f *testing.F) {
	addr := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	iana := v6opt(v6OptIANA, append(make([]byte, 12), v6opt(v6OptIAAddr, append(addr[:], make([]byte, 8)...)...)...)...)
	solicit := v6Message(1, 0x472671, v6opt(v6OptClientID, 0, 1, 0, 1, 1, 2, 3, 4), iana,
		v6opt(v6OptClientFQDN, 1, 2, 'h', 'b', 0), v6opt(v6OptVendor, 0, 0, 1, 0x37, 0, 2, 'a', 'b'))
	f.Add(solicit)
	f.Add(append(append([]byte{v6RelayForw, 0}, make([]byte, 32)...), v6opt(v6OptRelayMsg, solicit...)...))
	f.Add(v6Message(7, 1, v6opt(2, 0, 3, 0, 1), v6opt(23, addr[:]...)))
	var reused V6Message
	f.Fuzz(func(t *testing.T, b []byte) {
		var fresh V6Message
		errFresh, errReused := fresh.Unpack(b), reused.Unpack(b)
		if (errFresh == nil) != (errReused == nil) {
			t.Fatalf("fresh error %v, reused error %v", errFresh, errReused)
		}
		if a, r := v6Summary(&fresh), v6Summary(&reused); a != r {
			t.Fatalf("fresh and reused differ:\n%s\n%s", a, r)
		}
	})
}
