package passive

import (
	"bytes"
	"testing"
)

// FuzzParseVolumeCSV: any bytes give rows or an error naming the file,
// never a panic; parsed rows hold no negative counts.
func FuzzParseVolumeCSV(f *testing.F) {
	f.Add([]byte("Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\nDLink (FR-1),0,199,40129,128,20552,71,19577\n"))
	f.Add([]byte("Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes\r\n\"a,b\",0,1,1,1,1,0,0\r\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vf, err := ParseVolumeCSV(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("fuzz.csv: ")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range vf.Rows {
			for _, v := range r.metrics() {
				if v < 0 {
					t.Fatalf("negative count %+v", r)
				}
			}
		}
	})
}

// FuzzParseCategories: any YAML gives a table or an error naming the file.
func FuzzParseCategories(f *testing.F) {
	f.Add([]byte("categories:\n  discovery: [mdns, ssdp]\n  encrypted:\n    - tls\n"))
	f.Add([]byte("categories:\n  unknown: [dns]\n"))
	f.Add([]byte("categories: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCategories(data, "fuzz.yaml")
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("fuzz.yaml: ")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = c.Of("tls")
	})
}
