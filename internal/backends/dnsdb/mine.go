package dnsdb

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/iotlens/iotlens/internal/backends"
	"github.com/iotlens/iotlens/internal/backends/jsonl"
)

// Options tune Mine.
type Options struct {
	Catalogue *backends.Catalogue // nil: backends.Default()
	// MaxPasses bounds the passes over the data that follow CNAMEs whose
	// targets appear before the CNAME (default 4).
	MaxPasses int
	// Warn, when set, receives every warning as it happens.
	Warn func(string)
	// MaxLine bounds one line (default jsonl.DefaultMaxLine); longer lines
	// are skipped with a warning.
	MaxLine int
}

// DefaultMaxPasses is Options.MaxPasses when zero.
const DefaultMaxPasses = 4

const (
	// negCacheSize bounds the set of names known to match no rule, which
	// spares the catalogue lookup for names repeated across records.
	negCacheSize = 1 << 18
	// keptWarnings is how many warnings Result keeps (all are counted).
	keptWarnings = 100
	maxRRTypes   = 16
)

// position orders records across the input: file, then line.
type position struct {
	file int
	line int64
}

func (p position) less(q position) bool {
	return p.file < q.file || (p.file == q.file && p.line < q.line)
}

// row aggregates the records of one (provider, domain).
type row struct {
	provider *backends.Provider
	order    int // the provider's position in the catalogue
	domain   string
	region   string
	rule     string
	via      string // for CNAME targets: the name whose CNAME led here
	// pass and at say from where this row counts records: a catalogue row
	// from its first record on; a CNAME row from the CNAME on in its pass,
	// and from the start up to the CNAME in the next pass.
	pass      int
	at        position
	fromCNAME bool

	name        *nameState
	rrtypes     []string
	addrs       []addrSpan // see addAddr
	compacted   int
	cnames      []string
	first, last int64
	count       int64
	records     int64
}

// addrSpan is one address of a row as two integers (the IPv4-mapped form
// for IPv4), which sort and hash faster than netip.Addr.
type addrSpan struct {
	hi, lo      uint64
	first, last int64
}

func spanOf(a netip.Addr) addrSpan {
	b := a.As16()
	return addrSpan{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

func (s addrSpan) is4() bool { return s.hi == 0 && s.lo>>32 == 0xffff }

func (s addrSpan) addr() netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], s.hi)
	binary.BigEndian.PutUint64(b[8:], s.lo)
	return netip.AddrFrom16(b).Unmap()
}

func compareSpans(a, b addrSpan) int { return cmp.Or(cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo)) }

// insertionSort sorts a short list in place (most names have few
// addresses; this avoids the generic sort's indirect calls).
func insertionSort(v []addrSpan) {
	for i := 1; i < len(v); i++ {
		x := v[i]
		j := i
		for ; j > 0 && (v[j-1].hi > x.hi || (v[j-1].hi == x.hi && v[j-1].lo > x.lo)); j-- {
			v[j] = v[j-1]
		}
		v[j] = x
	}
}

// addAddr notes an address of the row. Addresses are appended and the list
// is compacted (sorted, duplicates merged) whenever it doubles since the
// last compaction: no map per name, and memory stays within twice the
// distinct addresses.
func (r *row) addAddr(a addrSpan, first, last int64) {
	a.first, a.last = first, last
	if r.addrs == nil {
		r.addrs = make([]addrSpan, 0, 16)
	}
	r.addrs = append(r.addrs, a)
	if len(r.addrs) >= 2*max(r.compacted, 8) {
		r.compactAddrs()
	}
}

func (r *row) compactAddrs() {
	if r.compacted == len(r.addrs) {
		return // nothing appended since the last compaction
	}
	if len(r.addrs) <= 16 {
		insertionSort(r.addrs)
	} else {
		slices.SortFunc(r.addrs, compareSpans)
	}
	out := r.addrs[:0]
	for _, s := range r.addrs {
		if n := len(out); n > 0 && out[n-1].hi == s.hi && out[n-1].lo == s.lo {
			mergeSpan(&out[n-1].first, &out[n-1].last, s.first, s.last)
			continue
		}
		out = append(out, s)
	}
	r.addrs = out
	r.compacted = len(out)
}

