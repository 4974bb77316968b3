package coap

import (
	"errors"
	"fmt"

	"github.com/iotlens/iotlens/internal/dissect/dns"
)

// Message types.
const (
	TypeConfirmable    uint8 = 0
	TypeNonConfirmable uint8 = 1
	TypeAck            uint8 = 2
	TypeReset          uint8 = 3
)

// Option numbers (RFC 7252 section 12.2 and later registrations).
const (
	OptionIfMatch       uint16 = 1
	OptionUriHost       uint16 = 3
	OptionETag          uint16 = 4
	OptionIfNoneMatch   uint16 = 5
	OptionObserve       uint16 = 6
	OptionUriPort       uint16 = 7
	OptionLocationPath  uint16 = 8
	OptionUriPath       uint16 = 11
	OptionContentFormat uint16 = 12
	OptionMaxAge        uint16 = 14
	OptionUriQuery      uint16 = 15
	OptionAccept        uint16 = 17
	OptionBlock2        uint16 = 23
	OptionBlock1        uint16 = 27
	OptionProxyUri      uint16 = 35
	OptionSize1         uint16 = 60
)

// Errors wrapped by Unpack's error.
var (
	ErrTruncated = errors.New("message truncated")
	ErrFormat    = errors.New("message format error")
)

const (
	headerLen     = 4
	maxTokenLen   = 8
	payloadMarker = 0xff
)

// Option is one CoAP option; Value aliases the input.
type Option struct {
	Number uint16
	Value  []byte
}

// Message is one CoAP message. Unpack overwrites it and reuses Options.
type Message struct {
	Version   uint8 // always 1 for RFC 7252
	Type      uint8 // TypeConfirmable ... TypeReset
	Code      uint8 // class in the top 3 bits, detail in the low 5 ("0.01" = 1)
	MessageID uint16
	Token     []byte
	Options   []Option
	// UriHost is the Uri-Host option; UriPath is "/" followed by the
	// Uri-Path segments joined with "/" (empty without Uri-Path options);
	// UriQuery joins the Uri-Query options with "&".
	UriHost, UriPath, UriQuery string
	Payload                    []byte

	scratch []byte
}

// Unpack parses the CoAP message b into m.
func (m *Message) Unpack(b []byte) error {
	*m = Message{Options: m.Options[:0], scratch: m.scratch[:0]}
	if len(b) < headerLen {
		return fmt.Errorf("coap: %d bytes: %w", len(b), ErrTruncated)
	}
	m.Version, m.Type = b[0]>>6, (b[0]>>4)&3
	tokenLen := int(b[0] & 0x0f)
	m.Code = b[1]
	m.MessageID = uint16(b[2])<<8 | uint16(b[3])
	if m.Version != 1 {
		return fmt.Errorf("coap: version %d: %w", m.Version, ErrFormat)
	}
	if tokenLen > maxTokenLen {
		return fmt.Errorf("coap: token length %d: %w", tokenLen, ErrFormat)
	}
	if headerLen+tokenLen > len(b) {
		return fmt.Errorf("coap: token: %w", ErrTruncated)
	}
	m.Token = b[headerLen : headerLen+tokenLen]
	err := m.unpackOptions(b[headerLen+tokenLen:])
	m.assembleURI()
	return err
}

// unpackOptions reads options up to the payload marker or the end.
func (m *Message) unpackOptions(b []byte) error {
	number := 0
	for off := 0; off < len(b); {
		if b[off] == payloadMarker {
			if off+1 == len(b) {
				return fmt.Errorf("coap: payload marker without payload: %w", ErrFormat)
			}
			m.Payload = b[off+1:]
			return nil
		}
		delta, length, next, err := optionHeader(b, off)
		if err != nil {
			return err
		}
		number += delta
		if number > 0xffff {
			return fmt.Errorf("coap: option number %d: %w", number, ErrFormat)
		}
		if next+length > len(b) {
			return fmt.Errorf("coap: option %d value: %w", number, ErrTruncated)
		}
		m.Options = append(m.Options, Option{Number: uint16(number), Value: b[next : next+length]})
		off = next + length
	}
	return nil
}

