package synth

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

// generate runs Generate into memory.
func generate(tb testing.TB, o Options) ([]byte, Truth) {
	tb.Helper()
	var buf bytes.Buffer
	tr, err := Generate(&buf, o)
	if err != nil {
		tb.Fatalf("Generate(%+v): %v", o, err)
	}
	return buf.Bytes(), tr
}

// frameStats summarises a capture read back with package capture.
type frameStats struct {
	frames     int64
	first      int64
	last       int64
	ethertypes map[uint16]int
}

// checkCapture reads a generated pcap with package capture and checks that
// it is Ethernet, in time order and that every frame is well formed.
func checkCapture(data []byte) (frameStats, error) {
	st := frameStats{ethertypes: map[uint16]int{}}
	r, err := capture.NewReader(bytes.NewReader(data), "synth.pcap")
	if err != nil {
		return st, err
	}
	defer r.Close()
	if r.Format() != capture.FormatPcap {
		return st, fmt.Errorf("format %q, want pcap", r.Format())
	}
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		if f.LinkType != capture.LinkEthernet {
			return st, fmt.Errorf("frame %d: link type %d", f.Number, f.LinkType)
		}
		if st.frames > 0 && f.Time < st.last {
			return st, fmt.Errorf("frame %d at %d is earlier than the previous frame at %d", f.Number, f.Time, st.last)
		}
		if st.frames == 0 {
			st.first = f.Time
		}
		st.last = f.Time
		st.frames++
		if err := verifyFrame(f.Data); err != nil {
			return st, fmt.Errorf("frame %d: %w", f.Number, err)
		}
		st.ethertypes[binary.BigEndian.Uint16(f.Data[12:])]++
	}
}

// verifyFrame checks lengths and every checksum of an Ethernet frame.
func verifyFrame(b []byte) error {
	if len(b) < ethLen {
		return errors.New("short Ethernet frame")
	}
	switch binary.BigEndian.Uint16(b[12:]) {
	case etherARP:
		if len(b) != ethLen+28 {
			return fmt.Errorf("ARP frame of %d bytes", len(b))
		}
		return nil
	case etherIPv4:
		return verifyIPv4(b[ethLen:])
	case etherIPv6:
		return verifyIPv6(b[ethLen:])
	}
	return fmt.Errorf("unexpected EtherType %#x", binary.BigEndian.Uint16(b[12:]))
}

func verifyIPv4(ip []byte) error {
	if len(ip) < ip4Len || ip[0]>>4 != 4 {
		return errors.New("bad IPv4 header")
	}
	hl := int(ip[0]&0xf) * 4
	if total := int(binary.BigEndian.Uint16(ip[2:])); total != len(ip) || hl > total {
		return fmt.Errorf("IPv4 total length %d, frame carries %d", total, len(ip))
	}
	if fold(sum16(ip[:hl], 0)) != 0 {
		return errors.New("bad IPv4 header checksum")
	}
	l4 := ip[hl:]
	pseudo := sum16(ip[12:20], uint64(ip[9])+uint64(len(l4)))
	switch ip[9] {
	case protoTCP:
		return verifyL4Checksum("TCP", l4, pseudo)
	case protoUDP:
		if int(binary.BigEndian.Uint16(l4[4:])) != len(l4) {
			return errors.New("UDP length does not match the IP length")
		}
		return verifyL4Checksum("UDP", l4, pseudo)
	case protoIGMP:
		return verifyL4Checksum("IGMP", l4, 0)
	}
	return fmt.Errorf("unexpected IP protocol %d", ip[9])
}

func verifyIPv6(ip []byte) error {
	if len(ip) < ip6Len || ip[0]>>4 != 6 {
		return errors.New("bad IPv6 header")
	}
	l4 := ip[ip6Len:]
	if int(binary.BigEndian.Uint16(ip[4:])) != len(l4) {
		return errors.New("IPv6 payload length does not match the frame")
	}
	pseudo := sum16(ip[8:40], uint64(ip[6])+uint64(len(l4)))
	switch ip[6] {
	case protoTCP:
		return verifyL4Checksum("TCP", l4, pseudo)
	case protoUDP:
		if int(binary.BigEndian.Uint16(l4[4:])) != len(l4) {
			return errors.New("UDP length does not match the IPv6 length")
		}
		return verifyL4Checksum("UDP", l4, pseudo)
	case protoICMPv6:
		return verifyL4Checksum("ICMPv6", l4, pseudo)
	}
	return fmt.Errorf("unexpected IPv6 next header %d", ip[6])
}

func verifyL4Checksum(name string, l4 []byte, pseudo uint64) error {
	if fold(sum16(l4, pseudo)) != 0 {
		return fmt.Errorf("bad %s checksum", name)
	}
	return nil
}
