package dhcp

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// DHCPv6 message types and option codes (RFC 8415, RFC 4704).
const (
	v6RelayForw     = 12
	v6RelayRepl     = 13
	v6RelayHeader   = 34 // msg-type, hop-count, link-address, peer-address
	v6OptClientID   = 1
	v6OptIANA       = 3
	v6OptIAAddr     = 5
	v6OptRelayMsg   = 9
	v6OptVendor     = 16
	v6OptClientFQDN = 39
	// maxRelayDepth is RFC 8415's HOP_COUNT_LIMIT: relay messages nest at
	// most this deep, so hostile nesting is bounded.
	maxRelayDepth = 32
)

// V6Message holds what identifies the client in a DHCPv6 message. For a
// relayed message the fields describe the innermost (client or server)
// message and Relayed is set.
type V6Message struct {
	MsgType       uint8
	TransactionID uint32 // 24 bits
	ClientDUID    []byte // option 1, as sent
	FQDN          string // option 39, Client FQDN
	VendorClass   string // option 16: the first vendor-class-data item
	IANAAddrs     []netip.Addr
	Relayed       bool
}

// Unpack parses the DHCPv6 message b (a UDP payload) into m, reusing its
// slices.
func (m *V6Message) Unpack(b []byte) error {
	*m = V6Message{ClientDUID: m.ClientDUID[:0], IANAAddrs: m.IANAAddrs[:0]}
	for depth := 0; ; depth++ {
		if len(b) < 4 {
			return fmt.Errorf("dhcpv6: %d bytes: %w", len(b), ErrTruncated)
		}
		m.MsgType = b[0]
		if m.MsgType != v6RelayForw && m.MsgType != v6RelayRepl {
			break
		}
		if len(b) < v6RelayHeader {
			return fmt.Errorf("dhcpv6: relay message of %d bytes: %w", len(b), ErrTruncated)
		}
		inner, err := findV6Option(b[v6RelayHeader:], v6OptRelayMsg)
		if err != nil || inner == nil || depth == maxRelayDepth {
			return err
		}
		m.Relayed = true
		b = inner
	}
	m.TransactionID = uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	return walkV6Options(b[4:], m.option)
}

// option stores one top-level option.
func (m *V6Message) option(code uint16, v []byte) error {
	switch code {
	case v6OptClientID:
		m.ClientDUID = append(m.ClientDUID[:0], v...)
	case v6OptClientFQDN:
		if len(v) >= 1 {
			m.FQDN, _ = wireName(v[1:])
		}
	case v6OptVendor:
		// enterprise-number, then vendor-class-data items (2-byte length each).
		if len(v) >= 6 {
			n := int(binary.BigEndian.Uint16(v[4:]))
			m.VendorClass = text(v[6:min(6+n, len(v))])
		}
	case v6OptIANA:
		// IAID, T1, T2, then IA_NA options.
		if len(v) >= 12 {
			return walkV6Options(v[12:], m.iaOption)
		}
	}
	return nil
}

// iaOption collects IA Address options inside an IA_NA.
func (m *V6Message) iaOption(code uint16, v []byte) error {
	if code == v6OptIAAddr && len(v) >= 16 {
		m.IANAAddrs = append(m.IANAAddrs, netip.AddrFrom16([16]byte(v[:16])))
	}
	return nil
}

// walkV6Options calls fn for each (code, length, value) option in b.
func walkV6Options(b []byte, fn func(code uint16, v []byte) error) error {
	for off := 0; off < len(b); {
		if off+4 > len(b) {
			return fmt.Errorf("dhcpv6: option header at offset %d: %w", off, ErrOptionOverrun)
		}
		code := binary.BigEndian.Uint16(b[off:])
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if off+4+n > len(b) {
			return fmt.Errorf("dhcpv6: option %d at offset %d: %w", code, off, ErrOptionOverrun)
		}
		if err := fn(code, b[off+4:off+4+n]); err != nil {
			return err
		}
		off += 4 + n
	}
	return nil
}

// findV6Option returns the value of the first option with the given code.
func findV6Option(b []byte, want uint16) ([]byte, error) {
	var found []byte
	err := walkV6Options(b, func(code uint16, v []byte) error {
		if code == want && found == nil {
			found = v
		}
		return nil
	})
	return found, err
}

var v6MsgTypeNames = [...]string{
	1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW", 6: "REBIND", 7: "REPLY",
	8: "RELEASE", 9: "DECLINE", 10: "RECONFIGURE", 11: "INFORMATION-REQUEST", 12: "RELAY-FORW",
	13: "RELAY-REPL",
}

// V6MsgTypeString names a DHCPv6 message type ("SOLICIT", "REPLY", ...) or
// returns "TYPE<n>".
func V6MsgTypeString(t uint8) string {
	if int(t) < len(v6MsgTypeNames) && v6MsgTypeNames[t] != "" {
		return v6MsgTypeNames[t]
	}
	return fmt.Sprintf("TYPE%d", t)
}
