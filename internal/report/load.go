package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/analysis/summary"
)

// Loaded is what Load found in an output folder of the other commands.
type Loaded struct {
	Devices      []Device
	Destinations []DestinationRow
	Files        []string // every file read or worth linking, in the folder
}

// Where Load looks, in order of preference. The destination table sits in
// destinations/ when `iotlens report` or `demo` wrote the folder, at the top
// when the folder is the output of `iotlens destinations`.
var (
	summaryFiles      = []string{"summary.json", "summary.csv"}
	destinationsFiles = []string{filepath.Join("destinations", "destinations.csv"), "destinations.csv"}
)

// ErrNothingToReport is returned when the folder holds no result Load reads.
var ErrNothingToReport = errors.New("no summary.json, summary.csv or destinations.csv found")

// Load reads the summary (summary.json, else summary.csv) and the
// destination table (destinations/destinations.csv, else destinations.csv)
// of an output folder. Either may be missing, not both.
func Load(dir string) (*Loaded, error) {
	l := &Loaded{}
	if path := firstExisting(dir, summaryFiles); path != "" {
		devices, err := readSummaryFile(path)
		if err != nil {
			return nil, err
		}
		l.Devices = devices
		l.Files = append(l.Files, path)
	}
	if path := firstExisting(dir, destinationsFiles); path != "" {
		rows, err := readDestinationsFile(path)
		if err != nil {
			return nil, err
		}
		l.Destinations = rows
		l.Files = append(l.Files, path)
		if pq := strings.TrimSuffix(path, ".csv") + ".parquet"; isFile(pq) {
			l.Files = append(l.Files, pq)
		}
	}
	if len(l.Files) == 0 {
		return nil, fmt.Errorf("%s: %w: run `iotlens summary` or `iotlens destinations` with -o into it first", dir, ErrNothingToReport)
	}
	if len(l.Devices) == 0 {
		l.Devices = devicesOf(l.Destinations)
	}
	return l, nil
}

func firstExisting(dir string, names []string) string {
	for _, n := range names {
		if p := filepath.Join(dir, n); isFile(p) {
			return p
		}
	}
	return ""
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// devicesOf names the devices of destination rows when no summary exists,
// in first-seen order.
func devicesOf(rows []DestinationRow) []Device {
	var out []Device
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Device] {
			seen[r.Device] = true
			out = append(out, Device{Name: r.Device})
		}
	}
	return out
}

func readSummaryFile(path string) ([]Device, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var devices []Device
	if strings.HasSuffix(path, ".json") {
		devices, err = parseSummaryJSON(b)
	} else {
		devices, err = parseSummaryCSV(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return devices, nil
}

func readDestinationsFile(path string) ([]DestinationRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := parseDestinationsCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// parseSummaryJSON reads `iotlens summary --format json` output.
func parseSummaryJSON(b []byte) ([]Device, error) {
	var rows []summary.Row
	if err := json.Unmarshal(b, &rows); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, fmt.Errorf("offset %d: %w", syn.Offset, err)
		case errors.As(err, &typ):
			return nil, fmt.Errorf("offset %d: %w", typ.Offset, err)
		}
		return nil, err
	}
	return FromSummary(rows), nil
}

// parseSummaryCSV reads `iotlens summary --format csv` output: lists are
// space-separated, warnings "; "-separated.
func parseSummaryCSV(r io.Reader) ([]Device, error) {
	t, err := newTable(r, "device")
	if err != nil {
		return nil, err
	}
	return readRows(t, func() (Device, error) {
		d := Device{Name: t.str("device"), Vendor: t.str("vendor"), Role: t.str("role"),
			MACs: strings.Fields(t.str("macs")), IPs: strings.Fields(t.str("ips")),
			FirstSeen: t.str("first_seen"), LastSeen: t.str("last_seen"),
			TopProtocols: strings.Fields(t.str("top_protocols")), Warnings: splitNonEmpty(t.str("warnings"), "; ")}
		err := t.ints(intCol{"packets", &d.Packets}, intCol{"bytes", &d.Bytes},
			intCol{"tx_packets", &d.TxPackets}, intCol{"tx_bytes", &d.TxBytes},
			intCol{"rx_packets", &d.RxPackets}, intCol{"rx_bytes", &d.RxBytes},
			intCol{"lan_bytes", &d.LANBytes}, intCol{"wan_bytes", &d.WANBytes})
		return d, err
	})
}

// parseDestinationsCSV reads destinations.csv (`iotlens destinations`).
func parseDestinationsCSV(r io.Reader) ([]DestinationRow, error) {
	t, err := newTable(r, "device", "month", "domain")
	if err != nil {
		return nil, err
	}
	return readRows(t, func() (DestinationRow, error) {
		d := DestinationRow{Device: t.str("device"), Month: t.str("month"), Domain: t.str("domain"),
			Party: t.str("category"), Organization: t.str("organization"), Country: t.str("country"),
			Rule: t.str("rule"), NameSource: t.str("name_source")}
		err := t.ints(intCol{"bytes_up", &d.BytesUp}, intCol{"bytes_down", &d.BytesDown},
			intCol{"flows", &d.Flows}, intCol{"packets", &d.Packets})
		return d, err
	})
}

func splitNonEmpty(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// table reads a CSV file by column name, so column order and extra columns
// do not matter.
type table struct {
	r    *csv.Reader
	cols map[string]int
	rec  []string
	line int
}

func newTable(r io.Reader, required ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("line 1: empty file, expected a CSV header")
	}
	if err != nil {
		return nil, err
	}
	t := &table{r: cr, cols: map[string]int{}}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a spreadsheet's byte order mark
		}
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, fmt.Errorf("line 1: no %q column in the header", c)
		}
	}
	return t, nil
}

