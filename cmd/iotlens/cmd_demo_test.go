package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/synth"
)

// TestDemoRunsOnEmbeddedSample: `iotlens demo -o DIR` needs no input and
// writes the report files, every sample device is seen, and the embedded
// sample is exactly what its go:generate line produces.
func TestDemoRunsOnEmbeddedSample(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := run(t, "demo", "-q", "-o", dir); code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	for _, f := range []string{"summary.txt", "summary.csv", "summary.json", "input/sample.pcap", "input/sample-devices.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s missing or empty", f)
		}
	}
	var rows []struct {
		Device  string `json:"device"`
		Packets int64  `json:"packets"`
		Vendor  string `json:"vendor"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 {
		t.Fatalf("%d devices, want 8", len(rows))
	}
	for _, r := range rows {
		if r.Packets == 0 || r.Vendor == "" {
			t.Errorf("%s: packets %d vendor %q", r.Device, r.Packets, r.Vendor)
		}
	}
	// Same options as internal/demo's go:generate line.
	var want bytes.Buffer
	if _, err := synth.Generate(&want, synth.Options{Devices: 8, Duration: 3 * time.Hour, Seed: 1, Compressible: true}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "input", "sample.pcap"))
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("the embedded sample differs from what `go generate ./internal/demo` makes; regenerate it")
	}
}
