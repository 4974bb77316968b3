package decode

import (
	"encoding/binary"
	"net/netip"
)

// Network-layer constants.
const (
	ipv4MinHeaderLen   = 20
	ipv4MoreFragments  = 0x2000
	ipv4FragOffsetMask = 0x1fff
	ipv6HeaderLen      = 40
	ipv6FragHeaderLen  = 8
	maxIPDatagramLen   = 65535
	arpHeaderPrefixLen = 8  // hardware/protocol types and lengths, opcode
	arpEthIPv4Len      = 28 // ARP for Ethernet/IPv4

	ipv6HopByHop    = 0
	ipv6Routing     = 43
	ipv6Fragment    = 44
	ipv6ESP         = 50
	ipv6AH          = 51
	ipv6NoNext      = 59
	ipv6DestOptions = 60
	ipv6Mobility    = 135
)

// ipv6Chain says which part of an IPv6 packet an extension-header walk sees.
type ipv6Chain uint8

const (
	chainWhole         ipv6Chain = iota // an unfragmented packet
	chainFirstFragment                  // the fragmentable part of the fragment at offset 0
	chainReassembled                    // the fragmentable part of a reassembled datagram
)

func (d *Decoder) decodeIPv4(data []byte, p *Packet) error {
	if len(data) > 0 && data[0]>>4 != 4 {
		return errIPv4Version
	}
	if len(data) < ipv4MinHeaderLen {
		p.Truncated = true
		return nil
	}
	headerLen := int(data[0]&0x0f) * 4
	if headerLen < ipv4MinHeaderLen {
		return errIPv4HeaderLen
	}
	totalLen := int(binary.BigEndian.Uint16(data[2:]))
	if totalLen == 0 {
		totalLen = len(data) // TSO capture: the NIC fills the length in later
	}
	p.Layers |= LayerIPv4
	p.SrcIP = netip.AddrFrom4([4]byte(data[12:16]))
	p.DstIP = netip.AddrFrom4([4]byte(data[16:20]))
	p.TTL = data[8]
	p.IPProto = data[9]
	p.IPID = uint32(binary.BigEndian.Uint16(data[4:]))
	p.IPLen = totalLen
	flagsOffset := binary.BigEndian.Uint16(data[6:])
	p.MoreFrags = flagsOffset&ipv4MoreFragments != 0
	p.FragOffset = int(flagsOffset&ipv4FragOffsetMask) * 8
	if totalLen < headerLen {
		return errIPv4TotalLen
	}
	if len(data) < headerLen {
		p.Truncated = true
		return nil
	}
	payload := data[headerLen:min(totalLen, len(data))] // also cuts Ethernet padding
	payloadLen := totalLen - headerLen
	if p.MoreFrags || p.FragOffset > 0 {
		return d.decodeIPv4Fragment(p, headerLen, payload, payloadLen)
	}
	return d.decodeTransport(p, payload, payloadLen, false)
}

func (d *Decoder) decodeIPv4Fragment(p *Packet, headerLen int, data []byte, dataLen int) error {
	key := fragKey{id: p.IPID, proto: p.IPProto}
	src, dst := p.SrcIP.As4(), p.DstIP.As4()
	copy(key.src[:], src[:])
	copy(key.dst[:], dst[:])
	whole, err := d.addFragment(p, key, data, dataLen)
	if err != nil {
		return err
	}
	if whole != nil {
		p.IPLen = headerLen + len(whole)
		return d.decodeTransport(p, whole, len(whole), false)
	}
	if p.FragOffset == 0 {
		return d.decodeTransport(p, data, dataLen, true)
	}
	p.Payload, p.PayloadLen = data, dataLen
	return nil
}

func (d *Decoder) decodeIPv6(data []byte, p *Packet) error {
	if len(data) > 0 && data[0]>>4 != 6 {
		return errIPv6Version
	}
	if len(data) < ipv6HeaderLen {
		p.Truncated = true
		return nil
	}
	payloadLen := int(binary.BigEndian.Uint16(data[4:]))
	next := data[6]
	if payloadLen == 0 && next == ipv6HopByHop {
		payloadLen = len(data) - ipv6HeaderLen // jumbogram: the length is in an option
	}
	p.Layers |= LayerIPv6
	p.SrcIP = netip.AddrFrom16([16]byte(data[8:24]))
	p.DstIP = netip.AddrFrom16([16]byte(data[24:40]))
	p.TTL = data[7]
	p.IPLen = ipv6HeaderLen + payloadLen
	payload := data[ipv6HeaderLen:min(ipv6HeaderLen+payloadLen, len(data))]
	return d.decodeIPv6Chain(p, next, payload, payloadLen, ipv6HeaderLen, chainWhole)
}