func (r *row) counts(pass int, p position) bool {
	switch pass {
	case r.pass:
		return !p.less(r.at) && (!r.fromCNAME || p != r.at)
	case r.pass + 1:
		return r.fromCNAME && p.less(r.at)
	}
	return false
}

type nameState struct {
	rows    []*row
	records int64 // over all rows
}

func (st *nameState) has(p *backends.Provider) bool {
	return slices.ContainsFunc(st.rows, func(r *row) bool { return r.provider == p })
}

type miner struct {
	cat       *backends.Catalogue
	byName    map[string]*backends.Provider
	order     map[string]int
	opts      Options
	names     map[string]*nameState
	neg       map[string]struct{}
	bloom     *bloom
	rows      []*row
	pass      int
	cur       position
	needPass  int // CNAME rows of this pass whose target may appear earlier
	nameBuf   []byte
	res       *Result
	saf       bool // inside a SAF stream (begin seen, no end yet)
	safOpened position
}

// Mine reads DNSDB exports (NDJSON, with or without SAF framing; plain, gzip
// or zstd) and attributes their records to the catalogue's providers. Files
// are streamed: memory holds only the attributed names and their addresses,
// a bounded cache and a fixed-size Bloom filter. CNAMEs of attributed names
// are followed within the data; when a target's records come before the
// CNAME, another pass reads them (at most MaxPasses in all). Targets absent
// from the data are listed in Result.NextQueries. Damaged lines are warnings;
// a file that cannot be read is an error.
func Mine(ctx context.Context, files []string, opts Options) (*Result, error) {
	if opts.Catalogue == nil {
		opts.Catalogue = backends.Default()
	}
	if opts.MaxPasses <= 0 {
		opts.MaxPasses = DefaultMaxPasses
	}
	m := &miner{cat: opts.Catalogue, opts: opts, names: map[string]*nameState{}, neg: map[string]struct{}{},
		res: &Result{Files: len(files)}, byName: map[string]*backends.Provider{}, order: map[string]int{}}
	for i, p := range opts.Catalogue.Providers() {
		m.byName[p.Name] = p
		m.order[p.Name] = i
	}
	m.bloom = newBloom(bloomBits(files))
	for m.pass = 1; ; m.pass++ {
		m.needPass = 0
		for i, f := range files {
			if err := m.readFile(ctx, i, f); err != nil {
				return nil, err
			}
		}
		m.res.Passes = m.pass
		if m.needPass == 0 {
			break
		}
		if m.pass >= opts.MaxPasses {
			m.warn(fmt.Sprintf("CNAME chains need more than %d passes over the data: %d targets may miss records (raise the pass limit)",
				opts.MaxPasses, m.needPass))
			break
		}
	}
	m.finish()
	return m.res, nil
}

func (m *miner) readFile(ctx context.Context, index int, path string) error {
	r, err := jsonl.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	r.SetMaxLine(m.opts.MaxLine)
	if m.pass == 1 {
		if st, err := os.Stat(path); err == nil {
			m.res.FileBytes += st.Size()
		}
	}
	m.saf = false
	err = readBatches(ctx, r, func(b *batch, it *item) {
		m.cur = position{index, it.line}
		m.item(b, it, path)
	})
	if err != nil {
		return err
	}
	if m.saf && m.pass == 1 {
		m.warn(fmt.Sprintf("%s:%d: the SAF stream begun here has no \"succeeded\" condition: the query output is truncated",
			path, m.safOpened.line))
	}
	return nil
}

func (m *miner) item(b *batch, it *item, path string) {
	if m.pass == 1 {
		m.res.Lines++
		m.res.Bytes += it.size
	}
	if it.warn != "" {
		if m.pass == 1 {
			m.res.BadLines++
			m.warn(fmt.Sprintf("%s:%d: %s", path, it.line, it.warn))
		}
		return
	}
	v := view{b, it}
	switch it.kind {
	case KindRecord:
		if m.pass == 1 {
			m.res.Records++
		}
		m.record(v)
	case KindUnknown:
		if m.pass == 1 {
			m.res.BadLines++
			m.warn(fmt.Sprintf("%s:%d: neither a record (rrname) nor a SAF condition (cond)", path, it.line))
		}
	}
	if it.cond.start >= 0 && m.pass == 1 {
		m.cond(v, path)
	}
}

