package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"testing"
)

// gotFrame is a copy of a Frame that outlives the reader's buffer.
type gotFrame struct {
	Number   int
	Time     int64
	WireLen  int
	Data     []byte
	LinkType LinkType
	IfIndex  int
	Offset   int64
}

// readFrames drains a capture held in memory with the given read-ahead and
// returns copies of its frames and the error that ended it (io.EOF when
// clean; a NewReader error ends it with no frame).
func readFrames(data []byte, bufSize int) ([]gotFrame, error) {
	r, err := newReader(bytes.NewReader(data), "test", bufSize)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return drainFrames(r)
}

func drainFrames(r Reader) ([]gotFrame, error) {
	var frames []gotFrame
	for {
		f, err := r.Next()
		if err != nil {
			return frames, err
		}
		frames = append(frames, gotFrame{f.Number, f.Time, f.WireLen, bytes.Clone(f.Data), f.LinkType, f.IfIndex, f.Offset})
	}
}

// summary condenses every frame of a capture into a few numbers, so big
// captures can be compared without keeping their frames.
type summary struct {
	Frames  int
	WireSum int64
	CapSum  int64
	Hash    uint64 // over every field and byte of every frame
	End     string // how the stream ended, without the file name
}

// endText describes the error that ended a stream without naming the file,
// so captures read under different names compare equal.
func endText(err error) string {
	var ce *Error
	if errors.As(err, &ce) {
		return fmt.Sprintf("offset %d truncated=%v: %s", ce.Offset, ce.Truncated, ce.Msg)
	}
	return err.Error()
}

var crcTable = crc64.MakeTable(crc64.ECMA)

func summarize(r Reader) summary {
	var s summary
	var hdr [48]byte
	for {
		f, err := r.Next()
		if err != nil {
			s.End = endText(err)
			return s
		}
		s.Frames++
		s.WireSum += int64(f.WireLen)
		s.CapSum += int64(len(f.Data))
		binary.LittleEndian.PutUint64(hdr[0:], uint64(f.Number))
		binary.LittleEndian.PutUint64(hdr[8:], uint64(f.Time))
		binary.LittleEndian.PutUint64(hdr[16:], uint64(f.WireLen))
		binary.LittleEndian.PutUint64(hdr[24:], uint64(f.LinkType))
		binary.LittleEndian.PutUint64(hdr[32:], uint64(f.IfIndex))
		binary.LittleEndian.PutUint64(hdr[40:], uint64(f.Offset))
		s.Hash = crc64.Update(s.Hash, crcTable, hdr[:])
		s.Hash = crc64.Update(s.Hash, crcTable, f.Data)
	}
}

// asCaptureError returns err as *Error or fails the test.
func asCaptureError(t *testing.T, err error) *Error {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *capture.Error", err, err)
	}
	return ce
}

// wantEnd describes how a stream must end: io.EOF when msg is empty,
// otherwise an *Error whose text contains msg, at offset, truncated or not.
type wantEnd struct {
	msg       string
	offset    int64
	truncated bool
}

func checkEnd(t *testing.T, err error, want wantEnd) {
	t.Helper()
	if want.msg == "" {
		if err != io.EOF {
			t.Fatalf("stream ended with %v, want io.EOF", err)
		}
		return
	}
	ce := asCaptureError(t, err)
	if !bytes.Contains([]byte(ce.Msg), []byte(want.msg)) || ce.Offset != want.offset || ce.Truncated != want.truncated {
		t.Fatalf("error %q at offset %d truncated=%v, want %q at %d truncated=%v",
			ce.Msg, ce.Offset, ce.Truncated, want.msg, want.offset, want.truncated)
	}
}

// endian is a byte order that can also append.
type endian interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// ngFile builds pcapng files block by block in a chosen byte order.
type ngFile struct {
	order endian
	buf   []byte
}

func newNG(order endian) *ngFile { return &ngFile{order: order} }

