package hotmap

import "testing"

func TestMap(t *testing.T) {
	var m Map[string, int]
	if m.Lookup("a") != nil {
		t.Fatal("empty map found a key")
	}
	*m.Get("a") = 1
	*m.Get("b") = 2
	*m.Get("c") = 3 // evicts "a" from the cache, not from the map
	for k, want := range map[string]int{"a": 1, "b": 2, "c": 3} {
		if v := m.Lookup(k); v == nil || *v != want {
			t.Fatalf("%s = %v", k, v)
		}
	}
	if m.Len() != 3 {
		t.Fatalf("len %d", m.Len())
	}
	*m.Get("a") += 10
	if *m.M["a"] != 11 {
		t.Fatal("cached value is not the map's value")
	}
}

func TestHitAllocatesNothing(t *testing.T) {
	var m Map[[6]byte, int64]
	k := [6]byte{1, 2, 3}
	m.Get(k)
	if n := testing.AllocsPerRun(100, func() { *m.Get(k)++ }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}
