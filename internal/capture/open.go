package capture

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

// Reader yields the frames of one capture file in file order.
//
// Next returns (frame, nil) for each frame, (nil, io.EOF) at a clean end and
// (nil, *Error) when the file is damaged; Error.Truncated is set when the
// stream simply ends inside a record. After the first error or io.EOF every
// later call returns the same value. The returned Frame and its Data are
// reused: they are valid only until the next call to Next.
type Reader interface {
	Next() (*Frame, error)
	Format() Format      // FormatPcap or FormatPcapNG
	Compression() string // "", "gzip" or "zstd"
	Close() error
}

// ErrEmptyFile is wrapped by the error for a file (or a compressed stream)
// that holds no byte at all. It is kept apart from truncation because an
// empty file has no frame to lose: callers usually warn and skip it.
var ErrEmptyFile = errors.New("empty file")

// errReaderClosed is what Next returns after Close.
var errReaderClosed = errors.New("capture reader closed")

const (
	// defaultBufferSize is the read-ahead of the frame parser: large enough
	// that nearly every record is parsed in place with no copy.
	defaultBufferSize = 1 << 20
	// rawBufferSize buffers the file under a decompressor (or only peeks the
	// magic number when the file is not compressed).
	rawBufferSize = 64 << 10
	// minBufferSize keeps every fixed-size header peekable.
	minBufferSize = 64
	// zstdMaxWindow is the largest zstd window accepted: 128 MiB, the
	// reference zstd CLI's own default limit, so a hostile frame header
	// cannot make the decoder reserve gigabytes.
	zstdMaxWindow = 1 << 27
)

// Compression names used by Reader.Compression and Sniff.
const (
	compressionNone = ""
	compressionGzip = "gzip"
	compressionZstd = "zstd"
)

// Open opens a capture file, detecting compression and format from its magic
// numbers. Errors name the path. The caller must Close the reader.
func Open(path string) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	hint := defaultBufferSize
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		hint = sizeHint(st.Size())
	}
	r, err := newReader(f, path, hint)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.base().file = f
	return r, nil
}

// NewReader reads a capture from any stream, with the same detection as
// Open; name is used in errors. Close releases the decompressor but does not
// close r, which stays the caller's.
func NewReader(r io.Reader, name string) (Reader, error) {
	hint := defaultBufferSize
	if l, ok := r.(interface{ Len() int }); ok {
		hint = sizeHint(int64(l.Len()))
	}
	return newReader(r, name, hint)
}

// Sniff reports the format and compression of a capture file from its magic
// numbers (decompressing only the first bytes), without reading any frame.
func Sniff(path string) (Format, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	in, err := openInput(f, path, minBufferSize, minBufferSize)
	if err != nil {
		return "", "", err
	}
	defer in.release()
	format, err := in.detectFormat()
	return format, in.compression, err
}

// sizeHint picks a parser buffer no larger than an uncompressed input, so
// that reading many small files does not cost a full buffer each.
func sizeHint(size int64) int {
	if size < minBufferSize {
		return minBufferSize
	}
	if size >= defaultBufferSize {
		return defaultBufferSize
	}
	return int(size)
}

// newReader detects compression and format and returns the matching reader.
// bufSize is the parser's read-ahead for uncompressed input; decompressed
// input always gets the full default size since its length is unknown.
func newReader(r io.Reader, name string, bufSize int) (formatReader, error) {
	in, err := openInput(r, name, bufSize, defaultBufferSize)
	if err != nil {
		return nil, err
	}
	format, err := in.detectFormat()
	if err != nil {
		in.release()
		return nil, err
	}
	var fr formatReader
	if format == FormatPcap {
		fr, err = newPcapReader(in)
	} else {
		fr, err = newPcapNGReader(in)
	}
	if err != nil {
		in.release()
		return nil, err
	}
	return fr, nil
}

// formatReader is a Reader whose shared state can be reached, so Open can
// hand it the file to close.
type formatReader interface {
	Reader
	base() *stream
}

// input is the decompressed byte stream of a capture, before the format is
// known.
type input struct {
	name        string
	compression string
	in          *bufio.Reader
	gz          *gzip.Reader
	zd          *zstd.Decoder
}

