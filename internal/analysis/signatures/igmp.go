package signatures

import (
	"encoding/binary"
	"net/netip"
)

// IGMPMessage is what the firewall's igmp protocol matches: version, type
// and group (for IGMPv3 reports, the first group record's address).
type IGMPMessage struct {
	Version int
	Type    string // "membership query", "membership report", "leave group"
	Group   netip.Addr
}

// IGMP message types (RFC 2236, RFC 3376).
const (
	igmpQuery    = 0x11
	igmpV1Report = 0x12
	igmpV2Report = 0x16
	igmpLeave    = 0x17
	igmpV3Report = 0x22
)

// ParseIGMP reads an IGMP message (the IP payload). It reports false for
// messages too short for their type or of an unknown type.
func ParseIGMP(b []byte) (IGMPMessage, bool) {
	if len(b) < 8 {
		return IGMPMessage{}, false
	}
	group := netip.AddrFrom4([4]byte(b[4:8]))
	switch b[0] {
	case igmpQuery:
		m := IGMPMessage{Version: 2, Type: "membership query", Group: group}
		switch {
		case len(b) >= 12:
			m.Version = 3
		case b[1] == 0:
			m.Version = 1
		}
		return m, true
	case igmpV1Report:
		return IGMPMessage{Version: 1, Type: "membership report", Group: group}, true
	case igmpV2Report:
		return IGMPMessage{Version: 2, Type: "membership report", Group: group}, true
	case igmpLeave:
		return IGMPMessage{Version: 2, Type: "leave group", Group: group}, true
	case igmpV3Report:
		// 8-byte header (with the record count at bytes 6-7), then records
		// of type, aux length, source count and the group address.
		if binary.BigEndian.Uint16(b[6:8]) == 0 || len(b) < 16 {
			return IGMPMessage{Version: 3, Type: "membership report"}, true
		}
		return IGMPMessage{Version: 3, Type: "membership report", Group: netip.AddrFrom4([4]byte(b[12:16]))}, true
	}
	return IGMPMessage{}, false
}
