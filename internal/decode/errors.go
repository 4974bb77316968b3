package decode

import "errors"

// ErrMalformed is matched (with errors.Is) by every error Decode returns.
var ErrMalformed = errors.New("malformed packet")

// MalformedError says which header of a frame is malformed and why. Decode
// returns shared, preallocated values, so reporting one costs no allocation;
// treat them as read-only.
type MalformedError struct {
	Layer  Layer  // the layer whose header is bad; LayerEthernet stands for any link header
	Reason string // what is wrong, e.g. "header length below 20"
}

func (e *MalformedError) Error() string {
	return "decode: malformed " + layerName(e.Layer) + ": " + e.Reason
}

// Is makes errors.Is(err, ErrMalformed) true for every MalformedError.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

func malformed(l Layer, reason string) *MalformedError {
	return &MalformedError{Layer: l, Reason: reason}
}

// The errors Decode can return.
var (
	errRawVersion       = malformed(LayerEthernet, "raw IP packet is neither version 4 nor 6")
	errNFLOGTLVLen      = malformed(LayerEthernet, "NFLOG TLV length below 4")
	errIPv4Version      = malformed(LayerIPv4, "version is not 4")
	errIPv4HeaderLen    = malformed(LayerIPv4, "header length below 20")
	errIPv4TotalLen     = malformed(LayerIPv4, "total length shorter than the header")
	errIPv6Version      = malformed(LayerIPv6, "version is not 6")
	errIPv6ExtLen       = malformed(LayerIPv6, "extension header runs past the payload length")
	errTCPShort         = malformed(LayerTCP, "IP payload shorter than a TCP header")
	errTCPDataOffset    = malformed(LayerTCP, "data offset below 5")
	errTCPHeaderPastIP  = malformed(LayerTCP, "header runs past the IP payload")
	errUDPShort         = malformed(LayerUDP, "IP payload shorter than a UDP header")
	errUDPLength        = malformed(LayerUDP, "length below 8")
	errUDPLengthPastIP  = malformed(LayerUDP, "length runs past the IP payload")
	errICMPShort        = malformed(LayerICMP, "message shorter than 4 bytes")
	errICMPv6Short      = malformed(LayerICMPv6, "message shorter than 4 bytes")
	errFragmentOverflow = malformed(LayerFragment, "fragment ends past 65535 bytes")
)

func layerName(l Layer) string {
	switch l {
	case LayerEthernet:
		return "link header"
	case LayerARP:
		return "ARP"
	case LayerIPv4:
		return "IPv4"
	case LayerIPv6:
		return "IPv6"
	case LayerTCP:
		return "TCP"
	case LayerUDP:
		return "UDP"
	case LayerICMP:
		return "ICMP"
	case LayerICMPv6:
		return "ICMPv6"
	case LayerIGMP:
		return "IGMP"
	case LayerFragment:
		return "IP fragment"
	}
	return "packet"
}
