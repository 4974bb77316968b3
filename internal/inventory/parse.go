package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/iotlens/iotlens/internal/decode"
)

// maxInventoryBytes bounds an inventory file: they are hand-sized lists,
// and a wrong path (a capture, say) must not be read whole.
const maxInventoryBytes = 16 << 20

// ParseError is a problem at one line of an inventory file.
type ParseError struct {
	File string
	Line int // 0 when the problem is not tied to a line
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Load reads an inventory file, detecting its format from its content.
func Load(path string) (*Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads an inventory in any supported format; name is the file's path,
// used in errors and, for a bare MAC file, to name the device after its
// folder. Formats, detected from the content:
//   - devices.yaml: a YAML map of device id -> {name, ipv4, ipv6, mac,
//     device-type, manufacturer, app}
//   - a CSV whose header names a name/device column and a MAC or IP column
//     (MADEA's "MAC Address,Device Name" among them)
//   - a MAC list: "name,MAC", "name MAC" or "MAC name" per line
//   - an IoT Sentinel _iotdevice-mac.txt: MACs only, named by the folder
//
// Blank lines and lines starting with '#' are skipped in the text formats.
func Parse(r io.Reader, name string) (*Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInventoryBytes+1))
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	if len(data) > maxInventoryBytes {
		return nil, &ParseError{File: name, Err: fmt.Errorf("larger than %d MiB: not an inventory", maxInventoryBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := splitLines(data)
	first, ok := firstSignificant(lines)
	if !ok {
		return &Inventory{}, nil
	}
	inv := &Inventory{}
	switch {
	case isYAMLStart(lines[first]):
		err = parseYAML(inv, data, name)
	case isCSVHeader(lines[first]):
		err = parseCSV(inv, data, name)
	default:
		err = parseMACList(inv, lines, name)
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

func splitLines(data []byte) []string {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.Split(text, "\n")
}

func firstSignificant(lines []string) (int, bool) {
	for i, l := range lines {
		if isSignificant(l) {
			return i, true
		}
	}
	return 0, false
}

func isSignificant(line string) bool {
	l := strings.TrimSpace(line)
	return l != "" && !strings.HasPrefix(l, "#")
}

// yamlMappingKey matches "id:" or "id: &anchor", a YAML key opening a map.
var yamlMappingKey = regexp.MustCompile(`^[^\s#,"'][^,]*:\s*(&\S+\s*)?(#.*)?$`)

func isYAMLStart(line string) bool {
	return strings.TrimSpace(line) == "---" || yamlMappingKey.MatchString(strings.TrimRight(line, " \t"))
}

// --- MAC lists -------------------------------------------------------------

// macLine is one parsed line of a MAC list.
type macLine struct {
	line int
	name string
	mac  decode.MAC
}

func parseMACList(inv *Inventory, lines []string, name string) error {
	var entries []macLine
	bare := 0
	for i, raw := range lines {
		if !isSignificant(raw) {
			continue
		}
		e, err := parseMACLine(strings.TrimSpace(raw))
		if err != nil {
			return &ParseError{File: name, Line: i + 1, Err: err}
		}
		e.line = i + 1
		if e.name == "" {
			bare++
		}
		entries = append(entries, e)
	}
	if bare > 0 && bare < len(entries) {
		for _, e := range entries {
			if e.name == "" {
				return &ParseError{File: name, Line: e.line, Err: fmt.Errorf("MAC %s has no device name", e.mac)}
			}
		}
	}
	source := SourceMACList
	if bare > 0 {
		source = SourceIoTSentinel
		folder, err := folderDeviceName(name)
		if err != nil {
			return &ParseError{File: name, Err: err}
		}
		for i := range entries {
			entries[i].name = folder
		}
	}
	for _, e := range entries {
		if err := inv.Add(Device{Name: e.name, MACs: []decode.MAC{e.mac}, Source: source}); err != nil {
			return &ParseError{File: name, Line: e.line, Err: err}
		}
	}
	return nil
}

// parseMACLine splits "name,MAC", "MAC,name", "name MAC", "MAC name" or a
// bare "MAC". Names may contain spaces; with a comma they may also be the
// only field besides the MAC.
func parseMACLine(line string) (macLine, error) {
	var fields []string
	if strings.Contains(line, ",") {
		fields = strings.Split(line, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if len(fields) > 2 {
			return macLine{}, fmt.Errorf("want name,MAC; got %d fields", len(fields))
		}
	} else {
		words := strings.Fields(line)
		fields = []string{words[0]}
		if len(words) > 1 {
			last := len(words) - 1
			if isMACToken(words[0]) || !isMACToken(words[last]) && looksLikeMAC(words[0]) {
				fields = []string{words[0], strings.Join(words[1:], " ")}
			} else {
				fields = []string{strings.Join(words[:last], " "), words[last]}
			}
		}
	}
	macIdx := pickMACField(fields)
	if macIdx < 0 {
		return macLine{}, fmt.Errorf("no MAC address in %s", quoteShort(line))
	}
	mac, err := parseMAC(fields[macIdx])
	if err != nil {
		return macLine{}, err
	}
	e := macLine{mac: mac}
	if len(fields) == 2 {
		e.name = fields[1-macIdx]
		if e.name == "" {
			return macLine{}, fmt.Errorf("MAC %s has an empty device name", mac)
		}
		if isMACToken(e.name) {
			return macLine{}, fmt.Errorf("two MAC addresses and no device name in %s", quoteShort(line))
		}
	}
	return e, nil
}

func isMACToken(s string) bool {
	_, err := parseMAC(s)
	return err == nil
}

// pickMACField returns the index of the field holding the MAC: the one that
// parses, else the one that looks most like a MAC attempt, else -1.
func pickMACField(fields []string) int {
	for i, f := range fields {
		if isMACToken(f) {
			return i
		}
	}
	for _, looks := range []func(string) bool{looksLikeMAC, mightBeMAC} {
		for i := len(fields) - 1; i >= 0; i-- {
			if looks(fields[i]) {
				return i
			}
		}
	}
	return -1
}

// folderDeviceName names the device of a bare MAC file after its folder
// (IoT Sentinel keeps one _iotdevice-mac.txt per device folder).
func folderDeviceName(path string) (string, error) {
	dir := filepath.Base(filepath.Dir(filepath.Clean(path)))
	if dir == "." || dir == string(filepath.Separator) || dir == "" {
		return "", errors.New("a file of bare MACs is named after its folder, and this path has none")
	}
	return dir, nil
}

// --- CSV with a header ----------------------------------------------------

// csvColumns maps normalized header names (lower case, no spaces, '_',
// '-' or '.') to the field they hold.
var csvColumns = map[string]string{
	"devicename": "name", "name": "name", "device": "name", "hostname": "name", "devicelabel": "name", "label": "name",
	"mac": "mac", "macaddress": "mac", "macaddr": "mac", "devicemac": "mac", "hwaddr": "mac", "ethernet": "mac",
	"ip": "ip", "ipv4": "ip", "ipaddress": "ip", "ipv4address": "ip", "deviceip": "ip", "ipv6": "ip", "ipv6address": "ip",
	"manufacturer": "manufacturer", "vendor": "manufacturer", "brand": "manufacturer",
	"type": "type", "devicetype": "type", "category": "type",
	"model": "model",
}

// nameColumnRank orders competing name columns: "Device Name" beats
// "name", which beats "device" and "hostname".
var nameColumnRank = map[string]int{"devicename": 0, "name": 1, "devicelabel": 2, "label": 3, "device": 4, "hostname": 5}

func normalizeHeader(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\t':
			return -1
		}
		return toLowerASCII(r)
	}, strings.TrimSpace(strings.Trim(s, `"'`)))
}

func toLowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// csvDelimiter picks the delimiter that splits the header line best.
func csvDelimiter(header string) rune {
	for _, d := range []rune{',', '\t', ';'} {
		if strings.ContainsRune(header, d) {
			return d
		}
	}
	return ','
}

// csvLayout says which column holds what.
type csvLayout struct {
	name, mac, ip, manufacturer, typ, model int
}

func layoutOf(header []string) (csvLayout, bool) {
	l := csvLayout{name: -1, mac: -1, ip: -1, manufacturer: -1, typ: -1, model: -1}
	bestName := len(nameColumnRank)
	for i, h := range header {
		key := normalizeHeader(h)
		switch csvColumns[key] {
		case "name":
			if rank := nameColumnRank[key]; rank < bestName {
				l.name, bestName = i, rank
			}
		case "mac":
			setOnce(&l.mac, i)
		case "ip":
			setOnce(&l.ip, i)
		case "manufacturer":
			setOnce(&l.manufacturer, i)
		case "type":
			setOnce(&l.typ, i)
		case "model":
			setOnce(&l.model, i)
		}
	}
	return l, l.name >= 0 && (l.mac >= 0 || l.ip >= 0)
}

func setOnce(dst *int, i int) {
	if *dst < 0 {
		*dst = i
	}
}

func isCSVHeader(line string) bool {
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma = csvDelimiter(line)
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil || len(header) < 2 {
		return false
	}
	for _, h := range header {
		if looksLikeMAC(strings.TrimSpace(h)) {
			return false
		}
	}
	_, ok := layoutOf(header)
	return ok
}

func parseCSV(inv *Inventory, data []byte, name string) error {
	text := string(data)
	lines := splitLines(data)
	first, _ := firstSignificant(lines)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = csvDelimiter(lines[first])
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return &ParseError{File: name, Err: err}
	}
	layout, _ := layoutOf(header)
	source := SourceCSV
	if normalizeHeader(header[0]) == "macaddress" && len(header) == 2 && normalizeHeader(header[1]) == "devicename" {
		source = SourceMADEA
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return &ParseError{File: name, Line: line, Err: err}
		}
		if blankRecord(rec) {
			continue
		}
		d, err := deviceFromRecord(rec, layout, source)
		if err == nil {
			err = inv.Add(d)
		}
		if err != nil {
			return &ParseError{File: name, Line: line, Err: err}
		}
	}
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func deviceFromRecord(rec []string, l csvLayout, source string) (Device, error) {
	field := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	d := Device{
		Name:         field(l.name),
		Manufacturer: field(l.manufacturer),
		Type:         field(l.typ),
		Model:        field(l.model),
		Source:       source,
	}
	if d.Name == "" {
		return d, errors.New("empty device name")
	}
	for _, tok := range splitCell(field(l.mac)) {
		m, err := parseMAC(tok)
		if err != nil {
			return d, err
		}
		d.MACs = append(d.MACs, m)
	}
	for _, tok := range splitCell(field(l.ip)) {
		ip, err := netip.ParseAddr(tok)
		if err != nil {
			return d, fmt.Errorf("bad IP address %q", tok)
		}
		d.IPs = append(d.IPs, ip)
	}
	if len(d.MACs) == 0 && len(d.IPs) == 0 {
		return d, fmt.Errorf("device %q has no MAC or IP", d.Name)
	}
	return d, nil
}

// splitCell splits a cell listing several addresses ("a; b" or "a b").
func splitCell(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ' ' || r == '\t' })
}

// quoteShort quotes s for an error message, cut to a readable length.
func quoteShort(s string) string {
	const limit = 60
	if len(s) > limit {
		return fmt.Sprintf("%q...", s[:limit])
	}
	return fmt.Sprintf("%q", s)
}
