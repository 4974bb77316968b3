package jsonl

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

func readAll(t *testing.T, r *Reader) ([]string, []error) {
	t.Helper()
	var lines []string
	var errs []error
	for {
		b, err := r.Next()
		if err == io.EOF {
			return lines, errs
		}
		if err != nil {
			errs = append(errs, err)
			if !errors.Is(err, ErrLineTooLong) {
				return lines, errs
			}
			continue
		}
		lines = append(lines, string(b))
	}
}

func compress(t *testing.T, kind string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	switch kind {
	case Gzip:
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
	case Zstd:
		w, _ := zstd.NewWriter(&b)
		w.Write(data)
		w.Close()
	default:
		b.Write(data)
	}
	return b.Bytes()
}

func TestFormatsAndLineEnds(t *testing.T) {
	data := []byte("{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}") // CRLF, blank line, no final newline
	for _, kind := range []string{None, Gzip, Zstd} {
		path := filepath.Join(t.TempDir(), "in.bin") // the name says nothing
		os.WriteFile(path, compress(t, kind, data), 0o644)
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		lines, errs := readAll(t, r)
		if r.Compression() != kind || len(errs) != 0 || strings.Join(lines, "|") != `{"a":1}||{"b":2}|{"c":3}` || r.Line() != 4 {
			t.Errorf("%q: compression %q lines %q errors %v line %d", kind, r.Compression(), lines, errs, r.Line())
		}
		r.Close()
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 3*bufferSize) // assembled from several buffers
	tooLong := strings.Repeat("y", 5*bufferSize)
	data := "short\n" + long + "\n" + tooLong + "\nafter\n" + tooLong
	r, err := NewReader(strings.NewReader(data), "big.json")
	if err != nil {
		t.Fatal(err)
	}
	r.SetMaxLine(4 * bufferSize)
	lines, errs := readAll(t, r)
	if len(lines) != 3 || lines[0] != "short" || lines[1] != long || lines[2] != "after" {
		t.Fatalf("lines %d", len(lines))
	}
	if len(errs) != 2 || errs[0].Error() != "big.json:3: line too long (over 4194304 bytes): skipped" ||
		!strings.HasPrefix(errs[1].Error(), "big.json:5: ") {
		t.Fatalf("errors %v", errs)
	}
}

func TestSmallLimit(t *testing.T) {
	r, _ := NewReader(strings.NewReader("ok\n"+strings.Repeat("z", 100)+"\nok2\n"), "s.json")
	r.SetMaxLine(10)
	lines, errs := readAll(t, r)
	if strings.Join(lines, "|") != "ok|ok2" || len(errs) != 1 || errs[0].Error() != "s.json:2: line too long (over 10 bytes): skipped" {
		t.Fatalf("%q %v", lines, errs)
	}
}

func TestCutCompressedStream(t *testing.T) {
	var data bytes.Buffer
	for range 20000 {
		data.WriteString(`{"rrname":"a.example.","rrtype":"A","rdata":["192.0.2.1"]}` + "\n")
	}
	for _, kind := range []string{Gzip, Zstd} {
		full := compress(t, kind, data.Bytes())
		r, err := NewReader(bytes.NewReader(full[:len(full)/2]), "cut."+kind)
		if err != nil {
			t.Fatal(err)
		}
		lines, errs := readAll(t, r)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "cut."+kind+":") || len(lines) == 0 {
			t.Errorf("%s: %d lines, errors %v", kind, len(lines), errs)
		}
		if _, err := r.Next(); err == nil || err == io.EOF {
			t.Errorf("%s: the error must be final, got %v", kind, err)
		}
	}
}

func TestEmptyAndMissing(t *testing.T) {
	r, err := NewReader(strings.NewReader(""), "empty.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("empty: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Fatalf("missing: %v", err)
	}
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz"); err == nil || !strings.HasPrefix(err.Error(), "bad.gz: gzip") {
		t.Fatalf("bad gzip header: %v", err)
	}
}

func TestNoAllocationPerLine(t *testing.T) {
	data := bytes.Repeat([]byte(`{"rrname":"a.example.","rrtype":"A"}`+"\n"), 10000)
	r, _ := NewReader(bytes.NewReader(data), "x")
	r.Next()
	if n := testing.AllocsPerRun(1000, func() { r.Next() }); n != 0 {
		t.Fatalf("%v allocations per line", n)
	}
}
