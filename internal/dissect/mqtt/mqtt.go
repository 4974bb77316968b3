package mqtt

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/iotlens/iotlens/internal/dissect/dns"
)

// Control packet types (MQTT 5.0 section 2.1.2).
const (
	TypeConnect     uint8 = 1
	TypeConnAck     uint8 = 2
	TypePublish     uint8 = 3
	TypePubAck      uint8 = 4
	TypePubRec      uint8 = 5
	TypePubRel      uint8 = 6
	TypePubComp     uint8 = 7
	TypeSubscribe   uint8 = 8
	TypeSubAck      uint8 = 9
	TypeUnsubscribe uint8 = 10
	TypeUnsubAck    uint8 = 11
	TypePingReq     uint8 = 12
	TypePingResp    uint8 = 13
	TypeDisconnect  uint8 = 14
	TypeAuth        uint8 = 15
)

// Protocol levels.
const (
	Level31  uint8 = 3 // MQTT 3.1 ("MQIsdp")
	Level311 uint8 = 4 // MQTT 3.1.1
	Level5   uint8 = 5 // MQTT 5.0
)

// Errors returned by Parse.
var (
	// ErrIncomplete means b ends before the packet does: call again with
	// more bytes. The returned Packet has the fixed header if it was read.
	ErrIncomplete = errors.New("mqtt: incomplete packet")
	// ErrMalformed means the packet breaks the format. When the returned
	// length is not 0 the fixed header was sound and the caller can skip
	// that many bytes to the next packet.
	ErrMalformed = errors.New("mqtt: malformed packet")
)

const maxLengthBytes = 4 // the remaining length is at most 4 bytes (268,435,455)

// Packet is one parsed control packet. Only the fields of its Type are set.
type Packet struct {
	Type            uint8 // 1 CONNECT ... 15 AUTH
	Flags           uint8 // low 4 bits of the first byte
	RemainingLength int   // bytes after the fixed header

	// CONNECT.
	ProtocolName  string // "MQTT" or "MQIsdp"
	ProtocolLevel uint8
	ConnectFlags  uint8
	KeepAlive     uint16 // seconds
	ClientID      string
	HasUsername   bool
	HasPassword   bool

	// CONNACK.
	SessionPresent bool
	ReturnCode     uint8 // reason code in MQTT 5

	// PUBLISH.
	Topic       string
	QoS         uint8
	Retain, Dup bool
	PayloadLen  int

	// PacketID is set for PUBLISH with QoS > 0, the PUBLISH acknowledgements,
	// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.
	PacketID uint16

	// Topics are the topic filters of a SUBSCRIBE or UNSUBSCRIBE.
	Topics []string
}

// Parse reads one control packet from the start of b, assuming MQTT 3.1.1
// framing for the packets whose layout depends on the version (use
// ParseLevel once the CONNECT of the connection is known). It returns the
// packet and the number of bytes it occupies.
func Parse(b []byte) (Packet, int, error) { return ParseLevel(b, Level311) }

// ParseLevel is Parse for a connection whose CONNECT announced the given
// protocol level; level 5 packets carry properties, which are skipped.
func ParseLevel(b []byte, level uint8) (Packet, int, error) {
	var p Packet
	if len(b) < 2 {
		return p, 0, ErrIncomplete
	}
	p.Type, p.Flags = b[0]>>4, b[0]&0x0f
	remaining, lenBytes, err := remainingLength(b[1:])
	if err != nil {
		return p, 0, err
	}
	p.RemainingLength = remaining
	total := 1 + lenBytes + remaining
	if len(b) < total {
		return p, 0, ErrIncomplete
	}
	if p.Type == 0 {
		return p, total, fmt.Errorf("%w: reserved packet type 0", ErrMalformed)
	}
	if err := p.parseBody(b[1+lenBytes:total], level); err != nil {
		return p, total, fmt.Errorf("%w: %s: %v", ErrMalformed, TypeString(p.Type), err)
	}
	return p, total, nil
}

