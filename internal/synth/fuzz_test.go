package synth

import (
	"io"
	"testing"
	"time"
)

// FuzzGenerate checks, for arbitrary options, that generation succeeds and
// that the capture reads back in time order with every frame well formed.
func FuzzGenerate(f *testing.F) {
	f.Add(uint64(1), uint8(8), uint8(5), false, uint16(0))
	f.Add(uint64(2), uint8(1), uint8(1), true, uint16(0))
	f.Add(uint64(0xdeadbeef), uint8(23), uint8(9), true, uint16(300))
	f.Fuzz(func(t *testing.T, seed uint64, devices, minutes uint8, hostile bool, targetKB uint16) {
		o := Options{
			Devices:     1 + int(devices)%24,
			Duration:    time.Duration(1+int(minutes)%10) * time.Minute,
			Seed:        seed,
			Hostile:     hostile,
			TargetBytes: int64(targetKB%2048) << 10,
		}
		data, tr := generate(t, o)
		st, err := checkCapture(data)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if st.frames != tr.Packets || int64(len(data)) != tr.Bytes {
			t.Fatalf("%+v: read %d frames / %d bytes, Truth says %d / %d", o, st.frames, len(data), tr.Packets, tr.Bytes)
		}
	})
}

// BenchmarkGenerate measures generation speed on a ~50 MB capture.
func BenchmarkGenerate(b *testing.B) {
	const target = 50 << 20
	b.SetBytes(target)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(io.Discard, Options{Devices: 12, Seed: 1, TargetBytes: target}); err != nil {
			b.Fatal(err)
		}
	}
}
