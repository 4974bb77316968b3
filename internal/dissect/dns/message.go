package dns

import (
	"encoding/binary"
	"net/netip"
)

const (
	headerLen   = 12
	rrFixedLen  = 10 // type, class, TTL, rdlength after the owner name
	qFixedLen   = 4  // type and class after the question name
	topClassBit = 0x8000
	// maxInterned bounds the name strings a Message keeps for reuse; the
	// table is simply emptied when it fills.
	maxInterned = 4096
	// maxDecoded is how many names per message are remembered by offset.
	maxDecoded = 16
)

// Message is one parsed DNS message. The zero value is ready for Unpack,
// which overwrites it; slices and the byte slices inside records are reused
// by the next Unpack, so copy what must outlive it (strings are safe to
// keep). A Message is not safe for concurrent use: give each worker its own.
//
// The top bit of the class field is split off into UnicastResponse and
// CacheFlush for every message, not only mDNS: no class above 0x7fff is in
// use, so unicast DNS loses nothing.
type Message struct {
	ID                                                   uint16
	Response, Authoritative, Truncated, RecursionDesired bool
	Opcode, RCode                                        uint8

	Questions                      []Question
	Answers, Authority, Additional []RR

	raw    []byte            // scratch: wire labels joined with dots
	text   []byte            // scratch: escaped text
	intern map[string]string // name and TXT strings seen recently
	// decoded remembers the text of names already decoded in this message
	// by their offset, so that a compression pointer to one of them (the
	// usual "c0 0c" to the question) costs a short scan.
	decoded  [maxDecoded]decodedName
	nDecoded int
}

type decodedName struct {
	off  int
	text string
}

// Question is one entry of the question section.
type Question struct {
	Name  string
	Type  uint16
	Class uint16 // without the mDNS unicast-response bit
	// UnicastResponse is the mDNS QU bit (top bit of the class field).
	UnicastResponse bool
}

// RR is one resource record. Which of the data fields is set depends on Type.
type RR struct {
	Name string
	Type uint16
	// Class is the record class without the mDNS cache-flush bit; for OPT it
	// is the whole field, the sender's UDP payload size.
	Class      uint16
	CacheFlush bool   // mDNS cache-flush bit (top bit of the class field)
	TTL        uint32 // for OPT: extended RCODE, version and flags

	IP     netip.Addr // A, AAAA
	Target string     // CNAME, DNAME, PTR, NS, MX exchange, SRV target, SVCB/HTTPS target
	// Port and Weight are set for SRV; Priority for SRV, MX (preference)
	// and SVCB/HTTPS (SvcPriority).
	Port, Priority, Weight uint16
	Text                   []string // TXT strings, escaped like names
	// Data is a copy of the raw record data for every type other than
	// A, AAAA, CNAME, DNAME, PTR, NS, MX, SRV and TXT. SVCB and HTTPS
	// keep theirs too (see SvcParam), as does a record whose data does not
	// match its type.
	Data []byte
}

// section names used in errors, indexed like the header counts.
var sectionNames = [4]string{"question", "answer", "authority", "additional"}