// next reads one record; false at the end.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err // csv.ParseError names the line and column
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true, nil
}

func (t *table) str(col string) string {
	if i, ok := t.cols[col]; ok && i < len(t.rec) {
		return t.rec[i]
	}
	return ""
}

// readRows turns each remaining record of t into a T with row, which reads
// the current record through t; the first error stops it.
func readRows[T any](t *table, row func() (T, error)) ([]T, error) {
	var out []T
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		v, err := row()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// intCol is a count column and the field its value goes into.
type intCol struct {
	name string
	dst  *int64
}

// ints parses the count columns of the current record into their fields,
// in order; the first bad cell stops it.
func (t *table) ints(cols ...intCol) error {
	for _, c := range cols {
		v, err := t.int(c.name)
		if err != nil {
			return err
		}
		*c.dst = v
	}
	return nil
}

// int parses a count; an absent column or empty cell is 0.
func (t *table) int(col string) (int64, error) {
	s := t.str(col)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("line %d: column %s: %q is not a count", t.line, col, s)
	}
	return v, nil
}

// FileLinks turns files inside or next to the report's folder into links
// relative to reportDir; files that cannot be made relative are skipped.
func FileLinks(reportDir string, paths []string) []Link {
	var out []Link
	base, err := filepath.Abs(reportDir)
	if err != nil {
		return nil
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(base, abs)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		out = append(out, Link{Label: rel, Href: relativeHref(rel), Description: describeFile(p)})
	}
	return out
}

// relativeHref escapes each path segment and starts with "./" or "../", so
// no file name can read as a URL scheme ("javascript:...").
func relativeHref(rel string) string {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		if p != ".." {
			parts[i] = pathEscape(p)
		}
	}
	href := strings.Join(parts, "/")
	if !strings.HasPrefix(href, "../") {
		href = "./" + href
	}
	return href
}

// pathEscape percent-encodes everything but unreserved URL characters.
func pathEscape(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// fileDescriptions say what each linked output holds.
var fileDescriptions = map[string]string{
	"summary.csv":          "per-device summary (CSV)",
	"summary.json":         "per-device summary (JSON)",
	"summary.txt":          "per-device summary (text table)",
	"destinations.csv":     "destinations by device and month (CSV)",
	"destinations.parquet": "destinations by device and month (Parquet)",
}

func describeFile(path string) string {
	if d, ok := fileDescriptions[filepath.Base(path)]; ok {
		return d
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return "folder"
	}
	return ""
}
