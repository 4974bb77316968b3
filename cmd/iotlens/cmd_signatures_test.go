package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

func TestSignaturesThenMatch(t *testing.T) {
	plug := testutil.Fixture(t, "uclouvain-shhcp", "TpLinkPlug")
	dir := t.TempDir()
	stdout, stderr, code := run(t, "signatures", "-q", "--device", "TpLinkPlug", "--ip", "192.168.1.135", "-o", dir, filepath.Join(plug, "boot"))
	if code != exitOK || !strings.Contains(stdout, `ordered steps of "boot"`) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"patterns.txt", "patterns.json", "profile.yaml", "mud.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	profile := filepath.Join(dir, "profile.yaml")
	out := filepath.Join(dir, "match.json")
	if _, stderr, code := run(t, "match", "-q", "--profile", profile, "--format", "json", "-o", out, plug); code != exitOK {
		t.Fatalf("match: exit %d: %s", code, stderr)
	}
	var rep struct {
		Detections []struct {
			File     string `json:"file"`
			Detected bool   `json:"detected"`
		} `json:"detections"`
		Anomalies []struct {
			Remote string `json:"remote"`
		} `json:"anomalies"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Detections {
		if want := strings.Contains(d.File, "/boot/"); d.Detected != want {
			t.Errorf("%s: detected %v, want %v", d.File, d.Detected, want)
		}
	}
	if len(rep.Detections) != 3 || len(rep.Anomalies) == 0 {
		t.Errorf("%d detection rows, %d anomaly groups (the toggle capture talks to use1-api)", len(rep.Detections), len(rep.Anomalies))
	}
	stdout, _, _ = run(t, "match", "-q", "--profile", profile, "--format", "csv", plug)
	if !strings.HasPrefix(stdout, "kind,file,name,interaction,detected") || !strings.Contains(stdout, "\ndetection,") {
		t.Errorf("csv: %.200s", stdout)
	}
	stdout, _, _ = run(t, "match", "-q", "--profile", profile, plug)
	if !strings.Contains(stdout, "Interactions (3)") || !strings.Contains(stdout, "Anomalies") {
		t.Errorf("table: %.300s", stdout)
	}
}

func TestSignaturesAndMatchUsage(t *testing.T) {
	capture := testutil.Fixture(t, "uclouvain-shhcp", "TpLinkPlug", "toggle", "1732176027.anon.pcap")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("device-info:\n  name: x\n  ipv4: 192.168.1.2\nsingle-policies:\n  p:\n    protocols:\n      http: {url: /x}\n"), 0o644)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no device", []string{"signatures", "-o", dir, capture}, exitUsage, "--device NAME"},
		{"no address", []string{"signatures", "--device", "p", "-o", dir, capture}, exitUsage, "--ip IP"},
		{"no output folder", []string{"signatures", "--device", "p", "--ip", "192.168.1.135", capture}, exitUsage, "-o DIR"},
		{"bad ip", []string{"signatures", "--device", "p", "--ip", "1.2.3", "-o", dir, capture}, exitUsage, "--ip"},
		{"no profile", []string{"match", capture}, exitUsage, "--profile"},
		{"bad alias", []string{"match", "--profile", bad, "--alias", "phone", capture}, exitUsage, "NAME=IP"},
		{"bad share", []string{"match", "--profile", bad, "--min-steps", "2", capture}, exitUsage, "--min-steps"},
		{"missing profile", []string{"match", "--profile", filepath.Join(dir, "none.yaml"), capture}, exitError, "none.yaml"},
		{"invalid profile", []string{"match", "--profile", bad, capture}, exitError, `bad.yaml:7:14: single-policies.p.protocols.http: unknown http field "url"`},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr, c.code, c.stderr)
		}
	}
}