// decodeIPv6Chain walks extension headers starting with next over data
// (captured) of length bytes (per the headers). offset is where data starts
// in the datagram, used to size a reassembled one.
func (d *Decoder) decodeIPv6Chain(p *Packet, next uint8, data []byte, length, offset int, chain ipv6Chain) error {
	for {
		p.IPProto = next
		switch next {
		case ipv6HopByHop, ipv6Routing, ipv6DestOptions, ipv6Mobility, ipv6AH:
			if len(data) < 2 {
				return ipv6ExtCut(p, length < 2, chain)
			}
			extLen := (int(data[1]) + 1) * 8
			if next == ipv6AH {
				extLen = (int(data[1]) + 2) * 4
			}
			if extLen > len(data) {
				return ipv6ExtCut(p, extLen > length, chain)
			}
			next = data[0]
			data, length, offset = data[extLen:], length-extLen, offset+extLen
		case ipv6Fragment:
			if chain != chainWhole {
				return nil // nested fragmentation is not reassembled
			}
			if len(data) < ipv6FragHeaderLen {
				return ipv6ExtCut(p, length < ipv6FragHeaderLen, chain)
			}
			fragNext := data[0]
			offsetFlags := binary.BigEndian.Uint16(data[2:])
			p.IPID = binary.BigEndian.Uint32(data[4:])
			data, length, offset = data[ipv6FragHeaderLen:], length-ipv6FragHeaderLen, offset+ipv6FragHeaderLen
			next = fragNext
			fragOffset, more := int(offsetFlags&^7), offsetFlags&1 != 0
			if fragOffset == 0 && !more {
				continue // atomic fragment (RFC 6946): the whole datagram is here
			}
			p.FragOffset, p.MoreFrags, p.IPProto = fragOffset, more, fragNext
			return d.decodeIPv6Fragment(p, data, length, offset-ipv6FragHeaderLen)
		case ipv6ESP, ipv6NoNext:
			p.Payload, p.PayloadLen = data, length
			return nil
		default:
			return d.decodeTransport(p, data, length, chain == chainFirstFragment)
		}
	}
}

// ipv6ExtCut handles an extension header that does not fit: past the
// payload length it is malformed (except in a first fragment, which may end
// anywhere); otherwise the capture was cut.
func ipv6ExtCut(p *Packet, pastLength bool, chain ipv6Chain) error {
	if !pastLength {
		p.Truncated = true
		return nil
	}
	if chain == chainFirstFragment {
		return nil
	}
	return errIPv6ExtLen
}

// decodeIPv6Fragment handles the fragmentable part of a fragment;
// unfragmentableLen is the length of everything before the fragment header.
func (d *Decoder) decodeIPv6Fragment(p *Packet, data []byte, dataLen, unfragmentableLen int) error {
	key := fragKey{src: p.SrcIP.As16(), dst: p.DstIP.As16(), id: p.IPID, proto: p.IPProto, v6: true}
	whole, err := d.addFragment(p, key, data, dataLen)
	if err != nil {
		return err
	}
	if whole != nil {
		p.IPLen = unfragmentableLen + len(whole)
		return d.decodeIPv6Chain(p, key.proto, whole, len(whole), unfragmentableLen, chainReassembled)
	}
	if p.FragOffset == 0 {
		return d.decodeIPv6Chain(p, key.proto, data, dataLen, unfragmentableLen, chainFirstFragment)
	}
	p.Payload, p.PayloadLen = data, dataLen
	return nil
}

// addFragment records a fragment and returns the whole payload when this
// fragment completes its datagram.
func (d *Decoder) addFragment(p *Packet, key fragKey, data []byte, dataLen int) ([]byte, error) {
	p.Layers |= LayerFragment
	d.stats.Fragments++
	if p.FragOffset+dataLen > maxIPDatagramLen {
		return nil, errFragmentOverflow
	}
	if !d.opts.Reassemble {
		return nil, nil
	}
	if len(data) < dataLen {
		d.stats.FragSkipped++
		return nil, nil
	}
	whole := d.frags.add(key, p.FragOffset, data, p.MoreFrags, p.Frame.Time)
	if whole != nil {
		p.Layers |= LayerReassembled
		d.stats.Reassembled++
	}
	return whole, nil
}

// decodeARP decodes ARP for Ethernet/IPv4, the only kind IoT LANs carry.
func (d *Decoder) decodeARP(data []byte, p *Packet) {
	if len(data) < arpHeaderPrefixLen {
		p.Truncated = true
		return
	}
	hardwareType := binary.BigEndian.Uint16(data[0:])
	protocolType := binary.BigEndian.Uint16(data[2:])
	if hardwareType != arphrdEthernet || protocolType != EtherTypeIPv4 || data[4] != 6 || data[5] != 4 {
		return
	}
	if len(data) < arpEthIPv4Len {
		p.Truncated = true
		return
	}
	p.Layers |= LayerARP
	p.ARPOp = binary.BigEndian.Uint16(data[6:])
	copy(p.ARPSenderMAC[:], data[8:14])
	p.ARPSenderIP = netip.AddrFrom4([4]byte(data[14:18]))
	copy(p.ARPTargetMAC[:], data[18:24])
	p.ARPTargetIP = netip.AddrFrom4([4]byte(data[24:28]))
}