// openInput wraps r in a decompressor when its magic says so and returns a
// buffered view of the uncompressed bytes, with a read-ahead of plainSize
// bytes for a plain stream and unpackedSize for a decompressed one.
func openInput(r io.Reader, name string, plainSize, unpackedSize int) (*input, error) {
	plainSize = max(plainSize, minBufferSize)
	unpackedSize = max(unpackedSize, minBufferSize)
	raw := bufio.NewReaderSize(r, min(rawBufferSize, plainSize))
	magic, err := raw.Peek(4)
	if len(magic) == 0 {
		return nil, emptyOrReadError(name, err)
	}
	in := &input{name: name}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		in.gz, err = gzip.NewReader(raw)
		if err != nil {
			return nil, decompressError(name, "gzip", err)
		}
		in.compression = compressionGzip
		in.in = bufio.NewReaderSize(in.gz, unpackedSize)
	case bytes.Equal(magic, zstdMagic):
		in.zd, err = zstd.NewReader(raw,
			zstd.WithDecoderConcurrency(1), // synchronous: no goroutines to leak
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, decompressError(name, "zstd", err)
		}
		in.compression = compressionZstd
		in.in = bufio.NewReaderSize(in.zd, unpackedSize)
	default:
		in.in = bufio.NewReaderSize(raw, plainSize)
	}
	return in, nil
}

// release frees the decompressor, if any.
func (in *input) release() error {
	var err error
	if in.gz != nil {
		err = in.gz.Close()
		in.gz = nil
	}
	if in.zd != nil {
		in.zd.Close()
		in.zd = nil
	}
	return err
}

var (
	gzipMagic   = []byte{0x1f, 0x8b}
	zstdMagic   = []byte{0x28, 0xb5, 0x2f, 0xfd}
	pcapngMagic = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

// pcapMagic is one classic pcap file magic, as its first four bytes.
type pcapMagic struct {
	bytes      [4]byte
	bigEndian  bool
	nanosecond bool
	modified   bool // Kuznetsov's patched libpcap: 8 more bytes per record
}

var pcapMagics = []pcapMagic{
	{bytes: [4]byte{0xd4, 0xc3, 0xb2, 0xa1}},
	{bytes: [4]byte{0xa1, 0xb2, 0xc3, 0xd4}, bigEndian: true},
	{bytes: [4]byte{0x4d, 0x3c, 0xb2, 0xa1}, nanosecond: true},
	{bytes: [4]byte{0xa1, 0xb2, 0x3c, 0x4d}, bigEndian: true, nanosecond: true},
	{bytes: [4]byte{0x34, 0xcd, 0xb2, 0xa1}, modified: true},
	{bytes: [4]byte{0xa1, 0xb2, 0xcd, 0x34}, bigEndian: true, modified: true},
}

// findPcapMagic returns the classic pcap magic that b starts with.
func findPcapMagic(b []byte) (pcapMagic, bool) {
	for _, m := range pcapMagics {
		if bytes.HasPrefix(b, m.bytes[:]) {
			return m, true
		}
	}
	return pcapMagic{}, false
}

// detectFormat names the container from the first uncompressed bytes.
func (in *input) detectFormat() (Format, error) {
	magic, err := in.in.Peek(4)
	if len(magic) == 0 && err != nil && err != io.EOF {
		return "", decompressError(in.name, in.compression, err)
	}
	if len(magic) == 0 {
		return "", fmt.Errorf("%s: %w", in.name, ErrEmptyFile)
	}
	if len(magic) == 4 {
		if bytes.Equal(magic, pcapngMagic) {
			return FormatPcapNG, nil
		}
		if _, ok := findPcapMagic(magic); ok {
			return FormatPcap, nil
		}
	}
	if err != nil && err != io.EOF {
		return "", decompressError(in.name, in.compression, err)
	}
	if len(magic) < 4 && isMagicPrefix(magic) {
		return "", &Error{File: in.name, Msg: fmt.Sprintf("file ends inside its magic number (%d bytes)", len(magic)), Truncated: true}
	}
	what := "starts with"
	if in.compression != compressionNone {
		what = "decompressed " + in.compression + " data starts with"
	}
	return "", fmt.Errorf("%s: %w (%s % x)", in.name, ErrNotCapture, what, magic)
}

// isMagicPrefix tells whether a stream shorter than a magic number could be
// the start of a capture, i.e. a file cut inside its first bytes.
func isMagicPrefix(b []byte) bool {
	if bytes.HasPrefix(pcapngMagic, b) {
		return true
	}
	for _, m := range pcapMagics {
		if bytes.HasPrefix(m.bytes[:], b) {
			return true
		}
	}
	return false
}

// emptyOrReadError describes a stream that yielded no byte.
func emptyOrReadError(name string, err error) error {
	if err == nil || err == io.EOF {
		return fmt.Errorf("%s: %w", name, ErrEmptyFile)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// decompressError reports a broken compressed stream (or a failed read of
// a plain one) as damage at offset 0.
func decompressError(name, codec string, err error) error {
	if codec == compressionNone {
		codec = "read"
	}
	return &Error{
		File:      name,
		Msg:       fmt.Sprintf("%s: %v", codec, err),
		Truncated: err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF),
	}
}
