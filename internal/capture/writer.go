package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// PcapWriter writes a classic little-endian pcap file that tcpdump, tshark
// and this package's reader all accept. It keeps original timestamps and wire
// lengths, so filtered copies (iotlens split) stay faithful to the source.
type PcapWriter struct {
	w          *bufio.Writer
	nanosecond bool
	hdr        [16]byte
}

// NewPcapWriter writes the file header and returns a writer. With nanosecond
// set, the file uses the nanosecond-resolution magic (0xa1b23c4d).
func NewPcapWriter(w io.Writer, link LinkType, snaplen int, nanosecond bool) (*PcapWriter, error) {
	if snaplen <= 0 {
		snaplen = MaxFrameLen
	}
	var h [24]byte
	magic := uint32(0xa1b2c3d4)
	if nanosecond {
		magic = 0xa1b23c4d
	}
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], uint32(snaplen))
	binary.LittleEndian.PutUint32(h[20:], uint32(link))
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.Write(h[:]); err != nil {
		return nil, err
	}
	return &PcapWriter{w: bw, nanosecond: nanosecond}, nil
}

// WritePacket appends one record. wireLen is the original length; when it is
// smaller than len(data) the captured length is used instead.
func (pw *PcapWriter) WritePacket(timeNanos int64, wireLen int, data []byte) error {
	if len(data) > MaxFrameLen {
		return fmt.Errorf("pcap writer: frame of %d bytes exceeds %d", len(data), MaxFrameLen)
	}
	if wireLen < len(data) {
		wireLen = len(data)
	}
	sec := timeNanos / 1e9
	frac := timeNanos % 1e9
	if frac < 0 {
		sec--
		frac += 1e9
	}
	if !pw.nanosecond {
		frac /= 1e3
	}
	binary.LittleEndian.PutUint32(pw.hdr[0:], uint32(sec))
	binary.LittleEndian.PutUint32(pw.hdr[4:], uint32(frac))
	binary.LittleEndian.PutUint32(pw.hdr[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(pw.hdr[12:], uint32(wireLen))
	if _, err := pw.w.Write(pw.hdr[:]); err != nil {
		return err
	}
	_, err := pw.w.Write(data)
	return err
}

// Flush writes buffered records to the underlying writer.
func (pw *PcapWriter) Flush() error { return pw.w.Flush() }