// remainingLength decodes the variable-length remaining length (at most
// four 7-bit groups, least significant first).
func remainingLength(b []byte) (value, n int, err error) {
	for shift := 0; n < maxLengthBytes; shift += 7 {
		if n >= len(b) {
			return 0, 0, ErrIncomplete
		}
		c := b[n]
		n++
		value |= int(c&0x7f) << shift
		if c&0x80 == 0 {
			return value, n, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: remaining length longer than %d bytes", ErrMalformed, maxLengthBytes)
}

var errShort = errors.New("variable header or payload too short")

// parseBody decodes the variable header and payload of the packet types
// iotlens reports.
func (p *Packet) parseBody(body []byte, level uint8) error {
	r := reader{b: body}
	switch p.Type {
	case TypeConnect:
		return p.parseConnect(&r)
	case TypeConnAck:
		flags, code := r.byte(), r.byte()
		p.SessionPresent, p.ReturnCode = flags&1 != 0, code
	case TypePublish:
		return p.parsePublish(&r, level)
	case TypeSubscribe, TypeUnsubscribe:
		return p.parseSubscribe(&r, level)
	case TypePubAck, TypePubRec, TypePubRel, TypePubComp, TypeSubAck, TypeUnsubAck:
		p.PacketID = r.uint16()
	}
	return r.err
}

func (p *Packet) parseConnect(r *reader) error {
	p.ProtocolName = dns.Text(r.str())
	p.ProtocolLevel = r.byte()
	p.ConnectFlags = r.byte()
	p.KeepAlive = r.uint16()
	if p.ProtocolLevel == Level5 {
		r.skipProperties()
	}
	p.ClientID = dns.Text(r.str())
	p.HasUsername = p.ConnectFlags&0x80 != 0
	p.HasPassword = p.ConnectFlags&0x40 != 0
	return r.err
}

func (p *Packet) parsePublish(r *reader, level uint8) error {
	p.Dup, p.QoS, p.Retain = p.Flags&0x08 != 0, (p.Flags>>1)&3, p.Flags&1 != 0
	if p.QoS == 3 {
		return errors.New("QoS 3")
	}
	p.Topic = dns.Text(r.str())
	if p.QoS > 0 {
		p.PacketID = r.uint16()
	}
	if level == Level5 {
		r.skipProperties()
	}
	if r.err == nil {
		p.PayloadLen = len(r.b) - r.off
	}
	return r.err
}

// parseSubscribe reads the topic filters of SUBSCRIBE (each followed by a
// subscription-options byte) and UNSUBSCRIBE (bare filters).
func (p *Packet) parseSubscribe(r *reader, level uint8) error {
	p.PacketID = r.uint16()
	if level == Level5 {
		r.skipProperties()
	}
	for r.err == nil && r.off < len(r.b) {
		p.Topics = append(p.Topics, dns.Text(r.str()))
		if p.Type == TypeSubscribe {
			r.byte()
		}
	}
	if r.err == nil && len(p.Topics) == 0 {
		return errors.New("no topic filter")
	}
	return r.err
}

// reader reads big-endian fields and records the first overrun.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n > len(r.b)-r.off {
		r.err = errShort
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *reader) byte() uint8 {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) uint16() uint16 {
	if v := r.take(2); v != nil {
		return binary.BigEndian.Uint16(v)
	}
	return 0
}

// str reads a length-prefixed UTF-8 string.
func (r *reader) str() []byte { return r.take(int(r.uint16())) }

// skipProperties skips an MQTT 5 property block (variable-byte length).
func (r *reader) skipProperties() {
	if r.err != nil {
		return
	}
	n, used, err := remainingLength(r.b[r.off:])
	if err != nil {
		r.err = errShort
		return
	}
	r.off += used
	r.take(n)
}

var typeNames = [...]string{
	"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
	"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
}

// TypeString names a control packet type ("CONNECT", "PUBLISH", ...).
func TypeString(t uint8) string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("TYPE%d", t)
}
