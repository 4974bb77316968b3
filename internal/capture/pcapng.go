package capture

// pcapng layout (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html):
// a sequence of blocks, each "type, total length, body, total length". A
// Section Header Block (SHB) starts every section and fixes its byte order;
// Interface Description Blocks (IDB) number the interfaces of the section;
// packet blocks refer to them by index.
const (
	blockSHB = 0x0a0d0d0a
	blockIDB = 1
	blockOPB = 2 // obsolete Packet Block
	blockSPB = 3 // Simple Packet Block
	blockEPB = 6 // Enhanced Packet Block

	byteOrderMagic = 0x1a2b3c4d

	blockHeaderLen  = 8  // type + total length
	blockMinLen     = 12 // header + trailing length
	blockMaxLen     = 16 << 20
	shbMinLen       = blockMinLen + 16 // byte-order magic, version, section length
	idbFixedLen     = 8                // link type, reserved, snaplen
	epbFixedLen     = 20               // interface, timestamp (2), captured, original length
	spbFixedLen     = 4                // original length
	optIfTsResol    = 9
	optIfTsOffset   = 14
	optEndOfOptions = 0
)

// iface is what a section's IDB says about one interface.
type iface struct {
	link    LinkType
	snaplen uint32
	clock   tsScale
}

// pcapngReader reads pcapng sections, interfaces and packet blocks.
type pcapngReader struct {
	stream
	order  byteOrder
	ifaces []iface // interfaces of the current section
}

func newPcapNGReader(in *input) (*pcapngReader, error) {
	r := &pcapngReader{stream: newStream(in)}
	if err := r.readSection(0); err != nil {
		return nil, err
	}
	return r, nil
}

// Format reports FormatPcapNG.
func (r *pcapngReader) Format() Format { return FormatPcapNG }

// Next returns the frame of the next packet block, reading interface and
// section blocks on the way and skipping every other block type.
func (r *pcapngReader) Next() (*Frame, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		off := r.off
		hdr, err := r.in.Peek(blockHeaderLen)
		if len(hdr) < blockHeaderLen {
			return nil, r.stop(off, len(hdr), err, "a block header")
		}
		typ := r.order.u32(hdr)
		if typ == blockSHB {
			if err := r.readSection(off); err != nil {
				return nil, err
			}
			continue
		}
		n, err := r.blockLen(off, r.order.u32(hdr[4:]))
		if err != nil {
			return nil, err
		}
		switch typ {
		case blockEPB, blockOPB, blockSPB:
			block, err := r.readBlock(off, n)
			if err != nil {
				return nil, err
			}
			return r.packet(typ, off, block)
		case blockIDB:
			block, err := r.readBlock(off, n)
			if err != nil {
				return nil, err
			}
			if err := r.addInterface(off, block); err != nil {
				return nil, err
			}
		default:
			if err := r.skipBlock(off, n); err != nil {
				return nil, err
			}
		}
	}
}

