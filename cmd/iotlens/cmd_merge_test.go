package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// TestShardsMergeToTheSingleRun: summary and destinations over the MADEA
// captures in 3 shards, merged, equal the single-machine outputs byte for
// byte.
func TestShardsMergeToTheSingleRun(t *testing.T) {
	madea := testutil.Fixture(t, "madea")
	devices := filepath.Join(madea, "Device_MAC_Name_Mapping.csv")
	dir := t.TempDir()
	for _, c := range []struct{ cmd, single string }{{"summary", "summary.csv"}, {"destinations", "dest"}} {
		extra := []string{}
		if c.cmd == "summary" {
			extra = []string{"--format", "csv"}
		}
		var parts []string
		for k := 0; k < 3; k++ {
			part := filepath.Join(dir, fmt.Sprintf("%s-%d.iotl", c.cmd, k))
			args := append([]string{c.cmd, "-q", "--devices", devices, "--shard", fmt.Sprintf("%d/3", k), "-o", part}, extra...)
			if _, stderr, code := run(t, append(args, madea)...); code != 0 {
				t.Fatalf("%v: %s", args, stderr)
			}
			parts = append(parts, part)
		}
		merged := filepath.Join(dir, "merged-"+c.single)
		if _, stderr, code := run(t, append([]string{"merge", "-o", merged}, parts...)...); code != 0 {
			t.Fatalf("merge: %s", stderr)
		}
		single := filepath.Join(dir, c.single)
		args := append([]string{c.cmd, "-q", "--devices", devices, "-o", single}, extra...)
		if _, stderr, code := run(t, append(args, madea)...); code != 0 {
			t.Fatalf("single run: %s", stderr)
		}
		compareTrees(t, single, merged)
	}
	if _, _, code := run(t, "merge", "-o", filepath.Join(dir, "x"), filepath.Join(dir, "summary-0.iotl")); code != exitError {
		t.Fatal("merging an incomplete set of shards must fail")
	}
}

func compareTrees(t *testing.T, a, b string) {
	t.Helper()
	n := 0
	err := filepath.Walk(a, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		other := filepath.Join(b, rel)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(other)
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between the single run and the merged shards", rel)
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("nothing compared under %s: %v", a, err)
	}
}
