package decode

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/iotlens/iotlens/internal/capture"
)

// readCaptureFile is a minimal classic-pcap and pcapng reader, so these tests
// do not depend on package capture's reader. It returns every complete frame
// (each with its own copy of the data) and stops quietly at a record cut
// short, as several fixtures end mid-packet.
func readCaptureFile(tb testing.TB, path string) []capture.Frame {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if len(raw) < 4 {
		tb.Fatalf("%s: too short for a capture file", path)
	}
	switch binary.LittleEndian.Uint32(raw) {
	case 0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1:
		return readClassicPcap(tb, path, raw)
	case 0x0a0d0d0a:
		return readPcapNG(raw)
	}
	tb.Fatalf("%s: not a pcap or pcapng file", path)
	return nil
}

func readClassicPcap(tb testing.TB, path string, raw []byte) []capture.Frame {
	const fileHeaderLen, recordHeaderLen = 24, 16
	if len(raw) < fileHeaderLen {
		tb.Fatalf("%s: short pcap header", path)
	}
	var order binary.ByteOrder = binary.LittleEndian
	magic := order.Uint32(raw)
	if magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 {
		order = binary.BigEndian
		magic = order.Uint32(raw)
	}
	fractionNanos := int64(1000)
	if magic == 0xa1b23c4d {
		fractionNanos = 1
	}
	link := capture.LinkType(order.Uint32(raw[20:]) & 0x0fffffff)
	var frames []capture.Frame
	for off := fileHeaderLen; off+recordHeaderLen <= len(raw); {
		capLen := int(order.Uint32(raw[off+8:]))
		end := off + recordHeaderLen + capLen
		if capLen > capture.MaxFrameLen || end > len(raw) {
			break
		}
		frames = append(frames, capture.Frame{
			Data:     append([]byte(nil), raw[off+recordHeaderLen:end]...),
			Time:     int64(order.Uint32(raw[off:]))*1e9 + int64(order.Uint32(raw[off+4:]))*fractionNanos,
			WireLen:  int(order.Uint32(raw[off+12:])),
			LinkType: link,
			Offset:   int64(off),
			Number:   len(frames) + 1,
		})
		off = end
	}
	return frames
}

// pcapngInterface is what the reader keeps of an Interface Description Block.
type pcapngInterface struct {
	link      capture.LinkType
	unitsPerS int64 // timestamp units per second (if_tsresol)
}

func readPcapNG(raw []byte) []capture.Frame {
	const (
		blockSHB = 0x0a0d0d0a
		blockIDB = 1
		blockOPB = 2
		blockSPB = 3
		blockEPB = 6
	)
	var order binary.ByteOrder = binary.LittleEndian
	var ifaces []pcapngInterface
	var frames []capture.Frame
	for off := 0; off+12 <= len(raw); {
		blockType := binary.LittleEndian.Uint32(raw[off:])
		if blockType == blockSHB {
			if binary.LittleEndian.Uint32(raw[off+8:]) == 0x1a2b3c4d {
				order = binary.LittleEndian
			} else {
				order = binary.BigEndian
			}
			ifaces = ifaces[:0]
		} else {
			blockType = order.Uint32(raw[off:])
		}
		blockLen := int(order.Uint32(raw[off+4:]))
		if blockLen < 12 || off+blockLen > len(raw) {
			break
		}
		body := raw[off+8 : off+blockLen-4]
		switch blockType {
		case blockIDB:
			if len(body) >= 8 {
				ifaces = append(ifaces, pcapngInterface{
					link:      capture.LinkType(order.Uint16(body)),
					unitsPerS: pcapngTimeUnits(order, body[8:]),
				})
			}
		case blockEPB, blockOPB:
			if fr, ok := pcapngPacket(order, body, blockType == blockOPB, ifaces); ok {
				fr.Offset, fr.Number = int64(off), len(frames)+1
				frames = append(frames, fr)
			}
		case blockSPB:
			if len(body) >= 4 && len(ifaces) > 0 {
				wire := int(order.Uint32(body))
				data := body[4:min(len(body), 4+wire)]
				frames = append(frames, capture.Frame{
					Data: append([]byte(nil), data...), WireLen: wire, LinkType: ifaces[0].link,
					Offset: int64(off), Number: len(frames) + 1,
				})
			}
		}
		off += blockLen
	}
	return frames
}

// pcapngPacket decodes an Enhanced (or obsolete) Packet Block body.
func pcapngPacket(order binary.ByteOrder, body []byte, obsolete bool, ifaces []pcapngInterface) (capture.Frame, bool) {
	if len(body) < 20 {
		return capture.Frame{}, false
	}
	iface := int(order.Uint32(body))
	if obsolete {
		iface = int(order.Uint16(body))
	}
	if iface >= len(ifaces) {
		return capture.Frame{}, false
	}
	capLen := int(order.Uint32(body[12:]))
	if 20+capLen > len(body) {
		return capture.Frame{}, false
	}
	units := uint64(order.Uint32(body[4:]))<<32 | uint64(order.Uint32(body[8:]))
	per := ifaces[iface].unitsPerS
	nanos := int64(units/uint64(per))*1e9 + int64(units%uint64(per))*1e9/per
	return capture.Frame{
		Data:     append([]byte(nil), body[20:20+capLen]...),
		Time:     nanos,
		WireLen:  int(order.Uint32(body[16:])),
		LinkType: ifaces[iface].link,
		IfIndex:  iface,
	}, true
}

// pcapngTimeUnits reads if_tsresol from IDB options (default microseconds).
func pcapngTimeUnits(order binary.ByteOrder, opts []byte) int64 {
	for len(opts) >= 4 {
		code, length := order.Uint16(opts), int(order.Uint16(opts[2:]))
		if code == 0 || 4+length > len(opts) {
			break
		}
		if code == 9 && length >= 1 {
			res := opts[4]
			units := int64(1)
			for i := 0; i < int(res&0x7f) && units < 1e18; i++ {
				if res&0x80 != 0 {
					units *= 2
				} else {
					units *= 10
				}
			}
			return units
		}
		next := (4 + length + 3) &^ 3
		if next >= len(opts) {
			break
		}
		opts = opts[next:]
	}
	return 1e6
}
