package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/report/headless"
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
	for _, f := range []string{"report.html", "summary.txt", "summary.csv", "summary.json", "destinations/destinations.csv",
		"input/sample.pcap", "input/sample-devices.csv"} {
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
	text := checkSelfContained(t, filepath.Join(dir, "report.html"))
	for _, r := range rows {
		if !strings.Contains(text, r.Device) {
			t.Errorf("report.html does not show %s", r.Device)
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

// TestDemoReportInBrowser loads the demo's report.html in headless Chromium
// (skipped when it is not installed, failing under CI=true): no console
// error, no request, every chart drawn. It saves demo-report.png (the top
// 1600 pixels at 1280 wide, as in docs/report-screenshot.png) under
// $IOTLENS_SCREENSHOTS or the test's artifact folder.
func TestDemoReportInBrowser(t *testing.T) {
	path := headless.Find()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (CI installs it: apt-get install -y chromium)")
		}
		t.Skip("chromium not installed; skipping the browser test")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, "demo", "-q", "-o", dir); code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	b, err := headless.Start(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := b.Open(ctx, 1280, 900)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Load(ctx, filepath.Join(dir, "report.html")); err != nil {
		t.Fatal(err)
	}
	var undrawn []string
	err = p.Eval(ctx, `Array.from(document.querySelectorAll("figure.chart")).filter(function (f) {
		return !Array.from(f.querySelectorAll("svg .bar, svg .series")).some(function (e) { return e.getBBox().width > 0; });
	}).map(function (f) { return f.id; })`, &undrawn)
	if err != nil {
		t.Fatal(err)
	}
	if len(undrawn) > 0 {
		t.Errorf("charts with nothing drawn: %v", undrawn)
	}
	time.Sleep(300 * time.Millisecond)
	for _, problem := range p.Problems() {
		t.Error(problem)
	}
	png, err := p.Screenshot(ctx, 1600)
	if err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("IOTLENS_SCREENSHOTS")
	if out == "" {
		out = t.ArtifactDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "demo-report.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