// readSection reads an SHB: it sets the byte order of the section that
// follows and forgets the interfaces of the previous one.
func (r *pcapngReader) readSection(off int64) error {
	hdr, err := r.in.Peek(blockMinLen)
	if len(hdr) < blockMinLen {
		return r.stop(off, len(hdr), err, "a section header block")
	}
	switch bom := (byteOrder{}).u32(hdr[8:]); bom {
	case byteOrderMagic:
		r.order = byteOrder{}
	case 0x4d3c2b1a:
		r.order = byteOrder{big: true}
	default:
		return r.fail(off, "section header has byte-order magic %#08x, want %#08x in either byte order", bom, byteOrderMagic)
	}
	n, err := r.blockLen(off, r.order.u32(hdr[4:]))
	if err != nil {
		return err
	}
	if n < shbMinLen {
		return r.fail(off, "section header block of %d bytes is shorter than %d", n, shbMinLen)
	}
	block, err := r.readBlock(off, n)
	if err != nil {
		return err
	}
	if major := r.order.u16(block[12:]); major != 1 {
		return r.fail(off, "pcapng version %d.%d is not supported", major, r.order.u16(block[14:]))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

// blockLen validates a block's leading total length.
func (r *pcapngReader) blockLen(off int64, n uint32) (int, error) {
	switch {
	case n < blockMinLen:
		return 0, r.fail(off, "block length %d is less than %d", n, blockMinLen)
	case n%4 != 0:
		return 0, r.fail(off, "block length %d is not a multiple of 4", n)
	case n > blockMaxLen:
		return 0, r.fail(off, "block length %d exceeds the %d limit", n, blockMaxLen)
	}
	return int(n), nil
}

// readBlock consumes a whole block and checks its trailing length.
func (r *pcapngReader) readBlock(off int64, n int) ([]byte, error) {
	block, err := r.take(n)
	if len(block) < n {
		return nil, r.stop(off, len(block), err, "a block")
	}
	if trail := r.order.u32(block[n-4:]); trail != uint32(n) {
		return nil, r.fail(off, "trailing block length %d differs from leading length %d", trail, n)
	}
	return block, nil
}

// skipBlock consumes a block the reader does not use without copying it.
func (r *pcapngReader) skipBlock(off int64, n int) error {
	if err := r.skip(n - 4); err != nil {
		return r.stop(off, int(r.off-off), err, "a block")
	}
	trail, err := r.take(4)
	if len(trail) < 4 {
		return r.stop(off, int(r.off-off)+len(trail), err, "a block")
	}
	if got := r.order.u32(trail); got != uint32(n) {
		return r.fail(off, "trailing block length %d differs from leading length %d", got, n)
	}
	return nil
}

// addInterface records an IDB's link type, snaplen and clock.
func (r *pcapngReader) addInterface(off int64, block []byte) error {
	body := block[blockHeaderLen : len(block)-4]
	if len(body) < idbFixedLen {
		return r.fail(off, "interface description block of %d bytes is too short", len(block))
	}
	ifc := iface{
		link:    LinkType(r.order.u16(body[0:])),
		snaplen: r.order.u32(body[4:]),
		clock:   microseconds,
	}
	if err := r.interfaceOptions(off, body[idbFixedLen:], &ifc.clock); err != nil {
		return err
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// interfaceOptions reads the IDB options that affect timestamps and skips
// every other option.
func (r *pcapngReader) interfaceOptions(off int64, opts []byte, clock *tsScale) error {
	for len(opts) >= 4 {
		code := r.order.u16(opts[0:])
		n := int(r.order.u16(opts[2:]))
		if code == optEndOfOptions {
			return nil
		}
		if 4+n > len(opts) {
			return r.fail(off, "interface option %d of %d bytes overruns its block", code, n)
		}
		value := opts[4 : 4+n]
		switch {
		case code == optIfTsResol && n == 1:
			clock.setResolution(value[0])
		case code == optIfTsOffset && n == 8:
			clock.setOffset(int64(r.order.u64(value)))
		}
		opts = opts[min(len(opts), 4+(n+3)&^3):]
	}
	return nil
}

// packet fills the frame from an EPB, OPB or SPB.
func (r *pcapngReader) packet(typ uint32, off int64, block []byte) (*Frame, error) {
	body := block[blockHeaderLen : len(block)-4]
	if typ == blockSPB {
		return r.simplePacket(off, body)
	}
	if len(body) < epbFixedLen {
		return nil, r.fail(off, "packet block of %d bytes is too short", len(block))
	}
	id := r.order.u32(body[0:])
	if typ == blockOPB {
		id = uint32(r.order.u16(body[0:])) // then a 16-bit drop count
	}
	if id >= uint32(len(r.ifaces)) {
		return nil, r.fail(off, "packet block refers to interface %d; the section has %d", id, len(r.ifaces))
	}
	capLen := r.order.u32(body[12:])
	if capLen > uint32(len(body)-epbFixedLen) {
		return nil, r.fail(off, "captured length %d overruns the %d-byte block", capLen, len(block))
	}
	if capLen > MaxFrameLen {
		return nil, r.fail(off, "packet block claims %d captured bytes, more than the %d limit", capLen, MaxFrameLen)
	}
	ifc := &r.ifaces[id]
	units := uint64(r.order.u32(body[4:]))<<32 | uint64(r.order.u32(body[8:]))
	f := &r.frame
	f.Data = body[epbFixedLen : epbFixedLen+capLen]
	f.Time = ifc.clock.nanos(units)
	f.WireLen = int(r.order.u32(body[16:]))
	f.LinkType = ifc.link
	f.IfIndex = int(id)
	f.Offset = off
	f.Number++
	return f, nil
}

// simplePacket fills the frame from an SPB. It belongs to interface 0 and
// carries no timestamp, so Time is 0 (as tshark shows it); its captured
// length is the smallest of the snaplen, the wire length and the block room.
func (r *pcapngReader) simplePacket(off int64, body []byte) (*Frame, error) {
	if len(body) < spbFixedLen {
		return nil, r.fail(off, "simple packet block of %d bytes is too short", len(body)+blockMinLen)
	}
	if len(r.ifaces) == 0 {
		return nil, r.fail(off, "simple packet block before any interface description block")
	}
	ifc := &r.ifaces[0]
	wireLen := r.order.u32(body[0:])
	capLen := min(wireLen, uint32(len(body)-spbFixedLen))
	if ifc.snaplen != 0 {
		capLen = min(capLen, ifc.snaplen)
	}
	if capLen > MaxFrameLen {
		return nil, r.fail(off, "simple packet block holds %d bytes, more than the %d limit", capLen, MaxFrameLen)
	}
	f := &r.frame
	f.Data = body[spbFixedLen : spbFixedLen+capLen]
	f.Time = 0
	f.WireLen = int(wireLen)
	f.LinkType = ifc.link
	f.IfIndex = 0
	f.Offset = off
	f.Number++
	return f, nil
}
