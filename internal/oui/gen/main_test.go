package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const header = "Registry,Assignment,Organization Name,Organization Address\n"

func TestRun(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		".lastupdate": "1661630937\n",
		"oui.csv":     header + "MA-L,0011AA,\"Acme,  Inc.\",\"1 Road, Town\"\nMA-L,000001,First Corp,x\nMA-L,000001,Second Corp,y\n",
		"mam.csv":     header + "MA-M,0011AAB,Mid Ltd,addr\n",
		"oui36.csv":   header + "MA-S,0011AABCD,\"Small\nGmbH\",addr\n",
	})
	out := filepath.Join(t.TempDir(), "registry.txt.gz")
	if err := run(src, out); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want := "# date 2022-08-27\n# sources oui.csv mam.csv oui36.csv\n" +
		"000001\t24\tFirst Corp\n0011AA\t24\tAcme, Inc.\n0011AAB\t28\tMid Ltd\n0011AABCD\t36\tSmall GmbH\n"
	if _, body, _ := strings.Cut(string(text), "\n"); body != want {
		t.Errorf("output:\n%s\nwant:\n%s", body, want)
	}
}

func TestRunErrors(t *testing.T) {
	empty := t.TempDir()
	badRow := t.TempDir()
	writeFiles(t, badRow, map[string]string{
		"oui.csv":   header + "MA-L,0011A,Short prefix,x\n",
		"mam.csv":   header,
		"oui36.csv": header,
	})
	badHeader := t.TempDir()
	writeFiles(t, badHeader, map[string]string{"oui.csv": "a,b\n", "mam.csv": header, "oui36.csv": header})
	tests := []struct {
		name, src, wantErr string
	}{
		{"missing folder", filepath.Join(empty, "nope"), "apt-get install ieee-data"},
		{"missing csv", empty, "apt-get install ieee-data"},
		{"bad prefix", badRow, "oui.csv:2: assignment \"0011A\" is not a 24-bit hex prefix"},
		{"bad header", badHeader, "unexpected header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.src, filepath.Join(t.TempDir(), "out.gz"))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzParseRegistryCSV(f *testing.F) {
	f.Add(header + "MA-L,0011AA,\"Acme, Inc.\",addr\n")
	f.Add(header + "MA-L,0011AA\n")
	f.Add("\"unterminated")
	f.Fuzz(func(t *testing.T, text string) {
		rows, err := parseRegistry(strings.NewReader(text), "fuzz.csv", 24)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r.prefix) != 6 || r.org == "" || strings.ContainsAny(r.org, "\t\n") {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
