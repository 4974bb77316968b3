package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

const (
	// bufferSize is the line buffer: lines shorter than this (all DNSDB
	// records, most Censys hosts) are returned in place, without a copy.
	bufferSize = 1 << 20
	// DefaultMaxLine bounds one line; a Censys host with hundreds of
	// services stays far below it.
	DefaultMaxLine = 64 << 20
	// zstdMaxWindow is the largest zstd window accepted (the zstd CLI's own
	// default limit), so a hostile header cannot reserve gigabytes.
	zstdMaxWindow = 1 << 27
)

// Compression names reported by Reader.Compression.
const (
	None = ""
	Gzip = "gzip"
	Zstd = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// ErrLineTooLong is wrapped by the error for a line above the limit.
var ErrLineTooLong = errors.New("line too long")

// Error names the file and line where reading failed.
type Error struct {
	File string
	Line int64 // 1-based line number, 0 when not known
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Reader yields the lines of one file.
type Reader struct {
	name        string
	compression string
	maxLine     int
	br          *bufio.Reader
	closers     []func() error
	line        int64
	long        []byte // assembles lines longer than the buffer
	err         error  // sticky error (io.EOF at the end)
}

// Open opens path and detects its compression.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closers = append(r.closers, f.Close)
	return r, nil
}

// NewReader reads from any stream; name is used in errors. Close releases
// the decompressor but leaves src to the caller.
func NewReader(src io.Reader, name string) (*Reader, error) {
	raw := bufio.NewReaderSize(src, 64<<10)
	head, err := raw.Peek(4)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &Error{File: name, Err: err}
	}
	r := &Reader{name: name, maxLine: DefaultMaxLine}
	var body io.Reader = raw
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, &Error{File: name, Err: fmt.Errorf("gzip: %w", err)}
		}
		r.compression, body = Gzip, zr
		r.closers = append(r.closers, zr.Close)
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(raw, zstd.WithDecoderMaxWindow(zstdMaxWindow), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			return nil, &Error{File: name, Err: fmt.Errorf("zstd: %w", err)}
		}
		r.compression, body = Zstd, zr
		r.closers = append(r.closers, func() error { zr.Close(); return nil })
	}
	if r.compression == None {
		// Plain input: one buffer is enough (raw already holds 64 KiB;
		// a larger one cuts the number of lines assembled by copy).
		r.br = bufio.NewReaderSize(raw, bufferSize)
	} else {
		r.br = bufio.NewReaderSize(body, bufferSize)
	}
	return r, nil
}

// SetMaxLine changes the longest line accepted (DefaultMaxLine).
func (r *Reader) SetMaxLine(n int) {
	if n > 0 {
		r.maxLine = n
	}
}

// Name is the file name given to Open or NewReader.
func (r *Reader) Name() string { return r.name }

// Compression is None, Gzip or Zstd.
func (r *Reader) Compression() string { return r.compression }

// Line is the number of the line last returned (1-based).
func (r *Reader) Line() int64 { return r.line }

// Next returns the next line without its line end ("\n" or "\r\n"). The
// slice is valid until the next call. At the end it returns io.EOF. A line
// over the limit returns an *Error wrapping ErrLineTooLong and is skipped:
// the next call goes on with the following line. Any other error (a
// damaged compressed stream) is final.
func (r *Reader) Next() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	b, err := r.br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(b) > 0) {
		r.line++
		if b = trimEOL(b); len(b) > r.maxLine {
			return nil, r.tooLong()
		}
		return b, nil
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		return r.longLine(b)
	}
	return nil, r.fail(err)
}

// longLine assembles a line that does not fit the buffer.
func (r *Reader) longLine(first []byte) ([]byte, error) {
	r.line++
	r.long = append(r.long[:0], first...)
	for {
		b, err := r.br.ReadSlice('\n')
		if len(r.long)+len(b) > r.maxLine {
			if skipErr := r.skipLine(err); skipErr != nil {
				return nil, r.fail(skipErr)
			}
			r.long = r.long[:0]
			return nil, r.tooLong()
		}
		r.long = append(r.long, b...)
		switch {
		case err == nil, err == io.EOF:
			return trimEOL(r.long), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, r.fail(err)
		}
	}
}

func (r *Reader) tooLong() error {
	return &Error{File: r.name, Line: r.line, Err: fmt.Errorf("%w (over %d bytes): skipped", ErrLineTooLong, r.maxLine)}
}

// skipLine discards input up to the end of the current line; err is the
// result of the last ReadSlice.
func (r *Reader) skipLine(err error) error {
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = r.br.ReadSlice('\n')
	}
	if err == io.EOF {
		return nil
	}
	return err
}

func (r *Reader) fail(err error) error {
	if err == io.EOF {
		r.err = io.EOF
		return io.EOF
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%s stream cut short", r.compression)
	}
	r.err = &Error{File: r.name, Line: r.line + 1, Err: err}
	return r.err
}

// Close releases the decompressor and the file opened by Open.
func (r *Reader) Close() error {
	var first error
	for i := len(r.closers) - 1; i >= 0; i-- {
		if err := r.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	if r.err == nil {
		r.err = errors.New("reader closed")
	}
	return first
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
