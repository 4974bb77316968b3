package oui

//go:generate go run ./gen

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

//go:embed registry.txt.gz
var registryGz []byte

// prefixLengths are the registry block sizes, longest first: the longest
// matching prefix names the real owner (MA-M and MA-S blocks sit inside
// MA-L blocks registered to "IEEE Registration Authority").
var prefixLengths = [...]int{36, 28, 24}

// table holds the assignments of one prefix length, sorted by key. Names
// are offsets into the decompressed file, kept as one string, so loading
// allocates no per-entry strings (it runs at every start of the CLI).
type table struct {
	keys  []uint64
	names []span
}

type span struct{ start, end uint32 }

// registry is the decoded embedded file.
type registry struct {
	date    string
	entries int
	tables  [len(prefixLengths)]table
	text    string // the decompressed file
}

var (
	loadOnce sync.Once
	loaded   *registry
	loadErr  error
)

func get() *registry {
	loadOnce.Do(func() {
		loaded, loadErr = parseRegistry(bytes.NewReader(registryGz))
	})
	return loaded
}

// LoadError reports why the embedded registry could not be decoded (nil when
// it is fine). Lookup then finds nothing rather than failing.
func LoadError() error {
	get()
	return loadErr
}

// Lookup returns the organization registered for mac's prefix. The longest
// registered prefix wins (36 > 28 > 24 bits). Locally administered and group
// (multicast) addresses have no owner and return ok=false.
func Lookup(mac [6]byte) (org string, ok bool) {
	if mac[0]&0x03 != 0 {
		return "", false
	}
	r := get()
	if r == nil {
		return "", false
	}
	return r.lookup(mac)
}

func (r *registry) lookup(mac [6]byte) (string, bool) {
	v := uint64(mac[0])<<40 | uint64(mac[1])<<32 | uint64(mac[2])<<24 |
		uint64(mac[3])<<16 | uint64(mac[4])<<8 | uint64(mac[5])
	for i, bits := range prefixLengths {
		t := &r.tables[i]
		if j, found := slices.BinarySearch(t.keys, v>>(48-bits)); found {
			sp := t.names[j]
			return r.text[sp.start:sp.end], true
		}
	}
	return "", false
}

// Registry returns the date of the IEEE data the table was built from
// (YYYY-MM-DD) and the number of assignments it holds.
func Registry() (date string, entries int) {
	r := get()
	if r == nil {
		return "", 0
	}
	return r.date, r.entries
}

// parseRegistry decodes the gzip'd table written by ./gen.
func parseRegistry(src io.Reader) (*registry, error) {
	zr, err := gzip.NewReader(src)
	if err != nil {
		return nil, fmt.Errorf("oui registry: %w", err)
	}
	defer zr.Close()
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("oui registry: %w", err)
	}
	r := &registry{text: string(raw)}
	var rows [len(prefixLengths)][]row
	for line, off := 1, 0; off < len(r.text); line++ {
		end := strings.IndexByte(r.text[off:], '\n')
		if end < 0 {
			end = len(r.text) - off
		}
		if err := r.parseLine(off, off+end, &rows); err != nil {
			return nil, fmt.Errorf("oui registry line %d: %w", line, err)
		}
		off += end + 1
	}
	r.finish(&rows)
	return r, nil
}

type row struct {
	key  uint64
	name span
}

// parseLine reads "hexprefix<TAB>bits<TAB>organization" at text[start:end].
func (r *registry) parseLine(start, end int, rows *[len(prefixLengths)][]row) error {
	text := r.text[start:end]
	if rest, ok := strings.CutPrefix(text, "#"); ok {
		if date, ok := strings.CutPrefix(strings.TrimSpace(rest), "date "); ok {
			r.date = strings.TrimSpace(date)
		}
		return nil
	}
	if len(text) == 0 {
		return nil
	}
	prefix, rest, ok1 := strings.Cut(text, "\t")
	bitsText, org, ok2 := strings.Cut(rest, "\t")
	if !ok1 || !ok2 || len(org) == 0 {
		return fmt.Errorf("want prefix, bits and name separated by tabs")
	}
	bits, err := strconv.Atoi(bitsText)
	if err != nil {
		return fmt.Errorf("bad prefix length %q", bitsText)
	}
	slot := slices.Index(prefixLengths[:], bits)
	if slot < 0 || len(prefix)*4 != bits {
		return fmt.Errorf("prefix %q does not have %d bits", prefix, bits)
	}
	key, ok := parseHex(prefix)
	if !ok {
		return fmt.Errorf("bad hex prefix %q", prefix)
	}
	nameStart := uint32(end - len(org))
	rows[slot] = append(rows[slot], row{key: key, name: span{nameStart, uint32(end)}})
	return nil
}

func parseHex(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, true
}

func (r *registry) finish(rows *[len(prefixLengths)][]row) {
	for slot, rs := range rows {
		// The file is sorted, but sorting here keeps binary search correct
		// for any input; duplicates keep their first row.
		slices.SortStableFunc(rs, func(a, b row) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
		rs = slices.CompactFunc(rs, func(a, b row) bool { return a.key == b.key })
		t := table{keys: make([]uint64, len(rs)), names: make([]span, len(rs))}
		for i, rw := range rs {
			t.keys[i], t.names[i] = rw.key, rw.name
		}
		r.tables[slot] = t
		r.entries += len(rs)
	}
}
