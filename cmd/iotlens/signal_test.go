package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iotlens/iotlens/internal/synth"
)

// TestInterruptLeavesNoHalfFile builds the real binary, starts a run over a
// large synthetic capture, interrupts it (SIGINT, then SIGTERM) and checks
// the output is either the previous complete file or absent, with no
// temporary file left behind; a re-run then overwrites cleanly.
func TestInterruptLeavesNoHalfFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "iotlens")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	capPath := synthCapture(t, dir, "big.pcap", synth.Options{Devices: 40, TargetBytes: 400e6, Seed: 9, Compressible: true})
	outPath := filepath.Join(dir, "summary.csv")
	previous := []byte("previous complete output\n")
	os.WriteFile(outPath, previous, 0o644)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "summary", "-q", "-j", "1", "--format", "csv", "-o", outPath, capPath)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		got, _ := os.ReadFile(outPath)
		if err == nil && !bytes.HasPrefix(got, []byte("device,")) {
			t.Fatalf("%v: exit 0 but the output is not complete", sig)
		}
		if err != nil && !bytes.Equal(got, previous) {
			t.Fatalf("%v: interrupted run changed the output: %q", sig, got)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Fatalf("%v left a temporary file %s", sig, e.Name())
			}
		}
	}
	if out, err := exec.Command(bin, "summary", "-q", "--format", "csv", "-o", outPath, capPath).CombinedOutput(); err != nil {
		t.Fatalf("re-run: %v %s", err, out)
	}
	if got, _ := os.ReadFile(outPath); !bytes.HasPrefix(got, []byte("device,")) {
		t.Fatal("re-run did not overwrite the output")
	}
}
