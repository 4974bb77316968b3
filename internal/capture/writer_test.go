package capture

import (
	"bytes"
	"io"
	"testing"
)

// TestPcapWriterRoundTrip writes frames with PcapWriter and reads them back.
func TestPcapWriterRoundTrip(t *testing.T) {
	type record struct {
		time    int64
		wireLen int
		data    []byte
	}
	records := []record{
		{1686631860040154578, 156, payload(156, 0)},
		{1686631860141907317, 1514, payload(96, 1)}, // snaplen-cut frame
		{0, 0, nil},
		{1_500_000_001, 20, payload(20, 2)},
		{4294967295_999999999, 60, payload(MaxFrameLen, 3)},
	}
	cases := []struct {
		name       string
		link       LinkType
		nanosecond bool
		precision  int64 // nanoseconds kept per timestamp unit
	}{
		{"microseconds", LinkEthernet, false, 1000},
		{"nanoseconds", LinkSLL2, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewPcapWriter(&buf, tc.link, 0, tc.nanosecond)
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range records {
				if err := w.WritePacket(rec.time, rec.wireLen, rec.data); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(&buf, "written")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			frames, err := drainFrames(r)
			if err != io.EOF || len(frames) != len(records) {
				t.Fatalf("read %d frames, %v", len(frames), err)
			}
			for i, rec := range records {
				f := frames[i]
				wantTime := rec.time / tc.precision * tc.precision
				if f.Time != wantTime || f.WireLen != max(rec.wireLen, len(rec.data)) || !bytes.Equal(f.Data, rec.data) || f.LinkType != tc.link {
					t.Errorf("frame %d: time %d wire %d link %d, %d bytes; want %d, %d, %d, %d bytes",
						i+1, f.Time, f.WireLen, f.LinkType, len(f.Data), wantTime, max(rec.wireLen, len(rec.data)), tc.link, len(rec.data))
				}
			}
		})
	}
}

func TestPcapWriterRejectsOversizedFrame(t *testing.T) {
	w, err := NewPcapWriter(io.Discard, LinkEthernet, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(0, 0, make([]byte, MaxFrameLen+1)); err == nil {
		t.Error("a frame above MaxFrameLen was written")
	}
}