// cond follows SAF framing: begin, ongoing, succeeded, limited, failed.
func (m *miner) cond(v view, path string) {
	cond := string(v.bytes(v.it.cond))
	msg := ""
	if m := v.bytes(v.it.msg); len(m) > 0 {
		msg = ": " + backends.Clean(string(m))
	}
	switch cond {
	case "begin":
		if m.saf {
			m.warn(fmt.Sprintf("%s:%d: the SAF stream begun at line %d has no \"succeeded\" condition: the query output is truncated",
				path, m.cur.line, m.safOpened.line))
		}
		m.saf, m.safOpened = true, m.cur
	case "ongoing":
	case "succeeded":
		m.saf = false
	case "limited":
		m.saf = false
		m.warn(fmt.Sprintf("%s:%d: DNSDB stopped this query at a limit%s: its results are incomplete (query again with an offset)",
			path, m.cur.line, msg))
	case "failed":
		m.saf = false
		m.warn(fmt.Sprintf("%s:%d: the DNSDB query failed%s", path, m.cur.line, msg))
	default:
		m.warn(fmt.Sprintf("%s:%d: unknown SAF condition %q", path, m.cur.line, backends.Clean(cond)))
	}
}

func (m *miner) record(v view) {
	name, ok := m.normalize(v.bytes(v.it.rrname))
	if !ok {
		return
	}
	if m.pass == 1 {
		m.bloom.add(name)
	}
	st := m.names[string(name)]
	if st == nil {
		if m.pass > 1 {
			return
		}
		if _, miss := m.neg[string(name)]; miss {
			return
		}
		s := string(name)
		match, ok := m.cat.MatchDomain(s)
		if !ok {
			if len(m.neg) >= negCacheSize {
				clear(m.neg)
			}
			m.neg[s] = struct{}{}
			return
		}
		st = &nameState{}
		m.names[s] = st
		st.rows = append(st.rows, m.newRow(st, match, s, "", false))
	}
	for _, r := range st.rows {
		if r.counts(m.pass, m.cur) {
			m.add(r, v)
		}
	}
}

func (m *miner) newRow(st *nameState, match backends.Match, domain, via string, fromCNAME bool) *row {
	r := &row{name: st, provider: m.byName[match.Provider], order: m.order[match.Provider], domain: domain, region: match.Region, rule: match.Rule,
		via: via, pass: m.pass, at: m.cur, fromCNAME: fromCNAME}
	m.rows = append(m.rows, r)
	return r
}

// add counts the current record into r.
func (m *miner) add(r *row, v view) {
	it := v.it
	m.res.Attributed++
	r.records++
	r.name.records++
	r.count += it.count
	first, last := minNonZero(it.timeFirst, it.zoneFirst), max(it.timeLast, it.zoneLast)
	mergeSpan(&r.first, &r.last, first, last)
	rrtype := v.bytes(it.rrtype)
	if !slices.ContainsFunc(r.rrtypes, func(t string) bool { return t == string(rrtype) }) && len(r.rrtypes) < maxRRTypes {
		r.rrtypes = append(r.rrtypes, backends.Clean(string(rrtype)))
	}
	switch string(rrtype) {
	case "A", "AAAA":
		for _, s := range v.rdata() {
			if a, ok := parseAddr(v.bytes(s)); ok {
				r.addAddr(a, first, last)
			}
		}
	case "CNAME":
		for _, s := range v.rdata() {
			if target, ok := m.normalize(v.bytes(s)); ok {
				m.link(r, string(target))
			}
		}
	}
}

// link follows a CNAME of an attributed name: the target belongs to the
// same provider (region and rule inherited), and to any provider the
// catalogue itself gives it.
func (m *miner) link(src *row, target string) {
	if !slices.Contains(src.cnames, target) {
		src.cnames = append(src.cnames, target)
	}
	st := m.names[target]
	if st == nil {
		st = &nameState{}
		m.names[target] = st
		if match, ok := m.cat.MatchDomain(target); ok {
			st.rows = append(st.rows, m.newRow(st, match, target, "", false))
		}
	}
	if st.has(src.provider) {
		return
	}
	r := m.newRow(st, backends.Match{Provider: src.provider.Name, Region: src.region, Rule: src.rule}, target, src.domain, true)
	st.rows = append(st.rows, r)
	// The Bloom filter holds every name read so far in pass 1 (all names
	// after it): if it never saw the target, no earlier record needs
	// another pass.
	if m.bloom.mayContain([]byte(target)) {
		m.needPass++
	}
}

