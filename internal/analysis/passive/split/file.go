package split

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iotlens/iotlens/internal/capture"
)

// outFile is one pcap being written under a temporary name beside its
// final path. output.WriteFile cannot serve here: it writes a file in one
// call, while split appends to many files at once as frames arrive.
type outFile struct {
	path    string
	tmp     *os.File
	buf     *bufio.Writer
	w       *capture.PcapWriter
	packets int64
	done    bool
}

func createPcap(path string, link capture.LinkType) (*outFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(tmp, 1<<16)
	// Nanosecond resolution keeps every original timestamp exactly.
	w, err := capture.NewPcapWriter(buf, link, 0, true)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &outFile{path: path, tmp: tmp, buf: buf, w: w}, nil
}

func (f *outFile) commit() error {
	if f.done {
		return nil
	}
	err := f.w.Flush()
	if err == nil {
		err = f.buf.Flush()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("%s: %w", f.path, err)
	}
	f.done = true
	return nil
}

func (f *outFile) abort() {
	if f.done {
		return
	}
	f.tmp.Close()
	os.Remove(f.tmp.Name())
	f.done = true
}
