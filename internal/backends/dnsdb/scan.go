package dnsdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Why a hand-written scanner: DNSDB records are flat JSON objects with a
// handful of known fields, and an export is mostly these records. Decoding
// them with encoding/json costs reflection and a few allocations per record
// (about 40 MB/s measured); this scanner walks the bytes once, returns
// strings as sub-slices of the line when they have no escapes, skips the
// fields it does not need, and allocates nothing, which keeps a gigabyte
// export well above 100 MB/s. It accepts every valid JSON line
// (FuzzDNSDBLine checks it against encoding/json) and is lenient only in
// what it skips.

// Kind says what one line of an export held.
type Kind uint8

// Line kinds.
const (
	KindEmpty   Kind = iota // blank line
	KindRecord              // a record (plain, or the "obj" of a SAF line; Cond may be set too)
	KindCond                // a SAF condition line with no record
	KindUnknown             // a JSON object with neither rrname nor cond
)

// Record is one DNSDB result, or the condition of a SAF line. Byte slices
// point into the line or into the scanner's scratch space: they are valid
// until the next Scan.
type Record struct {
	RRName, RRType, Bailiwick   []byte
	RData                       [][]byte // rdata as a string or as an array of strings
	TimeFirst, TimeLast         int64    // sensor times (Unix seconds), 0 when absent
	ZoneTimeFirst, ZoneTimeLast int64    // zone-file times
	Count                       int64
	Cond, Msg                   []byte // SAF framing: begin, ongoing, succeeded, limited, failed
	HasObj                      bool   // the line had an "obj" member (SAF framing)
}

func (r *Record) reset() {
	rdata := r.RData[:0]
	*r = Record{RData: rdata}
}

// First and Last give the record's time span, sensor and zone times taken
// together (0 when the record has none).
func (r *Record) First() int64 { return minNonZero(r.TimeFirst, r.ZoneTimeFirst) }

// Last is the latest of the record's last-seen times.
func (r *Record) Last() int64 { return max(r.TimeLast, r.ZoneTimeLast) }

func minNonZero(a, b int64) int64 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// Scanner parses lines into a Record. It is not safe for concurrent use.
type Scanner struct {
	b       []byte
	i       int
	scratch []byte // unescaped strings; pre-sized so it never moves
	depth   int
}

// maxDepth bounds nesting in skipped values.
const maxDepth = 64

var (
	errSyntax   = errors.New("not a JSON object")
	errTooDeep  = errors.New("JSON nested too deeply")
	errTrailing = errors.New("data after the JSON object")
)

// Scan parses one line. Unknown members are skipped; a member of the wrong
// type (a number where a string is expected) is treated as absent.
func (s *Scanner) Scan(line []byte, rec *Record) (Kind, error) {
	rec.reset()
	s.b, s.i, s.depth = line, 0, 0
	if cap(s.scratch) < len(line) {
		s.scratch = make([]byte, 0, len(line)+64)
	}
	s.scratch = s.scratch[:0]
	s.ws()
	if s.i == len(s.b) {
		return KindEmpty, nil
	}
	if err := s.object(rec, true); err != nil {
		return KindEmpty, s.errorAt(err)
	}
	s.ws()
	if s.i != len(s.b) {
		return KindEmpty, s.errorAt(errTrailing)
	}
	if rec.RRName != nil {
		return KindRecord, nil
	}
	if rec.Cond != nil {
		return KindCond, nil
	}
	return KindUnknown, nil
}

func (s *Scanner) errorAt(err error) error {
	return fmt.Errorf("byte %d: %w", s.i+1, err)
}

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object parses {...} into rec. top marks the line's own object, whose
// "obj" member holds the record under SAF framing.
func (s *Scanner) object(rec *Record, top bool) error {
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return errSyntax
	}
	if s.enter('}') {
		return nil
	}
	for {
		s.ws()
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.colon(); err != nil {
			return err
		}
		if err := s.member(rec, key, top); err != nil {
			return err
		}
		if done, err := s.afterElement('}'); err != nil || done {
			return err
		}
	}
}

