package main

import (
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iotlens/iotlens/internal/synth"
)

// TestHostileNamesKeepOutputsValid: a device whose DHCP host name, mDNS
// name, DNS names and SNI carry HTML, CSV formulas, control bytes, very long
// names and invalid UTF-8 leaves every CSV of summary, destinations,
// endpoints and passive parseable with no cell starting a formula, every
// JSON valid UTF-8, and every file inside the output folder.
func TestHostileNamesKeepOutputsValid(t *testing.T) {
	dir := t.TempDir()
	capPath := synthCapture(t, dir, "hostile.pcap", synth.Options{Devices: 2, Duration: 20 * time.Minute, Seed: 7, Hostile: true})
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"summary", "-q", "--format", "csv", "-o", filepath.Join(out, "summary.csv"), capPath},
		{"summary", "-q", "--format", "json", "-o", filepath.Join(out, "summary.json"), capPath},
		{"destinations", "-q", "-o", filepath.Join(out, "dest"), capPath},
		{"endpoints", "-q", "-o", filepath.Join(out, "endpoints"), capPath},
		{"passive", "-q", "-o", filepath.Join(out, "passive"), capPath},
	} {
		if _, stderr, code := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
	}
	hostileSeen := false
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasPrefix(p, out) {
			t.Errorf("file outside the output folder: %s", p)
		}
		b, _ := os.ReadFile(p)
		switch filepath.Ext(p) {
		case ".csv":
			recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
			if err != nil {
				t.Errorf("%s: not valid CSV: %v", p, err)
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
						t.Errorf("%s: formula cell %q", p, cell)
					}
					if strings.Contains(cell, "<script>") {
						hostileSeen = true
					}
				}
			}
		case ".json":
			if !utf8.Valid(b) || !json.Valid(b) {
				t.Errorf("%s: invalid JSON or UTF-8", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hostileSeen {
		t.Fatal("the hostile names never reached the outputs: the test proves nothing")
	}
}
