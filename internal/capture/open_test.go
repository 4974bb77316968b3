package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(data, nil)
}

func TestDetection(t *testing.T) {
	pcap := pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{sec: 1, wireLen: 4, data: []byte{1, 2, 3, 4}})
	pcapng := newNG(be).shb().idb(LinkRaw, 0).epb(0, 1e6, 4, []byte{1, 2, 3, 4}).bytes()
	cases := []struct {
		name        string
		file        []byte
		format      Format
		compression string
		errIs       error  // wrapped sentinel, when opening must fail
		errText     string // substring of the failure
		truncated   bool   // failure is a *Error with Truncated set
	}{
		{name: "pcap", file: pcap, format: FormatPcap},
		{name: "pcapng", file: pcapng, format: FormatPcapNG},
		{name: "gzip pcap", file: gzipBytes(t, pcap), format: FormatPcap, compression: "gzip"},
		{name: "zstd pcapng", file: zstdBytes(t, pcapng), format: FormatPcapNG, compression: "zstd"},
		{name: "concatenated gzip members", file: append(gzipBytes(t, pcap[:30]), gzipBytes(t, pcap[30:])...), format: FormatPcap, compression: "gzip"},
		{name: "empty", file: nil, errIs: ErrEmptyFile, errText: "x.cap: empty file"},
		{name: "gzip of nothing", file: gzipBytes(t, nil), errIs: ErrEmptyFile},
		{name: "zstd of nothing", file: zstdBytes(t, nil), errIs: ErrEmptyFile},
		{name: "text", file: []byte("GET / HTTP/1.1\r\n"), errIs: ErrNotCapture, errText: "x.cap: not a pcap or pcapng capture (starts with 47 45 54 20)"},
		{name: "two unknown bytes", file: []byte("ab"), errIs: ErrNotCapture, errText: "starts with 61 62"},
		{name: "gzip of text", file: gzipBytes(t, []byte("hello world")), errIs: ErrNotCapture, errText: "decompressed gzip data starts with 68 65 6c 6c"},
		{name: "gzip inside gzip", file: gzipBytes(t, gzipBytes(t, pcap)), errIs: ErrNotCapture, errText: "starts with 1f 8b"},
		{name: "zstd of text", file: zstdBytes(t, []byte("hello world")), errIs: ErrNotCapture, errText: "decompressed zstd data"},
		{name: "cut inside the pcap magic", file: pcap[:3], errText: "file ends inside its magic number (3 bytes)", truncated: true},
		{name: "cut inside the pcapng magic", file: pcapng[:2], errText: "file ends inside its magic number", truncated: true},
		{name: "cut gzip header", file: gzipBytes(t, pcap)[:5], errText: "gzip:", truncated: true},
		{name: "broken zstd frame", file: append(bytes.Clone(zstdMagic), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), errText: "zstd:"},
		{name: "zstd window above the limit", file: zstdHugeWindow(), errText: "zstd:"},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.cap")
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			format, compression, sniffErr := Sniff(path)
			r, err := NewReader(bytes.NewReader(tc.file), "x.cap")
			if tc.errText == "" && tc.errIs == nil {
				if err != nil || sniffErr != nil {
					t.Fatalf("NewReader: %v; Sniff: %v", err, sniffErr)
				}
				defer r.Close()
				if r.Format() != tc.format || r.Compression() != tc.compression {
					t.Errorf("reader says %s/%q, want %s/%q", r.Format(), r.Compression(), tc.format, tc.compression)
				}
				if format != tc.format || compression != tc.compression {
					t.Errorf("Sniff says %s/%q, want %s/%q", format, compression, tc.format, tc.compression)
				}
				frames, err := drainFrames(r)
				if err != io.EOF || len(frames) != 1 || string(frames[0].Data) != "\x01\x02\x03\x04" {
					t.Errorf("got %d frames, %v", len(frames), err)
				}
				return
			}
			if err == nil {
				r.Close()
				t.Fatal("NewReader accepted the file")
			}
			if tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("error %v does not wrap %v", err, tc.errIs)
			}
			if !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("error %q lacks %q", err, tc.errText)
			}
			var ce *Error
			if truncated := errors.As(err, &ce) && ce.Truncated; truncated != tc.truncated {
				t.Errorf("error %v: truncated should be %v", err, tc.truncated)
			}
			if tc.errIs != nil && !errors.Is(sniffErr, tc.errIs) {
				t.Errorf("Sniff error %v does not wrap %v", sniffErr, tc.errIs)
			}
		})
	}
}

// zstdHugeWindow is a zstd frame header declaring a 2 GiB window, which the
// reader must refuse rather than reserve.
func zstdHugeWindow() []byte {
	// Frame header descriptor 0: no checksum, no dictionary, window
	// descriptor present; window descriptor 0xa8: log 10+21 = 2^31 bytes.
	// Then one empty last raw block.
	return append(bytes.Clone(zstdMagic), 0x00, 0xa8, 0x01, 0x00, 0x00)
}

func TestOpenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pcap")
	if _, err := Open(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Open of a missing file: %v", err)
	}
	if _, _, err := Sniff(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Sniff of a missing file: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open of a directory succeeded")
	}
}

func TestClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.pcap.zst")
	pcap := pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{data: payload(8, 0)}, pcapRecord{data: payload(8, 0)})
	for _, file := range [][]byte{pcap, gzipBytes(t, pcap), zstdBytes(t, pcap)} {
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if f, err := r.Next(); f != nil || err == nil || err == io.EOF {
			t.Errorf("Next after Close = %v, %v", f, err)
		}
	}
}

// TestErrorsAreSticky checks that io.EOF and damage are repeated, not
// re-read.
func TestErrorsAreSticky(t *testing.T) {
	good := pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{data: payload(8, 0)})
	cut := good[:len(good)-3]
	for _, file := range [][]byte{good, cut} {
		r, err := NewReader(bytes.NewReader(file), "sticky")
		if err != nil {
			t.Fatal(err)
		}
		_, first := drainFrames(r)
		for range 3 {
			if f, err := r.Next(); f != nil || err != first {
				t.Errorf("later Next = %v, %v; want nil, %v", f, err, first)
			}
		}
	}
}
