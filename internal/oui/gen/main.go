// Command gen converts the IEEE MAC address registries shipped by Debian's
// ieee-data package into internal/oui/registry.txt.gz, the compact table that
// package oui embeds. It is run by `go generate ./internal/oui`.
//
// Output: a gzip-compressed text file; header lines start with '#', then one
// line per assignment, sorted by prefix:
//
//	<hex prefix> TAB <prefix length in bits> TAB <organization name>
//
// Addresses are dropped: iotlens only needs names.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// registryFile is one IEEE registry CSV and the prefix length it assigns.
type registryFile struct {
	name     string
	bits     int
	optional bool
}

// registryFiles lists the registries, largest blocks first. IAB is the
// retired predecessor of MA-S (also 36-bit); it is used when present.
var registryFiles = []registryFile{
	{name: "oui.csv", bits: 24},
	{name: "mam.csv", bits: 28},
	{name: "oui36.csv", bits: 36},
	{name: "iab.csv", bits: 36, optional: true},
}

// assignment is one registry row reduced to what iotlens keeps.
type assignment struct {
	prefix string // upper-case hex, bits/4 digits
	bits   int
	org    string
}

const installHint = "install the IEEE registries with `apt-get install ieee-data` or pass -src"

func main() {
	src := flag.String("src", "/usr/share/ieee-data", "folder holding the ieee-data CSV files (oui.csv, mam.csv, oui36.csv)")
	out := flag.String("out", "registry.txt.gz", "output file")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "oui/gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	date, err := lastUpdate(src)
	if err != nil {
		return err
	}
	var all []assignment
	var used []string
	for _, rf := range registryFiles {
		rows, err := readRegistry(filepath.Join(src, rf.name), rf.bits)
		if errors.Is(err, fs.ErrNotExist) {
			if rf.optional {
				continue
			}
			return fmt.Errorf("%s not found in %s: %s", rf.name, src, installHint)
		}
		if err != nil {
			return err
		}
		all = append(all, rows...)
		used = append(used, rf.name)
	}
	data, err := encode(dedupe(all), date, used)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// lastUpdate reads ieee-data's .lastupdate (a Unix time) as a YYYY-MM-DD
// date; without it, the newest CSV's modification date is used.
func lastUpdate(src string) (string, error) {
	st, err := os.Stat(src)
	if err != nil || !st.IsDir() {
		return "", fmt.Errorf("registry folder %s missing: %s", src, installHint)
	}
	if raw, err := os.ReadFile(filepath.Join(src, ".lastupdate")); err == nil {
		if secs, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64); err == nil {
			return time.Unix(secs, 0).UTC().Format(time.DateOnly), nil
		}
	}
	var newest time.Time
	for _, rf := range registryFiles {
		if st, err := os.Stat(filepath.Join(src, rf.name)); err == nil && st.ModTime().After(newest) {
			newest = st.ModTime()
		}
	}
	if newest.IsZero() {
		return "", fmt.Errorf("no registry CSV in %s: %s", src, installHint)
	}
	return newest.UTC().Format(time.DateOnly), nil
}

// readRegistry parses one CSV with the header
// `Registry,Assignment,Organization Name,Organization Address`.
func readRegistry(path string, bits int) ([]assignment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseRegistry(f, path, bits)
}

func parseRegistry(r io.Reader, path string, bits int) ([]assignment, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", path, err)
	}
	if len(header) < 3 || !strings.EqualFold(strings.TrimSpace(header[1]), "Assignment") {
		return nil, fmt.Errorf("%s: unexpected header %q", path, strings.Join(header, ","))
	}
	var rows []assignment
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 3 {
			return nil, fmt.Errorf("%s:%d: want at least 3 fields, got %d", path, line, len(rec))
		}
		prefix := strings.ToUpper(strings.TrimSpace(rec[1]))
		if len(prefix)*4 != bits || !isHex(prefix) {
			return nil, fmt.Errorf("%s:%d: assignment %q is not a %d-bit hex prefix", path, line, rec[1], bits)
		}
		org := strings.Join(strings.Fields(rec[2]), " ")
		if org == "" {
			continue
		}
		rows = append(rows, assignment{prefix: prefix, bits: bits, org: org})
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// dedupe sorts by prefix and keeps the first row of each assignment in file
// order: a handful of old MA-L blocks are listed twice.
func dedupe(rows []assignment) []assignment {
	slices.SortStableFunc(rows, func(a, b assignment) int { return strings.Compare(a.prefix, b.prefix) })
	return slices.CompactFunc(rows, func(a, b assignment) bool { return a.prefix == b.prefix })
}

func encode(rows []assignment, date string, sources []string) ([]byte, error) {
	var text bytes.Buffer
	fmt.Fprintln(&text, "# iotlens MAC vendor registry, generated by internal/oui/gen from Debian ieee-data; do not edit")
	fmt.Fprintf(&text, "# date %s\n", date)
	fmt.Fprintf(&text, "# sources %s\n", strings.Join(sources, " "))
	for _, r := range rows {
		fmt.Fprintf(&text, "%s\t%d\t%s\n", r.prefix, r.bits, r.org)
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(text.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
