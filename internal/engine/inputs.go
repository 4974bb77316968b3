package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/inventory"
)

// ExpandInputs turns command-line arguments into the ordered list of capture
// files: a capture file is taken as is (its format is checked by magic
// number), a directory is walked recursively keeping every file whose magic
// number is a capture, and any other text file is read as a file list (one
// path per line, '#' comments; relative paths are relative to the list).
// Files are ordered by directory, then by the time in their name when they
// have one (rotated captures), then by name, so a device's files come in time
// order. An argument that is none of these is an error naming it.
func ExpandInputs(args []string) ([]FileInfo, error) {
	var paths []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, arg := range args {
		if err := expandArg(arg, add, 0); err != nil {
			return nil, err
		}
	}
	files := make([]FileInfo, len(paths))
	for i, p := range paths {
		files[i] = describe(p)
	}
	sort.SliceStable(files, func(i, j int) bool { return lessFile(&files[i], &files[j]) })
	for i := range files {
		files[i].Index = i
	}
	return files, nil
}

func expandArg(arg string, add func(string), depth int) error {
	st, err := os.Stat(arg)
	if err != nil {
		return fmt.Errorf("input %s: %w", arg, err)
	}
	if st.IsDir() {
		return filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("input %s: %w", p, err)
			}
			if d.Type().IsRegular() && isCapture(p) {
				add(p)
			}
			return nil
		})
	}
	if isCapture(arg) {
		add(arg)
		return nil
	}
	if depth == 0 && looksLikeFileList(arg) {
		return expandList(arg, add, depth)
	}
	return fmt.Errorf("input %s: neither a pcap/pcapng capture (checked by magic number, also inside gzip/zstd), a directory, nor a list of capture paths", arg)
}

// isCapture checks the magic number; an empty file (a capture that never
// received a packet, e.g. from a crashed tcpdump) counts as an empty capture.
func isCapture(p string) bool {
	_, _, err := capture.Sniff(p)
	return err == nil || errors.Is(err, capture.ErrEmptyFile)
}

// looksLikeFileList accepts small text files (no NUL byte in the first 4 KB).
func looksLikeFileList(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	return n > 0 && !bytes.ContainsRune(buf[:n], 0)
}

func expandList(list string, add func(string), depth int) error {
	f, err := os.Open(list)
	if err != nil {
		return fmt.Errorf("file list %s: %w", list, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		entry := strings.TrimSpace(sc.Text())
		if entry == "" || strings.HasPrefix(entry, "#") {
			continue
		}
		if !filepath.IsAbs(entry) {
			entry = filepath.Join(filepath.Dir(list), entry)
		}
		if err := expandArg(entry, add, depth+1); err != nil {
			if os.IsNotExist(errors.Unwrap(err)) && line == firstLine(list) {
				return fmt.Errorf("input %s: not a pcap/pcapng capture (checked by magic number, also inside gzip/zstd) nor a list of capture paths (line %d is not a file)", list, line)
			}
			return fmt.Errorf("file list %s line %d: %w", list, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("file list %s: %w", list, err)
	}
	return nil
}

// firstLine is the number of the first entry line of a list file.
func firstLine(list string) int {
	b, err := os.ReadFile(list)
	if err != nil {
		return 1
	}
	for i, l := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return i + 1
		}
	}
	return 1
}

// describe fills what the file name tells: the destination-analysis layout
// (time, device IP and device folder), or at least a time for ordering.
func describe(p string) FileInfo {
	fi := FileInfo{Path: p}
	if dev, ip, t, ok := inventory.ParseCaptureName(p); ok {
		fi.DeviceName, fi.DeviceIP, fi.NameTime = dev, ip, t
		return fi
	}
	fi.NameTime = nameTime(filepath.Base(p))
	return fi
}

var (
	// monitoring_2023-6-12_21_50_58.cap (dumpcap ring buffers, MADEA)
	dashedTime = regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})[_T ](\d{1,2})[_.:-](\d{1,2})[_.:-](\d{1,2})`)
	// 1741797105.anon.pcap (Unix time prefix)
	epochPrefix = regexp.MustCompile(`^(1\d{9})(\D|$)`)
)

// nameTime reads a time from common capture naming schemes (for ordering).
func nameTime(base string) time.Time {
	if m := dashedTime.FindStringSubmatch(base); m != nil {
		n := make([]int, 6)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
		if t.Month() == time.Month(n[1]) {
			return t
		}
	}
	if m := epochPrefix.FindStringSubmatch(base); m != nil {
		sec, _ := strconv.ParseInt(m[1], 10, 64)
		return time.Unix(sec, 0).UTC()
	}
	return time.Time{}
}

func lessFile(a, b *FileInfo) bool {
	da, db := filepath.Dir(a.Path), filepath.Dir(b.Path)
	if da != db {
		return da < db
	}
	if !a.NameTime.Equal(b.NameTime) {
		return a.NameTime.Before(b.NameTime)
	}
	return a.Path < b.Path
}
