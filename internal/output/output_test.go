package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

func TestSafeCell(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain.example.com", "plain.example.com"},
		{"=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"},
		{"+1+2", "'+1+2"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"-1", "-1"},
		{"3.25", "3.25"},
		{"1e-05", "1e-05"},
		{"", ""},
		{"bad\xffutf8", "bad\uFFFDutf8"},
	}
	for _, c := range cases {
		if got := SafeCell(c.in); got != c.want {
			t.Errorf("SafeCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCSVQuotesAndLineEnds(t *testing.T) {
	for _, crlf := range []bool{false, true} {
		var b bytes.Buffer
		w := NewCSV(&b, crlf)
		if err := w.Write([]string{"a,b", `say "hi"`, "=1+1"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		want := `"a,b","say ""hi""",'=1+1`
		if crlf {
			want += "\r\n"
		} else {
			want += "\n"
		}
		if b.String() != want {
			t.Errorf("crlf=%v: got %q want %q", crlf, b.String(), want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.csv")
	if err := WriteFile(path, func(w *bufio.Writer) error { _, err := w.WriteString("first\n"); return err }); err != nil {
		t.Fatal(err)
	}
	failure := errors.New("interrupted")
	err := WriteFile(path, func(w *bufio.Writer) error {
		w.WriteString("half a fi")
		return failure
	})
	if !errors.Is(err, failure) {
		t.Fatalf("want the write error, got %v", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "first\n" {
		t.Fatalf("a failed write must leave the previous file, got %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileRefusesInputs(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "capture.pcap")
	os.WriteFile(input, []byte("pcap"), 0o644)
	Protect(input)
	err := WriteFile(input, func(w *bufio.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "input") {
		t.Fatalf("writing over an input must be refused, got %v", err)
	}
	if b, _ := os.ReadFile(input); string(b) != "pcap" {
		t.Fatal("input was modified")
	}
	// The same file reached through a symlink or a hard link is refused too.
	link, hard := filepath.Join(dir, "link.pcap"), filepath.Join(dir, "hard.pcap")
	if err := os.Symlink(input, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(input, hard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, hard} {
		if err := WriteFile(p, func(w *bufio.Writer) error { return nil }); err == nil {
			t.Errorf("writing over %s (a link to an input) must be refused", filepath.Base(p))
		}
	}
	if err := WriteFile(filepath.Join(dir, "out.csv"), func(w *bufio.Writer) error { return nil }); err != nil {
		t.Errorf("a new output beside the inputs must be written: %v", err)
	}
}

func TestTableIsTerminalSafe(t *testing.T) {
	var b bytes.Buffer
	err := Table(&b, []string{"NAME", "N"}, [][]string{{"evil\x1b[2Jname\r", "1"}, {"ok", "22"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\r") {
		t.Fatalf("control characters reached the terminal: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], "ok ") {
		t.Fatalf("unexpected table:\n%s", out)
	}
	if got := TerminalSafe("abcdefghij", 5); got != "abcd…" || utf8.RuneCountInString(got) != 5 {
		t.Fatalf("TerminalSafe cut = %q", got)
	}
}

func TestJSONValidUTF8AndEscaped(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, map[string]string{"name": "<script>\xff"}); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(b.Bytes()) || strings.Contains(b.String(), "<script>") {
		t.Fatalf("JSON not safe: %s", b.String())
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
}

type parquetRow struct {
	Device string `parquet:"device"`
	Bytes  int64  `parquet:"bytes"`
}

func TestParquetRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rows.parquet")
	rows := []parquetRow{{"plug", 10}, {"cam", 2000}}
	if err := Parquet(path, rows); err != nil {
		t.Fatal(err)
	}
	back, err := parquet.ReadFile[parquetRow](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[1] != rows[1] {
		t.Fatalf("read back %v", back)
	}
}

func TestPyJSONMatchesPython(t *testing.T) {
	// Expected strings produced by Python 3: json.dumps(v, indent=4).
	v := PyObject{{"..", []string{"a.com", "b\u00e9.com", "x\"y"}}, {"empty", []string{}}, {"m", PyObject{{"1.2.3.4", "a.com"}}}}
	var b bytes.Buffer
	if err := PyJSON(&b, v, 4); err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"..\": [\n        \"a.com\",\n        \"b\\u00e9.com\",\n        \"x\\\"y\"\n    ],\n    \"empty\": [],\n    \"m\": {\n        \"1.2.3.4\": \"a.com\"\n    }\n}"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestPyFloat(t *testing.T) {
	cases := map[float64]string{0: "0.0", 1: "1.0", 565.1971830985916: "565.1971830985916", 2.8e-05: "2.8e-05",
		0.004239948640888344: "0.004239948640888344", 1e16: "1e+16", 2.8219292119057193e-05: "2.8219292119057193e-05", -0.5: "-0.5"}
	for v, want := range cases {
		if got := PyFloat(v); got != want {
			t.Errorf("PyFloat(%v) = %s, want %s", v, got, want)
		}
	}
}

func TestWriteFileRecreatesARemovedFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "x.txt")
	write := func() error {
		return WriteFile(path, func(w *bufio.Writer) error { _, err := w.WriteString("x"); return err })
	}
	if err := write(); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Dir(dir))
	if err := write(); err != nil {
		t.Fatalf("a folder removed between writes must be made again: %v", err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("file %v mode %v", err, st)
	}
}
