package output

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Folder writes many small files under one folder (destinations writes
// several per device and month). A folder that does not exist yet is built
// in a hidden staging folder beside it and renamed into place by Commit:
// other programs, and an interrupted run, see all of it or none of it, and
// each file costs one create instead of a create plus a rename, which on
// ext4 is most of the time a small file takes.
//
// Into a folder that already exists each file is written atomically on its
// own (WriteFile), and a file whose content would not change is left alone,
// so a re-run rewrites only what changed and keeps the other files' times.
//
// A Folder is safe for concurrent use by several goroutines.
type Folder struct {
	final, work string
	staged      bool
}

// NewFolder prepares writing under path.
func NewFolder(path string) (*Folder, error) {
	f := &Folder{final: path, work: path}
	if _, err := os.Lstat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, nil // exists (or cannot tell): write file by file
	}
	parent := filepath.Dir(path)
	if err := ensureDir(parent); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(parent, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(work, 0o755); err != nil { // MkdirTemp makes 0700
		os.Remove(work)
		return nil, err
	}
	f.work, f.staged = work, true
	return f, nil
}

// WriteFile writes rel (a slash- or OS-separated path under the folder).
func (f *Folder) WriteFile(rel string, write func(w *bufio.Writer) error) error {
	if !f.staged {
		return writeIfChanged(filepath.Join(f.final, rel), write)
	}
	path := filepath.Join(f.work, rel)
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	return fill(file, write)
}

// Commit moves a staged folder into place. When another process created
// the folder meanwhile, the staged files are moved in one by one instead.
func (f *Folder) Commit() error {
	if !f.staged {
		return nil
	}
	err := os.Rename(f.work, f.final)
	if err == nil {
		f.staged = false
		return nil
	}
	if _, statErr := os.Lstat(f.final); statErr != nil {
		return err
	}
	err = filepath.WalkDir(f.work, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(f.work, p)
		dst := filepath.Join(f.final, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.Rename(p, dst)
	})
	f.Discard()
	return err
}

// Discard removes what a staged folder holds (after an error); a no-op
// once committed and for folders written in place.
func (f *Folder) Discard() {
	if f.staged {
		os.RemoveAll(f.work)
		f.staged = false
	}
}

// writeIfChanged is WriteFile that leaves path untouched when it already
// holds exactly the new content. The content is built in memory: Folder
// files are small.
func writeIfChanged(path string, write func(w *bufio.Writer) error) error {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() == int64(buf.Len()) {
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, buf.Bytes()) && !isProtected(path) {
			return nil
		}
	}
	return WriteFile(path, func(w *bufio.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}
