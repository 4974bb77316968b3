package decode

import "encoding/binary"

// Transport-layer header sizes.
const (
	tcpMinHeaderLen = 20
	udpHeaderLen    = 8
	icmpHeaderLen   = 4 // type, code, checksum
)

// decodeTransport decodes the header of p.IPProto from data (captured) of
// length bytes (per the IP header). partial marks the first fragment of a
// datagram that is not whole: its transport lengths describe the datagram,
// not this fragment, so they are not checked.
func (d *Decoder) decodeTransport(p *Packet, data []byte, length int, partial bool) error {
	switch p.IPProto {
	case ProtoTCP:
		return decodeTCP(p, data, length, partial)
	case ProtoUDP:
		return decodeUDP(p, data, length, partial)
	case ProtoICMP:
		return decodeICMP(p, data, length, partial, LayerICMP, errICMPShort)
	case ProtoICMPv6:
		return decodeICMP(p, data, length, partial, LayerICMPv6, errICMPv6Short)
	case ProtoIGMP:
		p.Layers |= LayerIGMP
	}
	p.Payload, p.PayloadLen = data, length
	return nil
}

// shortHeader reports a header that does not fit in the captured bytes:
// malformed when the IP length leaves no room for it, truncated otherwise.
func shortHeader(p *Packet, length, need int, partial bool, err error) error {
	if length >= need {
		p.Truncated = true
		return nil
	}
	if partial {
		return nil // a first fragment may split the header
	}
	return err
}

func decodeTCP(p *Packet, data []byte, length int, partial bool) error {
	if len(data) < tcpMinHeaderLen {
		return shortHeader(p, length, tcpMinHeaderLen, partial, errTCPShort)
	}
	p.Layers |= LayerTCP
	p.SrcPort = binary.BigEndian.Uint16(data[0:])
	p.DstPort = binary.BigEndian.Uint16(data[2:])
	p.Seq = binary.BigEndian.Uint32(data[4:])
	p.Ack = binary.BigEndian.Uint32(data[8:])
	p.TCPFlags = data[13]
	p.Window = binary.BigEndian.Uint16(data[14:])
	headerLen := int(data[12]>>4) * 4
	if headerLen < tcpMinHeaderLen {
		return errTCPDataOffset
	}
	if headerLen > length {
		if partial {
			return nil // a first fragment may split the header
		}
		return errTCPHeaderPastIP
	}
	p.PayloadLen = length - headerLen
	if headerLen > len(data) {
		p.Truncated = true
		return nil
	}
	p.Payload = data[headerLen:]
	return nil
}

func decodeUDP(p *Packet, data []byte, length int, partial bool) error {
	if len(data) < udpHeaderLen {
		return shortHeader(p, length, udpHeaderLen, partial, errUDPShort)
	}
	p.Layers |= LayerUDP
	p.SrcPort = binary.BigEndian.Uint16(data[0:])
	p.DstPort = binary.BigEndian.Uint16(data[2:])
	if partial {
		p.Payload, p.PayloadLen = data[udpHeaderLen:], length-udpHeaderLen
		return nil
	}
	udpLen := int(binary.BigEndian.Uint16(data[4:]))
	if udpLen == 0 && p.Layers&LayerIPv6 != 0 {
		udpLen = length // jumbogram: the length is in the IPv6 hop-by-hop option
	}
	var err error
	switch {
	case udpLen < udpHeaderLen:
		udpLen, err = length, errUDPLength
	case udpLen > length:
		udpLen, err = length, errUDPLengthPastIP
	}
	p.Payload = data[udpHeaderLen:min(udpLen, len(data))]
	p.PayloadLen = udpLen - udpHeaderLen
	return err
}

// decodeICMP reads the type and code of an ICMP or ICMPv6 message; the
// payload is what follows the checksum.
func decodeICMP(p *Packet, data []byte, length int, partial bool, layer Layer, short error) error {
	if len(data) >= 2 {
		p.Layers |= layer
		p.ICMPType, p.ICMPCode = data[0], data[1]
	}
	if len(data) < icmpHeaderLen {
		return shortHeader(p, length, icmpHeaderLen, partial, short)
	}
	p.Payload, p.PayloadLen = data[icmpHeaderLen:], length-icmpHeaderLen
	return nil
}