func (b *ngFile) u16(v uint16) []byte { return b.order.AppendUint16(nil, v) }
func (b *ngFile) u32(v uint32) []byte { return b.order.AppendUint32(nil, v) }
func (b *ngFile) u64(v uint64) []byte { return b.order.AppendUint64(nil, v) }

// block appends a well-formed block: the body is padded to 4 bytes.
func (b *ngFile) block(typ uint32, body ...[]byte) *ngFile {
	joined := pad4(bytes.Join(body, nil))
	n := uint32(len(joined) + blockMinLen)
	return b.rawBlock(typ, n, n, joined)
}

// rawBlock appends a block with exactly the given lengths, for damage tests.
func (b *ngFile) rawBlock(typ, leading, trailing uint32, body []byte) *ngFile {
	b.buf = b.order.AppendUint32(b.buf, typ)
	b.buf = b.order.AppendUint32(b.buf, leading)
	b.buf = append(b.buf, body...)
	b.buf = b.order.AppendUint32(b.buf, trailing)
	return b
}

// option encodes one option, padded.
func (b *ngFile) option(code uint16, value []byte) []byte {
	o := append(b.u16(code), b.u16(uint16(len(value)))...)
	return append(o, pad4(value)...)
}

func (b *ngFile) endOfOptions() []byte { return make([]byte, 4) }

// shb starts a section in the builder's current byte order.
func (b *ngFile) shb(opts ...[]byte) *ngFile {
	body := [][]byte{b.u32(byteOrderMagic), b.u16(1), b.u16(0), b.u64(^uint64(0))}
	return b.block(blockSHB, append(body, opts...)...)
}

func (b *ngFile) idb(link LinkType, snaplen uint32, opts ...[]byte) *ngFile {
	body := [][]byte{b.u16(uint16(link)), b.u16(0), b.u32(snaplen)}
	return b.block(blockIDB, append(body, opts...)...)
}

func (b *ngFile) epb(iface uint32, ts uint64, wireLen uint32, data []byte, opts ...[]byte) *ngFile {
	body := [][]byte{b.u32(iface), b.u32(uint32(ts >> 32)), b.u32(uint32(ts)), b.u32(uint32(len(data))), b.u32(wireLen), pad4(data)}
	return b.block(blockEPB, append(body, opts...)...)
}

func (b *ngFile) opb(iface uint16, ts uint64, wireLen uint32, data []byte) *ngFile {
	return b.block(blockOPB, b.u16(iface), b.u16(0), b.u32(uint32(ts>>32)), b.u32(uint32(ts)),
		b.u32(uint32(len(data))), b.u32(wireLen), pad4(data))
}

func (b *ngFile) spb(wireLen uint32, data []byte) *ngFile {
	return b.block(blockSPB, b.u32(wireLen), pad4(data))
}

func (b *ngFile) bytes() []byte { return b.buf }

// pad4 returns a copy of b padded with zeros to a multiple of 4 bytes.
func pad4(b []byte) []byte {
	b = bytes.Clone(b)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// pcapRecord is one classic pcap record for pcapFile.
type pcapRecord struct {
	sec, frac uint32
	wireLen   uint32
	data      []byte
}

// pcapFile builds a classic pcap file in the byte order and magic given.
// A modified (Kuznetsov) magic gets the 8 extra record-header bytes.
func pcapFile(order endian, magic, link uint32, recs ...pcapRecord) []byte {
	var b []byte
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = order.AppendUint32(b, 0) // thiszone
	b = order.AppendUint32(b, 0) // sigfigs
	b = order.AppendUint32(b, 65535)
	b = order.AppendUint32(b, link)
	for _, r := range recs {
		b = order.AppendUint32(b, r.sec)
		b = order.AppendUint32(b, r.frac)
		b = order.AppendUint32(b, uint32(len(r.data)))
		b = order.AppendUint32(b, r.wireLen)
		if magic == 0xa1b2cd34 {
			b = append(b, 1, 0, 0, 0, 8, 0, 0, 0)
		}
		b = append(b, r.data...)
	}
	return b
}

// payload returns n deterministic bytes.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}