// Unpack parses the DNS message b. It resets m first and reuses its slices.
// On error it returns an *Error and keeps every entry parsed before the
// problem; a bad name or bad record data spoils only its own entry, which is
// kept with placeholder or raw data, and parsing goes on.
func (m *Message) Unpack(b []byte) error {
	m.reset()
	if len(b) < headerLen {
		return &Error{Section: "header", Offset: 0, Err: ErrTruncated}
	}
	m.unpackHeader(b)
	var counts [4]int
	for i := range counts {
		counts[i] = int(binary.BigEndian.Uint16(b[4+2*i:]))
	}
	off, firstErr := m.unpackQuestions(b, headerLen, counts[0])
	sections := [3]*[]RR{&m.Answers, &m.Authority, &m.Additional}
	for i, s := range sections {
		if fatal(firstErr) {
			break
		}
		var err error
		off, err = m.unpackRRs(b, off, counts[i+1], s, sectionNames[i+1])
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (m *Message) reset() {
	m.nDecoded = 0
	m.ID, m.Opcode, m.RCode = 0, 0, 0
	m.Response, m.Authoritative, m.Truncated, m.RecursionDesired = false, false, false, false
	m.Questions = m.Questions[:0]
	m.Answers = m.Answers[:0]
	m.Authority = m.Authority[:0]
	m.Additional = m.Additional[:0]
}

func (m *Message) unpackHeader(b []byte) {
	m.ID = binary.BigEndian.Uint16(b)
	flags := binary.BigEndian.Uint16(b[2:])
	m.Response = flags&0x8000 != 0
	m.Opcode = uint8(flags>>11) & 0xf
	m.Authoritative = flags&0x0400 != 0
	m.Truncated = flags&0x0200 != 0
	m.RecursionDesired = flags&0x0100 != 0
	m.RCode = uint8(flags & 0xf)
}

// unpackQuestions parses count questions. The loop ends at the first fatal
// error, so a huge count in a short message costs at most one pass over it.
func (m *Message) unpackQuestions(b []byte, off, count int) (int, error) {
	var firstErr error
	for i := 0; i < count; i++ {
		start := off
		name, next, err := m.name(b, off)
		if err == nil || !fatal(err) {
			if next+qFixedLen > len(b) {
				err = ErrTruncated
			}
		}
		if err != nil && firstErr == nil {
			firstErr = &Error{Section: sectionNames[0], Index: i, Offset: start, Err: err}
		}
		if fatal(err) {
			return off, firstErr
		}
		class := binary.BigEndian.Uint16(b[next+2:])
		m.Questions = append(m.Questions, Question{
			Name:            name,
			Type:            binary.BigEndian.Uint16(b[next:]),
			Class:           class &^ topClassBit,
			UnicastResponse: class&topClassBit != 0,
		})
		off = next + qFixedLen
	}
	return off, firstErr
}

// unpackRRs parses count records into *dst.
func (m *Message) unpackRRs(b []byte, off, count int, dst *[]RR, section string) (int, error) {
	var firstErr error
	for i := 0; i < count; i++ {
		rr := nextRR(dst)
		next, err := m.unpackRR(b, off, rr)
		if err != nil && firstErr == nil {
			firstErr = &Error{Section: section, Index: i, Offset: off, Err: err}
		}
		if fatal(err) {
			*dst = (*dst)[:len(*dst)-1]
			return off, firstErr
		}
		off = next
	}
	return off, firstErr
}

// nextRR extends *dst by one cleared record, reusing the old element (and
// its Text and Data capacity) when there is one.
func nextRR(dst *[]RR) *RR {
	s := *dst
	if len(s) < cap(s) {
		s = s[:len(s)+1]
		rr := &s[len(s)-1]
		*rr = RR{Text: rr.Text[:0], Data: rr.Data[:0]}
	} else {
		s = append(s, RR{})
	}
	*dst = s
	return &s[len(s)-1]
}

// unpackRR parses the record at b[off:] into rr and returns the offset after
// it. A non-fatal error (bad owner name, bad rdata) still fills rr.
func (m *Message) unpackRR(b []byte, off int, rr *RR) (int, error) {
	name, next, nameErr := m.name(b, off)
	if fatal(nameErr) {
		return off, nameErr
	}
	if next+rrFixedLen > len(b) {
		return off, ErrTruncated
	}
	rr.Name = name
	rr.Type = binary.BigEndian.Uint16(b[next:])
	rr.Class = binary.BigEndian.Uint16(b[next+2:])
	rr.TTL = binary.BigEndian.Uint32(b[next+4:])
	rdStart := next + rrFixedLen
	rdEnd := rdStart + int(binary.BigEndian.Uint16(b[next+8:]))
	if rdEnd > len(b) {
		return off, ErrTruncated
	}
	if rr.Type != TypeOPT {
		rr.CacheFlush = rr.Class&topClassBit != 0
		rr.Class &^= topClassBit
	}
	err := m.unpackRData(b, rdStart, rdEnd, rr)
	if nameErr != nil {
		err = nameErr
	}
	return rdEnd, err
}

// name decodes a name for Unpack: placeholders for bad names, interned
// strings for good ones.
func (m *Message) name(b []byte, off int) (string, int, error) {
	if off+1 < len(b) && b[off]&pointerMask == labelPointer {
		if s, ok := m.lookupDecoded(int(b[off]&^pointerMask)<<8 | int(b[off+1])); ok {
			return s, off + 2, nil
		}
	}
	raw, next, err := appendWireName(m.raw[:0], b, off)
	m.raw = raw
	if err != nil {
		return placeholder(err), next, err
	}
	s := RootName
	if len(raw) > 0 {
		s = m.text2string(raw)
	}
	if m.nDecoded < maxDecoded {
		m.decoded[m.nDecoded] = decodedName{off, s}
		m.nDecoded++
	}
	return s, next, nil
}

// lookupDecoded returns the text of the name decoded earlier in this
// message at offset off, if any.
func (m *Message) lookupDecoded(off int) (string, bool) {
	for _, d := range m.decoded[:m.nDecoded] {
		if d.off == off {
			return d.text, true
		}
	}
	return "", false
}

// text2string escapes raw and returns it as an interned string.
func (m *Message) text2string(raw []byte) string {
	if !isPlainASCII(raw) {
		m.text = AppendText(m.text[:0], raw)
		raw = m.text
	}
	if s, ok := m.intern[string(raw)]; ok {
		return s
	}
	if m.intern == nil || len(m.intern) >= maxInterned {
		m.intern = make(map[string]string, 64)
	}
	s := string(raw)
	m.intern[s] = s
	return s
}
