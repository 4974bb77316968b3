package decode

import (
	"encoding/binary"

	"github.com/iotlens/iotlens/internal/capture"
)

// Link-layer constants not shared outside the package.
const (
	etherTypeVLAN9100 = 0x9100 // pre-standard QinQ outer tag
	etherTypeRARP     = 0x8035 // reverse ARP: same layout as ARP
	maxEthernetLength = 1500   // EtherType values up to this are 802.3 lengths
	minEtherType      = 0x0600 // smallest real EtherType

	ethernetHeaderLen = 14
	vlanTagLen        = 4
	sllHeaderLen      = 16
	sll2HeaderLen     = 20
	nullHeaderLen     = 4
	nflogHeaderLen    = 4
	nflogTLVHeaderLen = 4

	arphrdEthernet = 1   // ARPHRD_ETHER in SLL headers
	arphrdNetlink  = 824 // ARPHRD_NETLINK: the SLL protocol is a netlink family, not an EtherType
	sllProtoLLC    = 4   // LINUX_SLL_P_802_2: an 802.2 LLC frame follows

	nflogTypePayload = 9      // NFULA_PAYLOAD
	nflogTypeMask    = 0x7fff // the top bit is the netlink "nested" flag

	afInet  = 2  // AF_INET on every BSD and Linux
	afInet6 = 10 // AF_INET6 on Linux (NFLOG); BSD values are in isNullIPv6
)

// decodeLink dispatches on the frame's link type.
func (d *Decoder) decodeLink(f *capture.Frame, p *Packet) error {
	data := f.Data
	switch f.LinkType {
	case capture.LinkEthernet:
		return d.decodeEthernet(data, p)
	case capture.LinkSLL:
		return d.decodeSLL(data, p)
	case capture.LinkSLL2:
		return d.decodeSLL2(data, p)
	case capture.LinkNull:
		return d.decodeNull(data, p, nullFamily(data))
	case capture.LinkLoop:
		if len(data) < nullHeaderLen {
			p.Truncated = true
			return nil
		}
		return d.decodeNull(data, p, binary.BigEndian.Uint32(data))
	case capture.LinkRaw:
		return d.decodeRawIP(data, p)
	case capture.LinkIPv4:
		return d.decodeIPv4(data, p)
	case capture.LinkIPv6:
		return d.decodeIPv6(data, p)
	case capture.LinkNFLOG:
		return d.decodeNFLOG(data, p)
	}
	return nil
}

func (d *Decoder) decodeEthernet(data []byte, p *Packet) error {
	if len(data) < ethernetHeaderLen {
		p.Truncated = true
		return nil
	}
	copy(p.DstMAC[:], data[0:6])
	copy(p.SrcMAC[:], data[6:12])
	p.HasDstMAC, p.HasSrcMAC = true, true
	p.Layers |= LayerEthernet
	return d.decodeEtherType(binary.BigEndian.Uint16(data[12:]), data[ethernetHeaderLen:], p, true)
}

// decodeEtherType strips VLAN tags at any depth, then decodes the network
// layer. A type field up to 1500 is an 802.3 length followed by LLC;
// allowLLC stops LLC/SNAP from nesting inside itself.
func (d *Decoder) decodeEtherType(etherType uint16, data []byte, p *Packet, allowLLC bool) error {
	for isVLANTag(etherType) {
		if len(data) < vlanTagLen {
			p.EtherType = etherType
			p.Truncated = true
			return nil
		}
		if p.NumVLAN < len(p.VLANs) {
			p.VLANs[p.NumVLAN] = binary.BigEndian.Uint16(data) & 0x0fff
		}
		p.NumVLAN++
		etherType = binary.BigEndian.Uint16(data[2:])
		data = data[vlanTagLen:]
	}
	if etherType <= maxEthernetLength {
		p.EtherType = 0
		if !allowLLC {
			return nil
		}
		if int(etherType) < len(data) {
			data = data[:etherType] // cut Ethernet padding
		}
		return d.decodeLLC(data, p)
	}
	if etherType < minEtherType {
		return nil
	}
	p.EtherType = etherType
	return d.decodeNetwork(etherType, data, p)
}

func isVLANTag(etherType uint16) bool {
	return etherType == EtherTypeVLAN || etherType == EtherTypeQinQ || etherType == etherTypeVLAN9100
}

// decodeNetwork decodes the payload of a known EtherType.
func (d *Decoder) decodeNetwork(etherType uint16, data []byte, p *Packet) error {
	switch etherType {
	case EtherTypeIPv4:
		return d.decodeIPv4(data, p)
	case EtherTypeIPv6:
		return d.decodeIPv6(data, p)
	case EtherTypeARP, etherTypeRARP:
		d.decodeARP(data, p)
	}
	return nil
}

// decodeLLC follows an 802.2 LLC header. Only SNAP with the zero OUI carries
// an EtherType; other LLC traffic (XID, STP, vendor SNAP) has no network layer.
func (d *Decoder) decodeLLC(data []byte, p *Packet) error {
	const llcHeaderLen, snapHeaderLen = 3, 8
	if len(data) < llcHeaderLen {
		p.Truncated = true
		return nil
	}
	if data[0] != 0xaa || data[1] != 0xaa || data[2] != 0x03 {
		return nil
	}
	if len(data) < snapHeaderLen {
		p.Truncated = true
		return nil
	}
	if data[3] != 0 || data[4] != 0 || data[5] != 0 {
		return nil
	}
	return d.decodeEtherType(binary.BigEndian.Uint16(data[6:]), data[snapHeaderLen:], p, false)
}

