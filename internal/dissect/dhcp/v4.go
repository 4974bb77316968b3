package dhcp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// Errors wrapped by Unpack's error.
var (
	ErrTruncated     = errors.New("message shorter than its fixed header")
	ErrOptionOverrun = errors.New("option runs past the end of the message")
)

const (
	bootpLen    = 236 // fixed BOOTP header, up to the magic cookie
	magicCookie = 0x63825363
	optionsOff  = bootpLen + 4
)

// DHCPv4 option codes (RFC 2132, RFC 4702).
const (
	optPad         = 0
	optSubnetMask  = 1
	optRouter      = 3
	optDNSServers  = 6
	optHostName    = 12
	optRequestedIP = 50
	optLeaseTime   = 51
	optMsgType     = 53
	optServerID    = 54
	optParamList   = 55
	optVendorClass = 60
	optClientID    = 61
	optFQDN        = 81
	optEnd         = 255
	fqdnFlagE      = 0x04 // FQDN option flag: name in DNS wire format
)

// Message is one DHCPv4 (or plain BOOTP) message. Unpack overwrites it and
// reuses its byte and address slices; strings are safe to keep.
type Message struct {
	Op        uint8 // 1 BOOTREQUEST, 2 BOOTREPLY
	XID       uint32
	ClientMAC [6]byte // chaddr, when the hardware type is Ethernet (htype 1, hlen 6)
	// ClientIP (ciaddr), YourIP (yiaddr), ServerIP (siaddr) and RelayIP
	// (giaddr) are always valid IPv4 addresses, 0.0.0.0 when unset.
	ClientIP, YourIP, ServerIP, RelayIP netip.Addr

	MsgType     uint8 // option 53; 0 for plain BOOTP
	HostName    string
	VendorClass string
	FQDN        string
	ClientID    []byte // option 61, as sent (usually hardware type + MAC)
	ParamList   []byte // option 55: requested option codes, in order

	// Address options; invalid (the zero netip.Addr) when absent.
	RequestedIP, ServerID, Router, SubnetMask netip.Addr
	DNSServers                                []netip.Addr
	LeaseTime                                 uint32 // seconds; 0 when absent
}

// Unpack parses the DHCPv4 message b (a UDP payload) into m.
func (m *Message) Unpack(b []byte) error {
	m.reset()
	if len(b) < bootpLen {
		return fmt.Errorf("dhcp: %d bytes: %w", len(b), ErrTruncated)
	}
	m.Op = b[0]
	m.XID = binary.BigEndian.Uint32(b[4:])
	m.ClientIP = netip.AddrFrom4([4]byte(b[12:16]))
	m.YourIP = netip.AddrFrom4([4]byte(b[16:20]))
	m.ServerIP = netip.AddrFrom4([4]byte(b[20:24]))
	m.RelayIP = netip.AddrFrom4([4]byte(b[24:28]))
	if b[1] == 1 && b[2] == 6 {
		m.ClientMAC = [6]byte(b[28:34])
	}
	if len(b) < optionsOff || binary.BigEndian.Uint32(b[bootpLen:]) != magicCookie {
		return nil // BOOTP without DHCP options
	}
	return m.unpackOptions(b, optionsOff)
}

func (m *Message) reset() {
	*m = Message{
		ClientID:   m.ClientID[:0],
		ParamList:  m.ParamList[:0],
		DNSServers: m.DNSServers[:0],
	}
}

// unpackOptions walks the options from off until End or the end of b.
func (m *Message) unpackOptions(b []byte, off int) error {
	for off < len(b) {
		code := b[off]
		if code == optPad {
			off++
			continue
		}
		if code == optEnd {
			return nil
		}
		if off+2 > len(b) || off+2+int(b[off+1]) > len(b) {
			return fmt.Errorf("dhcp: option %d at offset %d: %w", code, off, ErrOptionOverrun)
		}
		m.option(code, b[off+2:off+2+int(b[off+1])])
		off += 2 + int(b[off+1])
	}
	return nil
}

// option stores one option. Options of the wrong size are ignored.
func (m *Message) option(code byte, v []byte) {
	switch code {
	case optMsgType:
		if len(v) >= 1 {
			m.MsgType = v[0]
		}
	case optHostName:
		m.HostName = text(v)
	case optVendorClass:
		m.VendorClass = text(v)
	case optFQDN:
		m.FQDN = fqdnOption(v)
	case optClientID:
		m.ClientID = append(m.ClientID[:0], v...)
	case optParamList:
		m.ParamList = append(m.ParamList[:0], v...)
	case optRequestedIP:
		m.RequestedIP = addr4(v)
	case optServerID:
		m.ServerID = addr4(v)
	case optRouter:
		m.Router = addr4(v)
	case optSubnetMask:
		m.SubnetMask = addr4(v)
	case optDNSServers:
		for ; len(v) >= 4; v = v[4:] {
			m.DNSServers = append(m.DNSServers, netip.AddrFrom4([4]byte(v[:4])))
		}
	case optLeaseTime:
		if len(v) == 4 {
			m.LeaseTime = binary.BigEndian.Uint32(v)
		}
	}
}

// addr4 returns the first IPv4 address of an address option.
func addr4(v []byte) netip.Addr {
	if len(v) < 4 {
		return netip.Addr{}
	}
	return netip.AddrFrom4([4]byte(v[:4]))
}

// fqdnOption decodes option 81: flags, two obsolete RCODE bytes, then the
// name, in DNS wire format when flag E is set and as ASCII otherwise.
func fqdnOption(v []byte) string {
	if len(v) < 3 {
		return ""
	}
	if v[0]&fqdnFlagE != 0 {
		name, _ := wireName(v[3:])
		return name
	}
	return text(v[3:])
}

var msgTypeNames = [...]string{
	0: "BOOTP", 1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
	7: "RELEASE", 8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY", 11: "LEASEUNASSIGNED",
	12: "LEASEUNKNOWN", 13: "LEASEACTIVE", 14: "BULKLEASEQUERY", 15: "LEASEQUERYDONE",
	16: "ACTIVELEASEQUERY", 17: "LEASEQUERYSTATUS", 18: "TLS",
}

// MsgTypeString names a DHCP message type (option 53): "DISCOVER", "OFFER",
// ... "BOOTP" for 0 (no option 53) and "TYPE<n>" for unknown values.
func MsgTypeString(t uint8) string {
	if int(t) < len(msgTypeNames) {
		return msgTypeNames[t]
	}
	return fmt.Sprintf("TYPE%d", t)
}
