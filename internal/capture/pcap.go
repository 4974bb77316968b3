package capture

// Classic pcap layout (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
// a 24-byte file header, then records of a 16-byte header (seconds,
// fraction, captured length, original length) followed by the bytes.
const (
	pcapFileHeaderLen   = 24
	pcapRecordHeaderLen = 16
	// pcapModifiedExtra is the interface index, protocol and packet type
	// that Kuznetsov's patched libpcap appends to each record header.
	pcapModifiedExtra = 8
	// pcapLinkTypeMask keeps the link type; the upper bits of the header
	// field carry FCS information.
	pcapLinkTypeMask = 0xffff
)

// pcapReader reads classic pcap records.
type pcapReader struct {
	stream
	order     byteOrder
	fracNanos int64 // nanoseconds per unit of the timestamp fraction
	recHdrLen int
}

func newPcapReader(in *input) (*pcapReader, error) {
	r := &pcapReader{stream: newStream(in), fracNanos: 1000, recHdrLen: pcapRecordHeaderLen}
	hdr, err := r.take(pcapFileHeaderLen)
	if len(hdr) < pcapFileHeaderLen {
		return nil, r.stop(0, len(hdr), err, "the pcap file header")
	}
	magic, _ := findPcapMagic(hdr)
	r.order = byteOrder{big: magic.bigEndian}
	if magic.nanosecond {
		r.fracNanos = 1
	}
	if magic.modified {
		r.recHdrLen += pcapModifiedExtra
	}
	r.frame.LinkType = LinkType(r.order.u32(hdr[20:]) & pcapLinkTypeMask)
	return r, nil
}

// Format reports FormatPcap.
func (r *pcapReader) Format() Format { return FormatPcap }

// Next returns the next record's frame.
func (r *pcapReader) Next() (*Frame, error) {
	if r.err != nil {
		return nil, r.err
	}
	recOff := r.off
	hdr, err := r.in.Peek(r.recHdrLen)
	if len(hdr) < r.recHdrLen {
		return nil, r.stop(recOff, len(hdr), err, "a record header")
	}
	capLen := r.order.u32(hdr[8:])
	if capLen > MaxFrameLen {
		return nil, r.fail(recOff, "record claims %d captured bytes, more than the %d limit", capLen, MaxFrameLen)
	}
	recLen := r.recHdrLen + int(capLen)
	rec, err := r.take(recLen)
	if len(rec) < recLen {
		return nil, r.stop(recOff, len(rec), err, "a record")
	}
	f := &r.frame
	f.Data = rec[r.recHdrLen:recLen]
	f.Time = int64(r.order.u32(rec[0:]))*1e9 + int64(r.order.u32(rec[4:]))*r.fracNanos
	f.WireLen = int(r.order.u32(rec[12:]))
	f.Offset = recOff
	f.Number++
	return f, nil
}