// decodeSLL decodes a Linux cooked v1 header: packet type, ARPHRD type,
// address length, 8 address bytes, protocol.
func (d *Decoder) decodeSLL(data []byte, p *Packet) error {
	if len(data) < sllHeaderLen {
		p.Truncated = true
		return nil
	}
	arphrd := binary.BigEndian.Uint16(data[2:])
	addrLen := binary.BigEndian.Uint16(data[4:])
	setCookedSource(p, arphrd, int(addrLen), data[6:14])
	return d.decodeCookedProtocol(arphrd, binary.BigEndian.Uint16(data[14:]), data[sllHeaderLen:], p)
}

// decodeSLL2 decodes a Linux cooked v2 header: protocol, reserved,
// interface index, ARPHRD type, packet type, address length, 8 address bytes.
func (d *Decoder) decodeSLL2(data []byte, p *Packet) error {
	if len(data) < sll2HeaderLen {
		p.Truncated = true
		return nil
	}
	arphrd := binary.BigEndian.Uint16(data[8:])
	setCookedSource(p, arphrd, int(data[11]), data[12:20])
	return d.decodeCookedProtocol(arphrd, binary.BigEndian.Uint16(data[0:]), data[sll2HeaderLen:], p)
}

// setCookedSource records the source MAC of an SLL/SLL2 frame from an
// Ethernet interface; cooked captures carry no destination.
func setCookedSource(p *Packet, arphrd uint16, addrLen int, addr []byte) {
	if arphrd != arphrdEthernet || addrLen != len(p.SrcMAC) {
		return
	}
	copy(p.SrcMAC[:], addr)
	p.HasSrcMAC = true
	p.Layers |= LayerEthernet
}

func (d *Decoder) decodeCookedProtocol(arphrd, protocol uint16, data []byte, p *Packet) error {
	if arphrd == arphrdNetlink {
		return nil
	}
	p.EtherType = protocol
	if protocol == sllProtoLLC {
		p.EtherType = 0
		return d.decodeLLC(data, p)
	}
	if protocol < minEtherType {
		return nil
	}
	return d.decodeEtherType(protocol, data, p, false)
}

// nullFamily reads a BSD loopback address family, which is in the byte order
// of the capturing host: the smaller of the two readings is the right one,
// since families are small numbers.
func nullFamily(data []byte) uint32 {
	if len(data) < nullHeaderLen {
		return 0
	}
	le := binary.LittleEndian.Uint32(data)
	be := binary.BigEndian.Uint32(data)
	return min(le, be)
}

func (d *Decoder) decodeNull(data []byte, p *Packet, family uint32) error {
	if len(data) < nullHeaderLen {
		p.Truncated = true
		return nil
	}
	switch {
	case family == afInet:
		return d.decodeIPv4(data[nullHeaderLen:], p)
	case isNullIPv6(family):
		return d.decodeIPv6(data[nullHeaderLen:], p)
	}
	return nil
}

// isNullIPv6 matches AF_INET6 as Linux (10), NetBSD/OpenBSD (24),
// FreeBSD/DragonFly (28) and Darwin (30) number it.
func isNullIPv6(family uint32) bool {
	return family == 10 || family == 24 || family == 28 || family == 30
}

// decodeRawIP decides between IPv4 and IPv6 by the version nibble.
func (d *Decoder) decodeRawIP(data []byte, p *Packet) error {
	if len(data) == 0 {
		p.Truncated = true
		return nil
	}
	switch data[0] >> 4 {
	case 4:
		return d.decodeIPv4(data, p)
	case 6:
		return d.decodeIPv6(data, p)
	}
	return errRawVersion
}

// decodeNFLOG walks the TLVs after the NFLOG header (family, version,
// resource id) to the payload TLV, which holds the IP packet.
func (d *Decoder) decodeNFLOG(data []byte, p *Packet) error {
	if len(data) < nflogHeaderLen {
		p.Truncated = true
		return nil
	}
	family := data[0]
	rest := data[nflogHeaderLen:]
	for len(rest) > 0 {
		if len(rest) < nflogTLVHeaderLen {
			p.Truncated = true
			return nil
		}
		tlvLen := int(binary.LittleEndian.Uint16(rest))
		tlvType := binary.LittleEndian.Uint16(rest[2:]) & nflogTypeMask
		if tlvLen < nflogTLVHeaderLen {
			return errNFLOGTLVLen
		}
		if tlvType == nflogTypePayload {
			return d.decodeNFLOGPayload(family, rest[nflogTLVHeaderLen:min(tlvLen, len(rest))], p)
		}
		next := (tlvLen + 3) &^ 3 // TLVs are padded to 4 bytes
		if next >= len(rest) {
			p.Truncated = tlvLen > len(rest)
			return nil
		}
		rest = rest[next:]
	}
	return nil
}

func (d *Decoder) decodeNFLOGPayload(family uint8, payload []byte, p *Packet) error {
	switch family {
	case afInet:
		return d.decodeIPv4(payload, p)
	case afInet6:
		return d.decodeIPv6(payload, p)
	}
	return nil
}
