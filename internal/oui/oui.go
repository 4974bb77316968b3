package oui

//go:generate go run ./gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed registry.txt.gz
var registryGz []byte

// prefixLengths are the registry block sizes, longest first: the longest
// matching prefix names the real owner (MA-M and MA-S blocks sit inside
// MA-L blocks registered to "IEEE Registration Authority").
var prefixLengths = [...]int{36, 28, 24}

// table holds the assignments of one prefix length, sorted by key. Names are
// slices of one shared string so the table holds no per-entry strings.
type table struct {
	keys    []uint64
	nameIdx []uint32
}

// registry is the decoded embedded file.
type registry struct {
	date    string
	entries int
	tables  [len(prefixLengths)]table
	names   string   // all distinct organization names, concatenated
	offsets []uint32 // name i is names[offsets[i]:offsets[i+1]]
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
			return r.name(t.nameIdx[j]), true
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

func (r *registry) name(i uint32) string {
	return r.names[r.offsets[i]:r.offsets[i+1]]
}

// parseRegistry decodes the gzip'd table written by ./gen.
func parseRegistry(src io.Reader) (*registry, error) {
	zr, err := gzip.NewReader(src)
	if err != nil {
		return nil, fmt.Errorf("oui registry: %w", err)
	}
	defer zr.Close()
	r := &registry{}
	b := newBuilder()
	sc := bufio.NewScanner(zr)
	for line := 1; sc.Scan(); line++ {
		if err := r.parseLine(sc.Bytes(), b); err != nil {
			return nil, fmt.Errorf("oui registry line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("oui registry: %w", err)
	}
	b.finish(r)
	return r, nil
}

func (r *registry) parseLine(text []byte, b *builder) error {
	if rest, ok := bytes.CutPrefix(text, []byte("#")); ok {
		if date, ok := bytes.CutPrefix(bytes.TrimSpace(rest), []byte("date ")); ok {
			r.date = string(bytes.TrimSpace(date))
		}
		return nil
	}
	if len(text) == 0 {
		return nil
	}
	prefix, rest, ok1 := bytes.Cut(text, []byte("\t"))
	bitsText, org, ok2 := bytes.Cut(rest, []byte("\t"))
	if !ok1 || !ok2 || len(org) == 0 {
		return fmt.Errorf("want prefix, bits and name separated by tabs")
	}
	bits, err := strconv.Atoi(string(bitsText))
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
	b.add(slot, key, org)
	return nil
}

func parseHex(s []byte) (uint64, bool) {
	var v uint64
	for _, c := range s {
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

// builder interns names while the table is read.
type builder struct {
	index  map[string]uint32
	names  strings.Builder
	starts []uint32
	rows   [len(prefixLengths)][]row
}

type row struct {
	key  uint64
	name uint32
}

func newBuilder() *builder {
	return &builder{index: make(map[string]uint32)}
}

func (b *builder) add(slot int, key uint64, org []byte) {
	id, ok := b.index[string(org)]
	if !ok {
		id = uint32(len(b.starts))
		b.index[string(org)] = id
		b.starts = append(b.starts, uint32(b.names.Len()))
		b.names.Write(org)
	}
	b.rows[slot] = append(b.rows[slot], row{key: key, name: id})
}

func (b *builder) finish(r *registry) {
	r.names = b.names.String()
	r.offsets = append(b.starts, uint32(len(r.names)))
	for slot, rows := range b.rows {
		// The file is sorted, but sorting here keeps binary search correct
		// for any input; duplicates keep their first row.
		slices.SortStableFunc(rows, func(a, b row) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
		rows = slices.CompactFunc(rows, func(a, b row) bool { return a.key == b.key })
		t := table{keys: make([]uint64, len(rows)), nameIdx: make([]uint32, len(rows))}
		for i, rw := range rows {
			t.keys[i], t.nameIdx[i] = rw.key, rw.name
		}
		r.tables[slot] = t
		r.entries += len(rows)
	}
}
