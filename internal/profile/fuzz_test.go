package profile

import (
	"reflect"
	"testing"
)

// FuzzProfileYAML checks that the reader never panics or hangs on any
// input, and that every profile it accepts survives a write and re-read
// unchanged (the round-trip property the signatures command relies on).
func FuzzProfileYAML(f *testing.F) {
	f.Add([]byte("device-info: {name: a, ipv4: 192.168.1.2}\nsingle-policies:\n  p:\n    protocols:\n      udp: {dst-port: 53}\n      ipv4: {src: self, dst: gateway}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, resolve := range []bool{false, true} {
			p, err := Parse(data, "fuzz.yaml", Options{ResolveIncludes: resolve})
			if err != nil {
				continue
			}
			out, err := Marshal(p)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			q, err := Parse(out, "again.yaml", Options{})
			if err != nil {
				t.Fatalf("written profile does not read back: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(p, q) {
				t.Fatalf("round trip changed the profile\n%q\n%s", data, out)
			}
		}
	})
}
