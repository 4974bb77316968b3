package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// TestEndpointsDeterministic: -j 1, -j 2 and three shards merged write the
// same files byte for byte.
func TestEndpointsDeterministic(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	devices := filepath.Join(madea, "Device_MAC_Name_Mapping.csv")
	dir := t.TempDir()
	outs := map[string]string{}
	for _, j := range []string{"1", "2"} {
		outs[j] = filepath.Join(dir, "j"+j)
		if _, stderr, code := run(t, "endpoints", "-q", "-j", j, "--devices", devices, "-o", outs[j], madea); code != 0 {
			t.Fatalf("-j %s: exit %d: %s", j, code, stderr)
		}
	}
	compareTrees(t, outs["1"], outs["2"])
	var parts []string
	for k := 0; k < 3; k++ {
		part := filepath.Join(dir, fmt.Sprintf("endpoints-%d.iotl", k))
		if _, stderr, code := run(t, "endpoints", "-q", "--devices", devices, "--shard", fmt.Sprintf("%d/3", k), "-o", part, madea); code != 0 {
			t.Fatalf("shard %d: %s", k, stderr)
		}
		parts = append(parts, part)
	}
	merged := filepath.Join(dir, "merged")
	if _, stderr, code := run(t, append([]string{"merge", "-o", merged}, parts...)...); code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	compareTrees(t, outs["1"], merged)
	if _, err := os.Stat(filepath.Join(merged, "madea-trimmed-split-Blink Mini Camera-endpoints.csv")); err != nil {
		t.Errorf("seed file name: %v", err)
	}
}

func TestEndpointsUsage(t *testing.T) {
	capture := testutil.Fixture(t, "madea", "monitoring_2023-6-12_21_50_58.cap")
	bad := filepath.Join(t.TempDir(), "types.yaml")
	if err := os.WriteFile(bad, []byte("domains:\n  - pattern: a.com\n    category: Fourth\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no -o", []string{"endpoints", "-q", capture}, exitUsage, "-o DIR is required"},
		{"bad overrides", []string{"endpoints", "-q", "--overrides", bad, "-o", t.TempDir(), capture}, exitError, bad + ":2"},
		{"ok", []string{"endpoints", "-q", "-o", t.TempDir(), capture}, exitOK, ""},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d (%s), want %d and %q", c.name, code, stderr, c.code, c.stderr)
		}
	}
}
