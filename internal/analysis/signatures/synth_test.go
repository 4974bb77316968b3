package signatures

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/profile"
	"github.com/iotlens/iotlens/internal/synth"
)

// synthCaptures writes n synthetic homes (different seeds) and returns
// their paths and the plug's addresses in each.
func synthCaptures(t *testing.T, n int, hostile bool) (paths []string, plug Device, macs []decode.MAC) {
	t.Helper()
	dir := t.TempDir()
	plug.Name = "plug"
	for seed := 1; seed <= n; seed++ {
		var b bytes.Buffer
		truth, err := synth.Generate(&b, synth.Options{Devices: 3, Duration: 10 * time.Minute, Seed: uint64(seed), Hostile: hostile})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range truth.Devices {
			if d.Kind == "plug" {
				plug.IPs = append(plug.IPs, d.IPv4)
				macs = append(macs, decode.MAC(d.MAC))
			}
		}
		p := filepath.Join(dir, "boot", "home"+string(rune('0'+seed))+".pcap")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths, plug, macs
}

// TestSyntheticPlugSignature runs the whole chain on synthetic captures
// (no fixtures needed): extraction, outputs, profile read back, matching.
func TestSyntheticPlugSignature(t *testing.T) {
	paths, plug, macs := synthCaptures(t, 3, false)
	out := runPass(t, paths, 2, &Analysis{Device: plug})
	traces := out.Partial(Name).(*Partial).Traces()
	if len(traces) != 3 || len(traces[0].Flows) == 0 {
		t.Fatalf("traces: %d, flows in the first: %d", len(traces), len(traces[0].Flows))
	}
	run := &Run{Device: plug, Event: EventName(paths), Traces: traces, Result: Extract(traces, Options{Tolerance: 0.2})}
	var names []string
	for _, p := range run.Result.Patterns {
		names = append(names, p.PolicyName)
	}
	joined := strings.Join(names, " ")
	for _, want := range []string{"dhcp-request", "dns-n-devs.tplinkcloud.com", "tls-n-devs.tplinkcloud.com", "ntp-pool.ntp.org"} {
		if !strings.Contains(joined, want) {
			t.Errorf("pattern %s missing from %v", want, names)
		}
	}
	dir := t.TempDir()
	prof, _, err := run.WriteAll(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range OutputFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	loaded, err := profile.LoadResolved(filepath.Join(dir, "profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Interactions[0].Name != "boot" {
		t.Errorf("event name from the folder: %q", loaded.Interactions[0].Name)
	}
	// The profile names one plug; each home has another (address and MAC),
	// so match each capture with its own.
	for i, p := range paths {
		m, err := Compile(prof, MatchOptions{IPs: []netip.Addr{plug.IPs[i]}, MAC: &macs[i]})
		if err != nil {
			t.Fatal(err)
		}
		rep := runPass(t, []string{p}, 1, &MatchAnalysis{M: m}).Partial(MatchName).(*MatchPartial).Report()
		if len(rep.Detections) != 1 || !rep.Detections[0].Detected {
			t.Errorf("%s: boot not detected: %+v", p, rep.Detections)
		}
	}
}

// TestHostileNamesStayInert: names with markup, formula and control
// characters never reach profile.yaml as hosts, and patterns.txt is
// terminal-safe.
func TestHostileNamesStayInert(t *testing.T) {
	paths, _, _ := synthCaptures(t, 1, true)
	var b bytes.Buffer
	truth, _ := synth.Generate(&b, synth.Options{Devices: 3, Duration: 10 * time.Minute, Seed: 1, Hostile: true})
	var hostile Device
	for _, d := range truth.Devices {
		if d.Kind == "hostile" {
			hostile = Device{Name: "hostile", IPs: []netip.Addr{d.IPv4}}
		}
	}
	if !hostile.IPs[0].IsValid() {
		t.Fatal("no hostile device in the synthetic home")
	}
	out := runPass(t, paths, 1, &Analysis{Device: hostile})
	traces := out.Partial(Name).(*Partial).Traces()
	run := &Run{Device: hostile, Event: "event", Traces: traces, Result: Extract(traces, Options{Tolerance: 0.2})}
	dir := t.TempDir()
	if _, _, err := run.WriteAll(dir, ""); err != nil {
		t.Fatal(err)
	}
	txt, _ := os.ReadFile(filepath.Join(dir, "patterns.txt"))
	for _, c := range string(txt) {
		if c < 0x20 && c != '\n' {
			t.Fatalf("control character %q in patterns.txt", c)
		}
	}
	if _, err := profile.LoadResolved(filepath.Join(dir, "profile.yaml")); err != nil {
		t.Fatalf("profile with hostile names does not load: %v", err)
	}
}
