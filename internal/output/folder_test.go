package output

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func text(s string) func(w *bufio.Writer) error {
	return func(w *bufio.Writer) error { _, err := w.WriteString(s); return err }
}

// entries lists every path under dir, relative, with "/" separators.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	return out
}

func TestFolderNewIsStagedThenCommitted(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "out", "Hue")
	f, err := NewFolder(dev)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"2025/Jul_2025/domain_list/a.json", "2025/Jul_2025/ip_list/b.json", "changes.csv"} {
		if err := f.WriteFile(rel, text(rel)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(dev); err == nil {
		t.Fatal("the folder must not appear before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(entries(t, filepath.Join(root, "out")), " ")
	want := "Hue Hue/2025 Hue/2025/Jul_2025 Hue/2025/Jul_2025/domain_list Hue/2025/Jul_2025/domain_list/a.json Hue/2025/Jul_2025/ip_list Hue/2025/Jul_2025/ip_list/b.json Hue/changes.csv"
	if got != want {
		t.Fatalf("after Commit:\n got %s\nwant %s", got, want)
	}
	if st, _ := os.Stat(dev); st.Mode().Perm() != 0o755 {
		t.Errorf("folder mode %v, want 0755", st.Mode().Perm())
	}
}

func TestFolderDiscardLeavesNothing(t *testing.T) {
	root := t.TempDir()
	f, err := NewFolder(filepath.Join(root, "Hue"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteFile("a.json", text("x"))
	if err := f.WriteFile("b.json", func(*bufio.Writer) error { return errors.New("boom") }); err == nil {
		t.Fatal("the writer's error must be returned")
	}
	f.Discard()
	if e := entries(t, root); len(e) != 0 {
		t.Fatalf("Discard left %v", e)
	}
}

func TestFolderExistingRewritesOnlyChangedFiles(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "Hue")
	os.MkdirAll(dev, 0o755)
	same, changed := filepath.Join(dev, "same.csv"), filepath.Join(dev, "changed.csv")
	os.WriteFile(same, []byte("a,b\n"), 0o644)
	os.WriteFile(changed, []byte("old\n"), 0o644)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(same, past, past)
	f, err := NewFolder(dev)
	if err != nil {
		t.Fatal(err)
	}
	for rel, content := range map[string]string{"same.csv": "a,b\n", "changed.csv": "new\n", "added/c.json": "{}"} {
		if err := f.WriteFile(rel, text(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(same); !st.ModTime().Equal(past) {
		t.Errorf("an unchanged file was rewritten (mtime %v, want %v)", st.ModTime(), past)
	}
	for path, want := range map[string]string{changed: "new\n", filepath.Join(dev, "added", "c.json"): "{}"} {
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Errorf("%s = %q, want %q", path, b, want)
		}
	}
	for _, e := range entries(t, dev) {
		if strings.Contains(e, ".tmp-") {
			t.Errorf("temporary file left: %s", e)
		}
	}
}

// TestFolderCreatedMeanwhile covers another process making the folder
// between NewFolder and Commit: the staged files move in one by one.
func TestFolderCreatedMeanwhile(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "Hue")
	f, err := NewFolder(dev)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteFile("2025/a.json", text("mine"))
	os.MkdirAll(filepath.Join(dev, "theirs"), 0o755)
	os.WriteFile(filepath.Join(dev, "theirs", "x"), []byte("x"), 0o644)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(entries(t, root), " ")
	if want := "Hue Hue/2025 Hue/2025/a.json Hue/theirs Hue/theirs/x"; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}
