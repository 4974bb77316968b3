package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil"
)

// FuzzReader feeds any bytes through NewReader and drains every frame. The
// same input is read again with a tiny read-ahead, which sends every record
// through the copying path: both reads must agree exactly.
func FuzzReader(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	for _, seed := range fixtureSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := fuzzDrain(t, data, sizeHint(int64(len(data))))
		if got := fuzzDrain(t, data, minBufferSize); got != want {
			t.Fatalf("tiny read-ahead gives %+v, normal gives %+v", got, want)
		}
	})
}

// fuzzDrain reads data to its end, checks the invariants of every frame
// and of the final error, and summarizes the frames.
func fuzzDrain(t *testing.T, data []byte, bufSize int) summary {
	r, err := newReader(bytes.NewReader(data), "fuzz", bufSize)
	if err != nil {
		checkErrorKind(t, err)
		return summary{End: endText(err)}
	}
	defer r.Close()
	checked := &checkingReader{Reader: r, t: t}
	sum := summarize(checked)
	checkErrorKind(t, checked.err)
	if f, again := r.Next(); f != nil || endText(again) != sum.End {
		t.Fatalf("Next after the end gave %v, %v; first end was %s", f, again, sum.End)
	}
	if r.Compression() == "" && sum.Frames > len(data)/pcapRecordHeaderLen {
		t.Fatalf("%d frames from %d bytes", sum.Frames, len(data))
	}
	return sum
}

// checkingReader verifies each frame as summarize pulls it.
type checkingReader struct {
	Reader
	t      *testing.T
	number int
	err    error
}

func (c *checkingReader) Next() (*Frame, error) {
	f, err := c.Reader.Next()
	if err != nil {
		c.err = err
		return nil, err
	}
	c.number++
	if f.Number != c.number || len(f.Data) > MaxFrameLen || f.Offset < 0 {
		c.t.Fatalf("frame %d: number %d, %d bytes, offset %d", c.number, f.Number, len(f.Data), f.Offset)
	}
	return f, nil
}

func checkErrorKind(t *testing.T, err error) {
	var ce *Error
	if err == io.EOF || errors.As(err, &ce) || errors.Is(err, ErrNotCapture) || errors.Is(err, ErrEmptyFile) {
		return
	}
	t.Fatalf("unexpected kind of error %v (%T)", err, err)
}

// fuzzSeeds are hand-built files covering every layout and block type.
func fuzzSeeds(tb testing.TB) [][]byte {
	data := payload(40, 9)
	ng := newNG(le)
	ng.shb(ng.option(4, []byte("seed")), ng.endOfOptions())
	ng.idb(LinkEthernet, 0, ng.option(optIfTsResol, []byte{9}), ng.option(optIfTsOffset, ng.u64(7)), ng.endOfOptions())
	ng.idb(LinkRaw, 32, ng.option(optIfTsResol, []byte{0x80 | 20}))
	ng.epb(1, 1<<40, 40, data, ng.option(2, ng.u32(1)), ng.endOfOptions())
	ng.spb(50, data)
	ng.opb(0, 12345, 40, data)
	ng.block(5, ng.u32(0), ng.u32(0), ng.u32(0))
	ng.block(0x0bad, ng.u32(1), data[:5])
	twoSections := newNG(le).shb().idb(LinkEthernet, 0).epb(0, 1, 40, data)
	twoSections.order = be
	twoSections.shb().idb(LinkSLL, 0).epb(0, 2, 40, data)
	pcap := pcapFile(le, 0xa1b2c3d4, 1, pcapRecord{sec: 1, frac: 2, wireLen: 40, data: data}, pcapRecord{sec: 3, wireLen: 60, data: data[:20]})
	return [][]byte{
		pcap,
		pcapFile(be, 0xa1b23c4d, 101, pcapRecord{sec: 1, frac: 2, wireLen: 40, data: data}),
		pcapFile(le, 0xa1b2cd34, 113, pcapRecord{sec: 1, frac: 2, wireLen: 40, data: data}),
		pcap[:len(pcap)-7],
		ng.bytes(),
		twoSections.bytes(),
		ng.bytes()[:len(ng.bytes())-30],
		gzipBytes(tb, pcap),
		zstdBytes(tb, ng.bytes()),
		{},
		[]byte("not a capture at all"),
	}
}

// fixtureSeeds takes the first bytes of small permissively licensed
// fixtures when they are present; fuzzing works without them.
func fixtureSeeds() [][]byte {
	root, err := testutil.RepoRoot()
	if err != nil {
		return nil
	}
	var seeds [][]byte
	for _, rel := range [][]string{
		{"tcpdump", "dns_tcp.pcap"},
		{"tcpdump", "time_2106_overflow.pcapng"},
		{"zeek", "pcapng-multi-interface.pcapng"},
		{"zeek", "http", "get-to-ssh-server.pcap"},
		{"ndpi", "nfsv3.pcap"},
		{"ndpi", "mqtt.pcap"},
	} {
		path := filepath.Join(append([]string{root, "..", "shared", "fixtures"}, rel...)...)
		if data, err := os.ReadFile(path); err == nil {
			seeds = append(seeds, data[:min(len(data), 2048)])
		}
	}
	return seeds
}