// optionHeader decodes the delta and length nibbles of the option at
// b[off], with their extended forms (13: one more byte, 14: two more).
func optionHeader(b []byte, off int) (delta, length, next int, err error) {
	next = off + 1
	delta, next, err = extendNibble(int(b[off]>>4), b, next)
	if err != nil {
		return 0, 0, 0, err
	}
	length, next, err = extendNibble(int(b[off]&0x0f), b, next)
	return delta, length, next, err
}

func extendNibble(v int, b []byte, off int) (int, int, error) {
	switch v {
	case 13:
		if off+1 > len(b) {
			return 0, 0, fmt.Errorf("coap: option header: %w", ErrTruncated)
		}
		return 13 + int(b[off]), off + 1, nil
	case 14:
		if off+2 > len(b) {
			return 0, 0, fmt.Errorf("coap: option header: %w", ErrTruncated)
		}
		return 269 + (int(b[off])<<8 | int(b[off+1])), off + 2, nil
	case 15:
		return 0, 0, fmt.Errorf("coap: reserved option nibble 15: %w", ErrFormat)
	}
	return v, off, nil
}

// assembleURI builds UriHost, UriPath and UriQuery from the options.
func (m *Message) assembleURI() {
	m.UriPath = m.joinOptions(OptionUriPath, '/', true)
	m.UriQuery = m.joinOptions(OptionUriQuery, '&', false)
	for _, o := range m.Options {
		if o.Number == OptionUriHost {
			m.UriHost = dns.Text(o.Value)
		}
	}
}

// joinOptions joins the escaped values of every option with the given
// number, putting sep between them (and before the first when leading).
func (m *Message) joinOptions(number uint16, sep byte, leading bool) string {
	buf := m.scratch[:0]
	found := false
	for _, o := range m.Options {
		if o.Number != number {
			continue
		}
		if found || leading {
			buf = append(buf, sep)
		}
		buf = dns.AppendText(buf, o.Value)
		found = true
	}
	m.scratch = buf
	if !found {
		return ""
	}
	return string(buf)
}

// TypeString names a message type: "CON", "NON", "ACK" or "RST".
func TypeString(t uint8) string {
	switch t {
	case TypeConfirmable:
		return "CON"
	case TypeNonConfirmable:
		return "NON"
	case TypeAck:
		return "ACK"
	case TypeReset:
		return "RST"
	}
	return fmt.Sprintf("TYPE%d", t)
}

var codeNames = map[uint8]string{
	0x00: "Empty", 0x01: "GET", 0x02: "POST", 0x03: "PUT", 0x04: "DELETE", 0x05: "FETCH", 0x06: "PATCH", 0x07: "iPATCH",
	0x41: "Created", 0x42: "Deleted", 0x43: "Valid", 0x44: "Changed", 0x45: "Content", 0x5f: "Continue",
	0x80: "Bad Request", 0x81: "Unauthorized", 0x82: "Bad Option", 0x83: "Forbidden", 0x84: "Not Found",
	0x85: "Method Not Allowed", 0x86: "Not Acceptable", 0x88: "Request Entity Incomplete", 0x89: "Conflict",
	0x8c: "Precondition Failed", 0x8d: "Request Entity Too Large", 0x8f: "Unsupported Content-Format",
	0x96: "Unprocessable Entity", 0x9d: "Too Many Requests",
	0xa0: "Internal Server Error", 0xa1: "Not Implemented", 0xa2: "Bad Gateway", 0xa3: "Service Unavailable",
	0xa4: "Gateway Timeout", 0xa5: "Proxying Not Supported",
	0xe1: "CSM", 0xe2: "Ping", 0xe3: "Pong", 0xe4: "Release", 0xe5: "Abort",
}

// CodeString renders a code as "class.detail name", e.g. "0.01 GET" or
// "2.05 Content"; codes without a registered name are just "c.dd".
func CodeString(code uint8) string {
	s := fmt.Sprintf("%d.%02d", code>>5, code&0x1f)
	if name, ok := codeNames[code]; ok {
		return s + " " + name
	}
	return s
}

// CodeString renders m.Code (see the package-level CodeString).
func (m *Message) CodeString() string { return CodeString(m.Code) }
