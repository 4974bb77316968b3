package output

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Inputs registered here can never be overwritten by an output (writing over
// a capture being analysed is refused). They are kept by file identity
// (device and inode), so a symlink or hard link to an input is caught too,
// and a check costs one stat of the output path instead of resolving every
// folder on the way to it.
var (
	protectedMu sync.Mutex
	protected   []os.FileInfo
)

// Protect marks paths (the run's input captures) as not writable. Paths
// that do not exist are ignored: there is nothing to overwrite.
func Protect(paths ...string) {
	protectedMu.Lock()
	defer protectedMu.Unlock()
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			protected = append(protected, st)
		}
	}
}

func isProtected(path string) bool {
	protectedMu.Lock()
	defer protectedMu.Unlock()
	if len(protected) == 0 {
		return false
	}
	st, err := os.Stat(path)
	if err != nil {
		return false // nothing there yet, so no input either
	}
	for _, in := range protected {
		if os.SameFile(st, in) {
			return true
		}
	}
	return false
}

// WriteFile writes path atomically: write fills a buffered temporary file in
// the same folder, which is renamed over path only when write returns nil.
// Parent folders are created.
func WriteFile(path string, write func(w *bufio.Writer) error) error {
	if isProtected(path) {
		return fmt.Errorf("refusing to write %s: it is one of the input captures", path)
	}
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	tmp, err := createTemp(path)
	if os.IsNotExist(err) { // the folder was removed since it was made: make it again
		madeDirs.Delete(filepath.Dir(path))
		if err = ensureDir(filepath.Dir(path)); err == nil {
			tmp, err = createTemp(path)
		}
	}
	if err != nil {
		return err
	}
	// No fsync: the rename makes the file appear whole or not at all to
	// every other process and survives SIGINT/SIGTERM; syncing each of the
	// thousands of per-device-month files would dominate the run time.
	if err := fill(tmp, write); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// fill runs write over a buffered writer on file, flushes and closes it;
// the file is closed whatever happens.
func fill(file *os.File, write func(w *bufio.Writer) error) error {
	bw := bufio.NewWriterSize(file, 1<<16)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// madeDirs remembers folders already created, so writing hundreds of files
// into one tree (destinations' per-device, per-month layout) costs one
// MkdirAll per folder, not per file.
var madeDirs sync.Map

func ensureDir(dir string) error {
	if _, ok := madeDirs.Load(dir); ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	madeDirs.Store(dir, true)
	return nil
}

// createTemp opens a new hidden file beside path with the final mode
// (0644) directly, saving the chmod that os.CreateTemp's 0600 would need.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for i := 0; ; i++ {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil || !os.IsExist(err) || i == 100 {
			return f, err
		}
	}
}