func (s *Scanner) member(rec *Record, key []byte, top bool) error {
	switch string(key) {
	case "rrname":
		return s.optString(&rec.RRName)
	case "rrtype":
		return s.optString(&rec.RRType)
	case "bailiwick":
		return s.optString(&rec.Bailiwick)
	case "rdata":
		return s.rdata(rec)
	case "time_first":
		return s.optInt(&rec.TimeFirst)
	case "time_last":
		return s.optInt(&rec.TimeLast)
	case "zone_time_first":
		return s.optInt(&rec.ZoneTimeFirst)
	case "zone_time_last":
		return s.optInt(&rec.ZoneTimeLast)
	case "count":
		return s.optInt(&rec.Count)
	case "cond":
		if top {
			return s.optString(&rec.Cond)
		}
	case "msg":
		if top {
			return s.optString(&rec.Msg)
		}
	case "obj":
		if top && s.i < len(s.b) && s.b[s.i] == '{' {
			rec.HasObj = true
			return s.object(rec, false)
		}
	}
	return s.skip()
}

// optString reads a string into dst, or skips a value of another type.
func (s *Scanner) optString(dst *[]byte) error {
	if s.i < len(s.b) && s.b[s.i] == '"' {
		v, err := s.str()
		if err == nil && v == nil {
			v = []byte{}
		}
		*dst = v
		return err
	}
	return s.skip()
}

func (s *Scanner) optInt(dst *int64) error {
	if s.i < len(s.b) && (s.b[s.i] == '-' || isDigit(s.b[s.i])) {
		start := s.i
		integer, err := s.number()
		if err != nil {
			return err
		}
		lit := s.b[start:s.i]
		if integer && len(lit) <= 18 {
			*dst = parseSmallInt(lit)
			return nil
		}
		if f, err := strconv.ParseFloat(string(lit), 64); err == nil && !math.IsInf(f, 0) && math.Abs(f) < 9e18 {
			*dst = int64(f)
		}
		return nil
	}
	return s.skip()
}

// parseSmallInt reads an integer literal of at most 18 characters (no
// overflow possible); number() has validated it.
func parseSmallInt(lit []byte) int64 {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var v int64
	for _, c := range lit {
		v = v*10 + int64(c-'0')
	}
	if neg {
		return -v
	}
	return v
}

func (s *Scanner) rdata(rec *Record) error {
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch s.b[s.i] {
	case '"':
		v, err := s.str()
		if err != nil {
			return err
		}
		rec.RData = append(rec.RData[:0], v)
		return nil
	case '[':
	default:
		return s.skip()
	}
	rec.RData = rec.RData[:0]
	if s.enter(']') {
		return nil
	}
	for {
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == '"' {
			v, err := s.str()
			if err != nil {
				return err
			}
			rec.RData = append(rec.RData, v)
		} else if err := s.skip(); err != nil {
			return err
		}
		if done, err := s.afterElement(']'); err != nil || done {
			return err
		}
	}
}

