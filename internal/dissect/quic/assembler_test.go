package quic

import (
	"errors"
	"slices"
	"testing"

	"github.com/iotlens/iotlens/internal/dissect/tls"
)

const second = int64(1e9)

// splitHello protects a ClientHello spread over three Initial packets in two
// datagrams, the second datagram carrying the start (as Chromium does).
func splitHello(t *testing.T, dcid []byte, sni string) (first, second []byte) {
	hello := clientHelloMessage(sni)
	a, b := len(hello)/3, 2*len(hello)/3
	spec := func(pn uint32, payload []byte) initialSpec {
		return initialSpec{version: Version1, dcid: dcid, pn: pn, pnLen: 1, payload: padTo(payload, 64)}
	}
	first = protectInitial(t, spec(0, cryptoFrameBytes(uint64(b), hello[b:])))
	second = slices.Concat(
		protectInitial(t, spec(1, cryptoFrameBytes(uint64(a), hello[a:b]))),
		protectInitial(t, spec(2, slices.Concat(cryptoFrameBytes(0, hello[:a+5]), []byte{framePing}))),
	)
	return first, second
}

func TestAssemblerJoinsSplitHello(t *testing.T) {
	asm := NewAssembler(8)
	d1, d2 := splitHello(t, []byte{9, 9, 9, 9, 9, 9, 9, 9}, "split.example")
	ch, err := asm.Add(d1, 1*second)
	if ch != nil || err != nil {
		t.Fatalf("first datagram: (%v, %v), want (nil, nil)", ch, err)
	}
	ch, err = asm.Add(d2, 2*second)
	if err != nil || ch == nil || ch.SNI != "split.example" {
		t.Fatalf("second datagram: (%+v, %v)", ch, err)
	}
	// A retransmission of a finished connection reports nothing.
	if ch, err := asm.Add(d2, 3*second); ch != nil || err != nil {
		t.Errorf("retransmission: (%v, %v)", ch, err)
	}
	if asm.Len() != 1 {
		t.Errorf("Len = %d", asm.Len())
	}
}

func TestAssemblerBounds(t *testing.T) {
	dcid := func(i byte) []byte { return []byte{i, i, i, i, i, i, i, i} }
	t.Run("connection limit evicts the least recent", func(t *testing.T) {
		asm := NewAssembler(2)
		firsts := make([][]byte, 3)
		seconds := make([][]byte, 3)
		for i := range 3 {
			firsts[i], seconds[i] = splitHello(t, dcid(byte(i+1)), "bound.example")
			if _, err := asm.Add(firsts[i], int64(i)*second); err != nil {
				t.Fatal(err)
			}
		}
		if asm.Len() != 2 {
			t.Fatalf("Len = %d, want 2", asm.Len())
		}
		// Connection 1 was evicted: its second half alone is incomplete.
		if ch, err := asm.Add(seconds[0], 4*second); ch != nil || err != nil {
			t.Errorf("evicted connection: (%v, %v)", ch, err)
		}
		if ch, err := asm.Add(seconds[2], 5*second); ch == nil || err != nil {
			t.Errorf("kept connection: (%v, %v)", ch, err)
		}
	})
	t.Run("idle connections expire", func(t *testing.T) {
		asm := NewAssembler(4)
		d1, d2 := splitHello(t, dcid(7), "idle.example")
		asm.Add(d1, 0)
		if ch, _ := asm.Add(d2, idleTimeout+2*second); ch != nil {
			t.Error("joined data across the idle timeout")
		}
	})
	t.Run("crypto data beyond 64 KiB", func(t *testing.T) {
		asm := NewAssembler(4)
		far := protectInitial(t, initialSpec{version: Version1, dcid: dcid(5), pnLen: 1, payload: padTo(cryptoFrameBytes(MaxCryptoBytes, []byte{1}), 64)})
		if _, err := asm.Add(far, 0); !errors.Is(err, ErrTooLarge) || asm.Len() != 0 {
			t.Errorf("err = %v, Len = %d", err, asm.Len())
		}
	})
	t.Run("announced message beyond 64 KiB", func(t *testing.T) {
		asm := NewAssembler(4)
		huge := protectInitial(t, initialSpec{version: Version1, dcid: dcid(6), pnLen: 1, payload: padTo(cryptoFrameBytes(0, []byte{1, 0x01, 0, 0}), 64)})
		if _, err := asm.Add(huge, 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("too many pieces", func(t *testing.T) {
		asm := NewAssembler(4)
		var payload []byte
		for i := range maxRanges + 1 {
			payload = append(payload, cryptoFrameBytes(uint64(10+3*i), []byte{1})...)
		}
		p := protectInitial(t, initialSpec{version: Version1, dcid: dcid(8), pnLen: 1, payload: payload})
		if _, err := asm.Add(p, 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not a ClientHello", func(t *testing.T) {
		asm := NewAssembler(4)
		p := protectInitial(t, initialSpec{version: Version1, dcid: dcid(9), pnLen: 1, payload: padTo(cryptoFrameBytes(0, []byte{2, 0, 0, 1, 0}), 64)})
		if ch, err := asm.Add(p, 0); ch != nil || !errors.Is(err, tls.ErrNotClientHello) {
			t.Errorf("(%v, %v)", ch, err)
		}
	})
}

func TestAddSpan(t *testing.T) {
	tests := []struct {
		spans []span
		add   span
		want  []span
	}{
		{nil, span{5, 9}, []span{{5, 9}}},
		{[]span{{0, 3}}, span{3, 5}, []span{{0, 5}}},
		{[]span{{0, 3}, {10, 12}}, span{5, 6}, []span{{0, 3}, {5, 6}, {10, 12}}},
		{[]span{{0, 3}, {10, 12}}, span{2, 11}, []span{{0, 12}}},
		{[]span{{4, 6}}, span{0, 1}, []span{{0, 1}, {4, 6}}},
		{[]span{{0, 1}}, span{7, 8}, []span{{0, 1}, {7, 8}}},
	}
	for _, tc := range tests {
		if got := addSpan(slices.Clone(tc.spans), tc.add); !slices.Equal(got, tc.want) {
			t.Errorf("addSpan(%v, %v) = %v, want %v", tc.spans, tc.add, got, tc.want)
		}
	}
}

// TestAssemblerHotPathAllocations: short-header packets (the bulk of QUIC
// traffic) and retransmitted Initials of finished connections cost nothing.
func TestAssemblerHotPathAllocations(t *testing.T) {
	asm := NewAssembler(4)
	d1, d2 := splitHello(t, []byte{3, 3, 3, 3, 3, 3, 3, 3}, "alloc.example")
	asm.Add(d1, 0)
	if ch, _ := asm.Add(d2, 0); ch == nil {
		t.Fatal("hello not assembled")
	}
	shortHeader := slices.Concat([]byte{0x43}, make([]byte, 60))
	tests := []struct {
		name     string
		datagram []byte
	}{
		{"short header", shortHeader},
		{"finished connection", d2},
	}
	for _, tc := range tests {
		allocs := testing.AllocsPerRun(200, func() { asm.Add(tc.datagram, 1) })
		if allocs != 0 {
			t.Errorf("%s: %v allocations per datagram", tc.name, allocs)
		}
	}
}
