package dns

import (
	"encoding/binary"
	"net/netip"
)

// unpackRData fills the type-specific fields of rr from b[start:end]. Names
// inside record data may use compression pointers into the whole message.
func (m *Message) unpackRData(b []byte, start, end int, rr *RR) error {
	rd := b[start:end]
	switch rr.Type {
	case TypeA:
		if len(rd) != 4 {
			return keepRaw(rr, rd)
		}
		rr.IP = netip.AddrFrom4([4]byte(rd))
	case TypeAAAA:
		if len(rd) != 16 {
			return keepRaw(rr, rd)
		}
		rr.IP = netip.AddrFrom16([16]byte(rd))
	case TypeCNAME, TypeDNAME, TypePTR, TypeNS:
		return m.rdataTarget(b, start, start, end, rr)
	case TypeMX:
		if len(rd) < 3 {
			return keepRaw(rr, rd)
		}
		rr.Priority = binary.BigEndian.Uint16(rd)
		return m.rdataTarget(b, start, start+2, end, rr)
	case TypeSRV:
		if len(rd) < 7 {
			return keepRaw(rr, rd)
		}
		rr.Priority = binary.BigEndian.Uint16(rd)
		rr.Weight = binary.BigEndian.Uint16(rd[2:])
		rr.Port = binary.BigEndian.Uint16(rd[4:])
		return m.rdataTarget(b, start, start+6, end, rr)
	case TypeTXT:
		if !m.rdataTXT(rd, rr) {
			return keepRaw(rr, rd)
		}
	case TypeSVCB, TypeHTTPS:
		return m.rdataSVCB(b, start, end, rr)
	case TypeOPT:
		rr.Data = append(rr.Data, rd...)
		if _, _, ok := walkTLV(rd, -1); !ok {
			return ErrRData
		}
	default:
		rr.Data = append(rr.Data, rd...)
	}
	return nil
}

// keepRaw stores record data that does not fit its type and reports it.
func keepRaw(rr *RR, rd []byte) error {
	rr.Data = append(rr.Data, rd...)
	return ErrRData
}

// rdataTarget reads the name at b[nameStart:] into rr.Target; its own
// bytes must end inside the record data b[start:end] (pointers may lead
// anywhere in b).
func (m *Message) rdataTarget(b []byte, start, nameStart, end int, rr *RR) error {
	name, next, err := m.name(b, nameStart)
	if fatal(err) || next > end {
		return keepRaw(rr, b[start:end])
	}
	rr.Target = name
	return err
}

// rdataTXT appends the character-strings of a TXT record to rr.Text and
// reports whether they fill the record data exactly.
func (m *Message) rdataTXT(rd []byte, rr *RR) bool {
	for len(rd) > 0 {
		n := int(rd[0])
		if 1+n > len(rd) {
			return false
		}
		rr.Text = append(rr.Text, m.text2string(rd[1:1+n]))
		rd = rd[1+n:]
	}
	return true
}

// rdataSVCB parses SvcPriority and TargetName (RFC 9460) and checks that
// the SvcParams after them are well framed. Data keeps the whole rdata.
func (m *Message) rdataSVCB(b []byte, start, end int, rr *RR) error {
	rr.Data = append(rr.Data, b[start:end]...)
	if end-start < 3 {
		return ErrRData
	}
	rr.Priority = binary.BigEndian.Uint16(b[start:])
	name, next, err := m.name(b, start+2)
	if fatal(err) || next > end {
		return ErrRData
	}
	rr.Target = name
	if _, _, ok := walkTLV(b[next:end], -1); !ok {
		return ErrRData
	}
	return err
}

// SvcParam returns the value of SvcParamKey key (RFC 9460: 1 alpn,
// 4 ipv4hint, 5 ech, 6 ipv6hint, ...) from an SVCB or HTTPS record.
func (rr *RR) SvcParam(key uint16) ([]byte, bool) {
	if (rr.Type != TypeSVCB && rr.Type != TypeHTTPS) || len(rr.Data) < 3 {
		return nil, false
	}
	// TargetName is never compressed (RFC 9460 section 2.2).
	_, next, err := appendWireName(nil, rr.Data, 2)
	if err != nil {
		return nil, false
	}
	val, found, _ := walkTLV(rr.Data[next:], int(key))
	return val, found
}

// walkTLV checks that b is a sequence of (2-byte key, 2-byte length, value)
// entries, the framing of SvcParams and EDNS options, and returns the value
// of the first entry whose key is want (want -1 matches none). ok is false
// when an entry overruns b.
func walkTLV(b []byte, want int) (val []byte, found, ok bool) {
	for len(b) > 0 {
		if len(b) < 4 {
			return val, found, false
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if 4+n > len(b) {
			return val, found, false
		}
		if !found && int(binary.BigEndian.Uint16(b)) == want {
			val, found = b[4:4+n], true
		}
		b = b[4+n:]
	}
	return val, found, true
}