// str reads a JSON string. Without escapes the result aliases the line;
// with escapes it is decoded into scratch (which never grows past its
// capacity, so earlier results stay valid). Strings are most of a record,
// so the end is searched eight bytes at a time (see specialMask).
func (s *Scanner) str() ([]byte, error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, errSyntax
	}
	start := s.i + 1
	i := start
	for ; i+8 <= len(s.b); i += 8 {
		if m := specialMask(binary.LittleEndian.Uint64(s.b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for i < len(s.b) && !special(s.b[i]) {
		i++
	}
	if i >= len(s.b) {
		return nil, errors.New("unterminated string")
	}
	switch s.b[i] {
	case '"':
		s.i = i + 1
		return s.b[start:i], nil
	case '\\':
		return s.escaped(start)
	}
	return nil, errors.New("control character in string")
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// specialMask flags, in each byte's top bit, the bytes of v that end the
// fast path of a string: '"', '\\' and control characters. Only the lowest
// flag is exact (borrows can flag bytes above it), which is all str uses.
func specialMask(v uint64) uint64 {
	q := v ^ ('"' * lsb)
	b := v ^ ('\\' * lsb)
	return (((q - lsb) &^ q) | ((b - lsb) &^ b) | ((v - 0x20*lsb) &^ v)) & msb
}

func special(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }

func (s *Scanner) escaped(start int) ([]byte, error) {
	s.i = start
	out := len(s.scratch)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.scratch[out:len(s.scratch):len(s.scratch)], nil
		case c < 0x20:
			return nil, errors.New("control character in string")
		case c != '\\':
			s.scratch = append(s.scratch, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			break
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			s.scratch = append(s.scratch, e)
		case 'b':
			s.scratch = append(s.scratch, '\b')
		case 'f':
			s.scratch = append(s.scratch, '\f')
		case 'n':
			s.scratch = append(s.scratch, '\n')
		case 'r':
			s.scratch = append(s.scratch, '\r')
		case 't':
			s.scratch = append(s.scratch, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, errors.New("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A surrogate pair is two escapes, high then low; a lone
				// half (a low one first included) becomes U+FFFD, as
				// encoding/json does.
				if r2, ok := s.peekLowSurrogate(); ok && r < 0xdc00 {
					r = utf16.DecodeRune(r, r2)
					s.i += 6
				} else {
					r = utf8.RuneError
				}
			}
			s.scratch = utf8.AppendRune(s.scratch, r)
		default:
			return nil, errors.New("bad escape")
		}
	}
	return nil, errors.New("unterminated string")
}

func (s *Scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	v, ok := parseHex4(s.b[s.i : s.i+4])
	if ok {
		s.i += 4
	}
	return v, ok
}

func (s *Scanner) peekLowSurrogate() (rune, bool) {
	if s.i+6 > len(s.b) || s.b[s.i] != '\\' || s.b[s.i+1] != 'u' {
		return 0, false
	}
	v, ok := parseHex4(s.b[s.i+2 : s.i+6])
	if !ok || v < 0xdc00 || v > 0xdfff {
		return 0, false
	}
	return v, true
}

func parseHex4(b []byte) (rune, bool) {
	var v rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// number scans a JSON number and reports whether it is a plain integer.
func (s *Scanner) number() (bool, error) {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	if s.i == digits || (s.b[digits] == '0' && s.i-digits > 1) {
		s.i = start
		return false, errors.New("bad number")
	}
	integer := true
	if s.i < len(s.b) && s.b[s.i] == '.' {
		integer = false
		s.i++
		frac := s.i
		for s.i < len(s.b) && isDigit(s.b[s.i]) {
			s.i++
		}
		if s.i == frac {
			return false, errors.New("bad number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		integer = false
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		exp := s.i
		for s.i < len(s.b) && isDigit(s.b[s.i]) {
			s.i++
		}
		if s.i == exp {
			return false, errors.New("bad number")
		}
	}
	return integer, nil
}

// skip passes over any JSON value.
func (s *Scanner) skip() error {
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, err := s.str()
		return err
	case c == '{' || c == '[':
		return s.skipContainer()
	case c == '-' || isDigit(c):
		_, err := s.number()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return errSyntax
}

func (s *Scanner) skipContainer() error {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxDepth {
		return errTooDeep
	}
	obj := s.b[s.i] == '{'
	close := byte(']')
	if obj {
		close = '}'
	}
	if s.enter(close) {
		return nil
	}
	for {
		s.ws()
		if obj {
			if _, err := s.str(); err != nil {
				return err
			}
			if err := s.colon(); err != nil {
				return err
			}
		}
		if err := s.skip(); err != nil {
			return err
		}
		if done, err := s.afterElement(close); err != nil || done {
			return err
		}
	}
}

func (s *Scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return errSyntax
	}
	s.i += len(lit)
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// enter steps past a container's opening bracket and the white space after
// it, and reports whether the container is empty, reading its closing
// bracket too in that case. Small enough to inline: it runs once per object
// and array.
func (s *Scanner) enter(closing byte) (empty bool) {
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return true
	}
	return false
}

// colon reads the ':' between an object's key and its value, and the white
// space around it. Small enough to inline: it runs once per member.
func (s *Scanner) colon() error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return errSyntax
	}
	s.i++
	s.ws()
	return nil
}

// afterElement reads what follows an object member or array element: a
// comma (more to come) or the closing bracket (done).
func (s *Scanner) afterElement(closing byte) (done bool, err error) {
	s.ws()
	if s.i >= len(s.b) {
		return false, errSyntax
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return false, nil
	case closing:
		s.i++
		return true, nil
	}
	return false, errSyntax
}
