package output

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Inputs registered here can never be overwritten by an output (writing over
// a capture being analysed is refused).
var (
	protectedMu sync.Mutex
	protected   = map[string]bool{}
)

// Protect marks paths (the run's input captures) as not writable.
func Protect(paths ...string) {
	protectedMu.Lock()
	defer protectedMu.Unlock()
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			protected[abs] = true
		}
	}
}

func isProtected(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	protectedMu.Lock()
	defer protectedMu.Unlock()
	if protected[abs] {
		return true
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return protected[real]
	}
	return false
}

// WriteFile writes path atomically: write fills a buffered temporary file in
// the same folder, which is renamed over path only when write returns nil.
// Parent folders are created.
func WriteFile(path string, write func(w *bufio.Writer) error) (err error) {
	if isProtected(path) {
		return fmt.Errorf("refusing to write %s: it is one of the input captures", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	// No fsync: the rename makes the file appear whole or not at all to
	// every other process and survives SIGINT/SIGTERM; syncing each of the
	// thousands of per-device-month files would dominate the run time.
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