// parseAddr reads an A or AAAA rdata value; dotted quads are parsed
// in place (they are most of the data), the rest by netip.
func parseAddr(b []byte) (addrSpan, bool) {
	if bytes.IndexByte(b, ':') >= 0 {
		a, err := netip.ParseAddr(string(b))
		if err != nil || a.Zone() != "" {
			return addrSpan{}, false
		}
		return spanOf(a.Unmap()), true
	}
	var v4 uint64
	part, digits, n := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
			digits++
			if n > 255 || digits > 3 || (digits == 2 && n < 10) {
				return addrSpan{}, false
			}
		case c == '.' && digits > 0 && part < 3:
			v4 = v4<<8 | uint64(n)
			part, digits, n = part+1, 0, 0
		default:
			return addrSpan{}, false
		}
	}
	if part != 3 || digits == 0 {
		return addrSpan{}, false
	}
	return addrSpan{lo: 0xffff<<32 | v4<<8 | uint64(n)}, true
}

// normalize drops the trailing dot and lower-cases the name, in the
// scratch buffer only when it has upper-case letters (names rarely do).
func (m *miner) normalize(b []byte) ([]byte, bool) {
	if n := len(b); n > 0 && b[n-1] == '.' {
		b = b[:n-1]
	}
	if len(b) == 0 || len(b) > 1024 {
		return nil, false
	}
	upper := false
	for _, c := range b {
		if c-'A' < 26 {
			upper = true
			break
		}
	}
	if !upper {
		return b, true
	}
	buf := append(m.nameBuf[:0], b...)
	for i, c := range buf {
		if c-'A' < 26 {
			buf[i] = c + 'a' - 'A'
		}
	}
	m.nameBuf = buf
	return buf, true
}

func (m *miner) warn(msg string) {
	m.res.WarningCount++
	if len(m.res.Warnings) < keptWarnings {
		m.res.Warnings = append(m.res.Warnings, msg)
	}
	if m.opts.Warn != nil {
		m.opts.Warn(msg)
	}
}

// bloom is a fixed-size Bloom filter over the names read in pass 1. It
// decides, in constant memory, whether a CNAME target may have records
// earlier in the data (false positives only cost an extra pass). It is
// blocked: the bits of one name lie in one 64-bit word, one memory access.
type bloom struct {
	words []uint64
	mask  uint64
	seed  maphash.Seed
}

const (
	minBloomBits = 1 << 16
	maxBloomBits = 1 << 27 // 16 MiB
	bloomHashes  = 4
)

// bloomBits sizes the filter from the input: about 16 bits per record
// (records are at least 60 bytes; compressed input is assumed 8:1).
func bloomBits(files []string) uint64 {
	var total int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		size := st.Size()
		if !strings.HasSuffix(f, ".json") && !strings.HasSuffix(f, ".jsonl") && !strings.HasSuffix(f, ".ndjson") {
			size *= 8
		}
		total += size
	}
	bits := uint64(minBloomBits)
	for bits < maxBloomBits && int64(bits) < total/4 {
		bits <<= 1
	}
	return bits
}

func newBloom(bits uint64) *bloom {
	return &bloom{words: make([]uint64, bits/64), mask: bits/64 - 1, seed: maphash.MakeSeed()}
}

// pattern returns the word index and the name's bits in it.
func (b *bloom) pattern(name []byte) (uint64, uint64) {
	h := maphash.Bytes(b.seed, name)
	var bits uint64
	for i := range bloomHashes {
		bits |= 1 << ((h >> (6 * i)) & 63)
	}
	return (h >> 32) & b.mask, bits
}

func (b *bloom) add(name []byte) {
	w, bits := b.pattern(name)
	b.words[w] |= bits
}

func (b *bloom) mayContain(name []byte) bool {
	w, bits := b.pattern(name)
	return b.words[w]&bits == bits
}
