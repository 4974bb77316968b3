package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/synth"
	"github.com/iotlens/iotlens/internal/testutil"
)

// run executes the CLI in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.Execute()
	if err != nil {
		stderr.WriteString("iotlens: " + err.Error() + "\n")
	}
	return stdout.String(), stderr.String(), exitCodeOf(err)
}

func TestEveryCommandHelpHasExamples(t *testing.T) {
	for _, c := range newRootCmd().Commands() {
		if c.Name() == "help" || c.Name() == "completion" || c.Name() == "version" {
			continue
		}
		if !strings.Contains(c.Example, "iotlens "+c.Name()) {
			t.Errorf("%s --help has no example", c.Name())
		}
	}
}

func TestExitCodes(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	truncated := filepath.Join(madea, "monitoring_2023-5-31_10_25_14.cap")
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"ok", []string{"summary", "-q", truncated}, exitOK},
		{"strict with warnings", []string{"summary", "-q", "--strict", truncated}, exitWarnings},
		{"no arguments", []string{"summary"}, exitUsage},
		{"unknown flag", []string{"summary", "--nope", truncated}, exitUsage},
		{"bad format", []string{"summary", "--format", "xml", truncated}, exitUsage},
		{"missing file", []string{"summary", filepath.Join(t.TempDir(), "absent.pcap")}, exitError},
		{"not a capture", []string{"summary", filepath.Join(madea, "Device_MAC_Name_Mapping.csv")}, exitError},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d (stderr: %s)", c.name, code, c.code, stderr)
		}
	}
}

func TestSummaryFormats(t *testing.T) {
	capture := testutil.Fixture(t, "madea", "monitoring_2023-6-12_21_50_58.cap")
	devices := testutil.Fixture(t, "madea", "Device_MAC_Name_Mapping.csv")
	out := filepath.Join(t.TempDir(), "s.json")
	if _, stderr, code := run(t, "summary", "-q", "--format", "json", "-o", out, "--devices", devices, capture); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 15 {
		t.Fatalf("json: %v, %d rows", err, len(rows))
	}
	stdout, _, _ := run(t, "summary", "-q", "--format", "csv", "--devices", devices, capture)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 16 || !strings.HasPrefix(lines[0], "device,macs,ips,vendor") {
		t.Fatalf("csv: %d lines, header %q", len(lines), lines[0])
	}
	stdout, stderr, _ := run(t, "summary", "--devices", devices, capture)
	if !strings.Contains(stdout, "Nest Camera") || !strings.Contains(stderr, "iotlens: 1 files, 20000 packets") {
		t.Fatalf("table or closing line missing:\n%s\n%s", stdout, stderr)
	}
}

func TestRefusesToOverwriteInput(t *testing.T) {
	dir := t.TempDir()
	src := testutil.Fixture(t, "tcpdump", "dns_tcp.pcap")
	b, _ := os.ReadFile(src)
	capture := filepath.Join(dir, "in.pcap")
	os.WriteFile(capture, b, 0o644)
	_, stderr, code := run(t, "summary", "-q", "-o", capture, capture)
	if code != exitError || !strings.Contains(stderr, "input") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if after, _ := os.ReadFile(capture); !bytes.Equal(after, b) {
		t.Fatal("input capture was modified")
	}
}

// synthCapture writes a synthetic capture made with opts to dir/name and
// returns its path.
func synthCapture(t *testing.T, dir, name string, opts synth.Options) string {
	t.Helper()
	path := filepath.Join(dir, name)
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

// TestBadEnrichmentFileStopsThePass: the enrichment is built while the
// pass runs; a broken --overrides or --backends file must still be the
// error reported (naming the file), and nothing is written.
func TestBadEnrichmentFileStopsThePass(t *testing.T) {
	dir := t.TempDir()
	capPath := synthCapture(t, dir, "home.pcap", synth.Options{Devices: 4, TargetBytes: 20e6, Seed: 5})
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("manufacturers: [ {name: X, colour: red} ]\n"), 0o644)
	for _, cmd := range []string{"destinations", "report"} {
		for _, flag := range []string{"--overrides", "--backends"} {
			out := filepath.Join(dir, cmd+flag)
			_, stderr, code := run(t, cmd, "-q", flag, bad, "-o", out, capPath)
			if code != exitError || !strings.Contains(stderr, "bad.yaml") {
				t.Errorf("%s %s: exit %d, stderr %q; want exit %d naming bad.yaml", cmd, flag, code, stderr, exitError)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s %s: %s written despite the error", cmd, flag, out)
			}
		}
	}
}
