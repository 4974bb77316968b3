// Package tshark runs the reference dissector for tests that compare
// iotlens with it. Tests skip when tshark is not installed, and fail under
// CI=true, where .ci/run installs it.
package tshark

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Require skips the test without tshark (fails it under CI=true).
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("tshark is not installed; .ci/run installs it with apt-get")
		}
		tb.Skip("tshark not on PATH: skipping the comparison with tshark")
	}
}

// Fields runs `tshark -n -r file [-Y filter] -T fields -e ...` and returns
// the tab-split rows (several values of one field are joined with ",").
// tshark exits non-zero on files cut mid-packet after printing every
// complete packet, so only an empty output with an error fails the test.
func Fields(tb testing.TB, file, filter string, fields ...string) [][]string {
	tb.Helper()
	Require(tb)
	args := []string{"-n", "-r", file, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"}
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil && len(out) == 0 {
		tb.Fatalf("tshark %s: %v", filepath.Base(file), err)
	}
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	return rows
}

// Count is a number of frames and their frame.len total.
type Count struct{ Packets, Bytes int64 }

// PerMAC counts frames and bytes per eth.src (tx) and eth.dst (rx) over
// the captures (.cap, .pcap, .pcapng) of dir: what `eth.src==MAC` and
// `eth.dst==MAC` filters would count.
func PerMAC(tb testing.TB, dir string) (tx, rx map[string]Count) {
	tb.Helper()
	var files []string
	for _, ext := range []string{"*.cap", "*.pcap", "*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(dir, ext))
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Fatalf("no captures in %s", dir)
	}
	tx, rx = map[string]Count{}, map[string]Count{}
	for _, f := range files {
		for _, col := range Fields(tb, f, "", "eth.src", "eth.dst", "frame.len") {
			if len(col) != 3 {
				continue
			}
			n, _ := strconv.ParseInt(col[2], 10, 64)
			s, d := tx[col[0]], rx[col[1]]
			s.Packets, s.Bytes = s.Packets+1, s.Bytes+n
			d.Packets, d.Bytes = d.Packets+1, d.Bytes+n
			tx[col[0]], rx[col[1]] = s, d
		}
	}
	return tx, rx
}
