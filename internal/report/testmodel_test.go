package report

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/analysis/destinations"
	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/synth"
)

// fixedGenerated keeps rendered pages comparable byte for byte.
const fixedGenerated = "2025-07-01T12:00:00Z"

// writeCapture generates a synthetic capture into dir.
func writeCapture(t testing.TB, dir string, opts synth.Options) string {
	t.Helper()
	path := filepath.Join(dir, "synth.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := synth.Generate(f, opts); err != nil {
		t.Fatal(err)
	}
	return path
}

// modelOf runs summary and destinations over the inputs in one pass, as
// `iotlens report` does, and builds the model from today's analyses.
func modelOf(t testing.TB, inputs []string, devices string, workers int) *Model {
	t.Helper()
	out, err := pipeline.Run(context.Background(), pipeline.Options{Inputs: inputs, DevicesFile: devices, Workers: workers,
		Quiet: true, Stderr: io.Discard,
		Analyses: []engine.Analysis{summary.Analysis{}, destinations.Analysis{Location: time.UTC}}})
	if err != nil {
		t.Fatal(err)
	}
	sp := out.Partial(summary.Name).(*summary.Partial)
	rows := summary.Build(sp, out.Inventory, 3)
	months := destinations.Report(out.Partial(destinations.Name).(*destinations.Partial), out.Inventory, destinations.Enricher{})
	return &Model{Title: "test report", Generated: fixedGenerated, Run: RunInfo{Files: len(out.Result.Files),
		Packets: out.Result.Frames, Bytes: out.Result.Bytes, Elapsed: "1s", Warnings: warnings(out.Result)},
		Devices: FromSummary(rows), Destinations: FromDestinations(months), Protocols: ProtocolsFromSummary(sp, out.Inventory),
		Links: []Link{{Label: "summary.csv", Href: "./summary.csv", Description: "per-device summary (CSV)"}}}
}

func warnings(r *engine.Result) []string {
	var w []string
	for _, x := range r.Warnings {
		w = append(w, x.String())
	}
	return w
}

// enrich fills what later analyses will provide (parties, protocol
// categories, time series, endpoints, backends, signatures) with
// deterministic values derived from the model, so every section and chart
// kind is rendered and every device name, hostile ones included, reaches
// every section.
func enrich(m *Model) {
	parties := []string{"First-party", "Support-party", "Third-party", ""}
	for i := range m.Destinations {
		r := &m.Destinations[i]
		r.Party = parties[i%len(parties)]
		r.Organization = []string{"Example Inc", "Amazon.com, Inc.", "Google LLC"}[i%3]
		r.Country = []string{"US", "IE", "DE"}[i%3]
		r.Rule = "test rule " + r.Party
	}
	categories := []string{"encrypted application-specific", "discovery", "management", "unencrypted application-specific"}
	for i := range m.Protocols {
		m.Protocols[i].Category = categories[i%len(categories)]
	}
	for di, d := range m.Devices {
		s := Series{Device: d.Name, Interval: 300}
		for i := range 36 {
			s.Starts = append(s.Starts, 1751328000+int64(i)*300)
			wave := int64((i*7+di*3)%11) * 1000
			s.TxWAN = append(s.TxWAN, 2000+wave)
			s.RxWAN = append(s.RxWAN, 5000+2*wave)
			s.TxLAN = append(s.TxLAN, 300+wave/10)
			s.RxLAN = append(s.RxLAN, 200+wave/20)
		}
		m.Series = append(m.Series, s)
		m.Endpoints = append(m.Endpoints,
			EndpointRow{Device: d.Name, IP: "203.0.113.10", Names: "api." + d.Name, Organization: "Example Inc", Country: "US", Class: "First", Rule: "vendor domain", Packets: 120, Bytes: 90000},
			EndpointRow{Device: d.Name, IP: "198.51.100.7", Names: "cdn.example.net", Organization: "Akamai", Country: "DE", Class: "Support", Rule: "CDN organization", Packets: 40, Bytes: 30000},
			EndpointRow{Device: d.Name, IP: "192.168.1.1", Names: "gateway", Class: "Local", Rule: "private address", Packets: 10, Bytes: 1500})
		m.Backends = append(m.Backends,
			BackendRow{Device: d.Name, Provider: "Amazon AWS", Region: "us-west-2", Bytes: 80000, Flows: 12, FirstSeen: "2025-07-01T00:00:00.000Z", LastSeen: "2025-07-01T03:00:00.000Z"},
			BackendRow{Device: d.Name, Provider: "Tuya", Region: "eu", Bytes: 20000, Flows: 3, FirstSeen: "2025-07-01T00:10:00.000Z", LastSeen: "2025-07-01T02:00:00.000Z"})
		m.Signatures = append(m.Signatures,
			SignatureRow{Device: d.Name, Event: "boot", Protocol: "dns", Remote: "gateway", Port: "53", Detail: "api." + d.Name + " A", Support: "3/3", Packets: "2", Bytes: "150-170"})
	}
}

// hostileStrings are markers of the synthetic hostile device that must
// reach the page as text.
var hostileStrings = []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
