// Package testutil helps tests find the shared real-capture fixtures, which
// live beside the repository in ../shared/fixtures and are read in place
// (their licences forbid copying them into the project).
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// FixturesDir returns the absolute path of ../shared/fixtures relative to the
// repository root. When the folder is absent the test is skipped with a clear
// message, except under CI (CI=true), where it fails: CI must exercise them.
func FixturesDir(tb testing.TB) string {
	tb.Helper()
	root, err := RepoRoot()
	if err == nil {
		dir := filepath.Join(root, "..", "shared", "fixtures")
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			abs, _ := filepath.Abs(dir)
			return abs
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("../shared/fixtures not found beside the repository; CI needs the real captures")
	}
	tb.Skip("../shared/fixtures not found beside the repository: skipping tests on real captures")
	return ""
}

// Fixture returns the path of one fixture file, e.g. Fixture(t, "madea",
// "monitoring_2023-5-31_10_11_20.cap").
func Fixture(tb testing.TB, parts ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{FixturesDir(tb)}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("fixture %s: %v", p, err)
	}
	return p
}

// RepoRoot walks up from the working directory to the folder holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
