package dnsdb

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkMine measures Mine on a generated export, read from disk. The
// size defaults to 64 MB; IOTLENS_DNSDB_BENCH_MB=1000 gives the 1 GB figure
// quoted in docs/backends.md.
func BenchmarkMine(b *testing.B) {
	mb := int64(64)
	if v, err := strconv.ParseInt(os.Getenv("IOTLENS_DNSDB_BENCH_MB"), 10, 64); err == nil && v > 0 {
		mb = v
	}
	path := filepath.Join(b.TempDir(), "dnsdb.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := generate(f, mb<<20, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	var res *Result
	for b.Loop() {
		res, err = Mine(context.Background(), []string{path}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Domains) == 0 {
			b.Fatal("nothing attributed")
		}
	}
	b.ReportMetric(float64(res.Records), "records")
	b.ReportMetric(float64(len(res.Domains)), "domains")
	b.ReportMetric(float64(len(res.Addresses)), "addresses")
}

// BenchmarkScan measures the field scanner alone on one typical record.
func BenchmarkScan(b *testing.B) {
	line := []byte(`{"obj":{"count":5012,"time_first":1609459200,"time_last":1645000000,"rrname":"a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com.","rrtype":"A","bailiwick":"amazonaws.com.","rdata":["3.5.6.7","3.5.6.8","52.1.2.3"]}}`)
	var s Scanner
	var rec Record
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := s.Scan(line, &rec); err != nil {
			b.Fatal(err)
		}
	}
}
