package flow

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
)

func key(port uint16) Key {
	p := decode.Packet{Layers: decode.LayerIPv4 | decode.LayerTCP, SrcIP: netip.MustParseAddr("192.168.1.2"),
		DstIP: netip.MustParseAddr("52.1.2.3"), SrcPort: port, DstPort: 443, IPProto: 6}
	k, _, _ := KeyOf(&p)
	return k
}

func TestKeyOfIsDirectionFree(t *testing.T) {
	p := decode.Packet{Layers: decode.LayerIPv4 | decode.LayerTCP, SrcIP: netip.MustParseAddr("52.1.2.3"), DstIP: netip.MustParseAddr("192.168.1.2"), SrcPort: 443, DstPort: 50000, IPProto: 6}
	k1, fromLo1, ok := KeyOf(&p)
	p.SrcIP, p.DstIP, p.SrcPort, p.DstPort = p.DstIP, p.SrcIP, p.DstPort, p.SrcPort
	k2, fromLo2, _ := KeyOf(&p)
	if !ok || k1 != k2 || fromLo1 == fromLo2 {
		t.Fatalf("keys %v %v directions %v %v", k1, k2, fromLo1, fromLo2)
	}
	if k1.Lo().String() != "52.1.2.3:443" || k1.Hi().String() != "192.168.1.2:50000" {
		t.Fatalf("endpoints %v %v", k1.Lo(), k1.Hi())
	}
	if _, _, ok := KeyOf(&decode.Packet{Layers: decode.LayerARP}); ok {
		t.Fatal("ARP has no flow key")
	}
}

func TestIdleEviction(t *testing.T) {
	var evicted []Key
	tab := NewTable[int](10, 100, func(k Key, v *int) { evicted = append(evicted, k) })
	v, created := tab.Get(key(1), 0)
	*v = 7
	if !created {
		t.Fatal("first Get must create")
	}
	if v2, created := tab.Get(key(1), 5); created || *v2 != 7 {
		t.Fatal("second Get must find the flow")
	}
	tab.Get(key(2), 30) // sweeps: key(1) idle since 5
	if len(evicted) != 1 || evicted[0] != key(1) || tab.Len() != 1 {
		t.Fatalf("evicted %v, len %d", evicted, tab.Len())
	}
	tab.Flush()
	if tab.Len() != 0 || len(evicted) != 2 {
		t.Fatalf("flush left %d flows", tab.Len())
	}
}

func TestCapBoundsTable(t *testing.T) {
	tab := NewTable[int](1e12, 64, nil)
	for i := 0; i < 10000; i++ {
		tab.Get(key(uint16(i)), int64(i))
		if tab.Len() > 64 {
			t.Fatalf("table grew to %d", tab.Len())
		}
	}
	if tab.Evicted == 0 {
		t.Fatal("nothing evicted under pressure")
	}
}

// TestRepeatedGetAfterEviction checks the one-entry lookup cache: a flow
// evicted (idle, cap or flush) right after being looked up starts afresh.
func TestRepeatedGetAfterEviction(t *testing.T) {
	evictions := map[string]func(tab *Table[int]){
		"idle":  func(tab *Table[int]) { tab.Get(key(2), 1000) },
		"flush": func(tab *Table[int]) { tab.Flush() },
		"cap":   func(tab *Table[int]) { tab.Get(key(2), 5); tab.Get(key(3), 6) },
	}
	for name, evict := range evictions {
		t.Run(name, func(t *testing.T) {
			tab := NewTable[int](10, 2, nil)
			v, _ := tab.Get(key(1), 0)
			*v = 7
			if again, created := tab.Get(key(1), 1); created || *again != 7 {
				t.Fatalf("repeated Get: created=%v value=%d, want the same flow", created, *again)
			}
			evict(tab)
			if v, created := tab.Get(key(1), 1001); !created || *v != 0 {
				t.Fatalf("Get after eviction: created=%v value=%d, want a new flow", created, *v)
			}
		})
	}
}
