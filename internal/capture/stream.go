package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// stream is the state both container readers share: the decompressed
// input, the offset reached in it, the reused frame and the sticky error.
type stream struct {
	*input
	file    io.Closer // set by Open; nil when the caller owns the stream
	bufSize int       // read-ahead of in: records up to this size are parsed in place
	off     int64     // offset of the next unconsumed byte of the uncompressed stream
	frame   Frame
	err     error  // sticky: returned by every Next after the first failure or EOF
	large   []byte // holds a record larger than the read-ahead buffer
	closed  bool
}

func newStream(in *input) stream {
	return stream{input: in, bufSize: in.in.Size()}
}

func (s *stream) base() *stream { return s }

// Compression reports "", "gzip" or "zstd".
func (s *stream) Compression() string { return s.compression }

// Close releases the decompressor and, for Open, the file. Later calls to
// Next fail.
func (s *stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.err = errReaderClosed
	err := s.release()
	if s.file != nil {
		if ferr := s.file.Close(); err == nil {
			err = ferr
		}
	}
	return err
}

// take consumes the next n bytes and returns them. They stay valid until
// the next read from the stream. Records that fit the read-ahead buffer are
// returned in place; larger ones are copied into s.large, which grows only
// as data actually arrives, so a lying length costs no more memory than the
// bytes really present. A short result comes with the read error.
func (s *stream) take(n int) ([]byte, error) {
	if n <= s.bufSize {
		b, err := s.in.Peek(n)
		if len(b) < n {
			return b, err
		}
		s.in.Discard(n)
		s.off += int64(n)
		return b, nil
	}
	return s.takeLarge(n)
}

func (s *stream) takeLarge(n int) ([]byte, error) {
	buf := s.large[:0]
	for len(buf) < n {
		avail, err := s.in.Peek(min(n-len(buf), s.bufSize))
		if len(buf)+len(avail) > cap(buf) {
			grown := make([]byte, len(buf), min(n, max(2*cap(buf), len(buf)+len(avail))))
			copy(grown, buf)
			buf = grown
		}
		buf = append(buf, avail...)
		s.in.Discard(len(avail))
		s.large = buf
		if len(buf) < n && err != nil {
			return buf, err
		}
	}
	s.off += int64(n)
	return buf, nil
}

// skip consumes n bytes without looking at them.
func (s *stream) skip(n int) error {
	got, err := s.in.Discard(n)
	s.off += int64(got)
	if got < n && err == nil {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// fail records a damaged-file error at offset off and returns it.
func (s *stream) fail(off int64, format string, args ...any) error {
	s.err = &Error{File: s.name, Offset: off, Msg: fmt.Sprintf(format, args...)}
	return s.err
}

// stop ends the stream after a short read of a record that starts at off:
// a clean io.EOF when nothing of the record was there, otherwise a
// truncation (or the decompressor's own error).
func (s *stream) stop(off int64, got int, err error, what string) error {
	switch {
	case got == 0 && (err == nil || err == io.EOF):
		s.err = io.EOF
	case err == nil || err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		s.err = &Error{File: s.name, Offset: off, Truncated: true,
			Msg: fmt.Sprintf("file ends inside %s (%d bytes present)", what, got)}
	default:
		s.err = &Error{File: s.name, Offset: off, Msg: fmt.Sprintf("reading %s: %v", what, err)}
	}
	return s.err
}

// byteOrder decodes integers in a file's byte order. A bool test inlines
// where a binary.ByteOrder interface call would not.
type byteOrder struct{ big bool }

func (o byteOrder) u16(b []byte) uint16 {
	if o.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (o byteOrder) u32(b []byte) uint32 {
	if o.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (o byteOrder) u64(b []byte) uint64 {
	if o.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}
