package passive

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// VolumeFile is one parsed stats file of the seed's layout.
type VolumeFile struct {
	Device string // Device column of the first row
	Rows   []Volume
}

// maxVolumeRows bounds one stats file (hourly rows for 400 years).
const maxVolumeRows = 1 << 22

// ParseVolumeCSV reads one seed stats file (header
// Device,StartTime,Frames,Bytes,TxFrames,TxBytes,RxFrames,RxBytes; LF or
// CRLF). name is used in errors, which give the line.
func ParseVolumeCSV(r io.Reader, name string) (*VolumeFile, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file (want the header %s)", name, strings.Join(VolumeHeader, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !sameHeader(header, VolumeHeader) {
		return nil, fmt.Errorf("%s: line 1: header %q is not the seed's %s", name, strings.Join(header, ","), strings.Join(VolumeHeader, ","))
	}
	vf := &VolumeFile{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return vf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err) // csv.ParseError gives the line
		}
		line, _ := cr.FieldPos(0)
		if len(vf.Rows) >= maxVolumeRows {
			return nil, fmt.Errorf("%s: line %d: more than %d rows", name, line, maxVolumeRows)
		}
		v, err := volumeRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		if len(vf.Rows) == 0 {
			vf.Device = rec[0]
		}
		vf.Rows = append(vf.Rows, v)
	}
}

func sameHeader(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g := strings.TrimSpace(strings.TrimPrefix(got[i], "\ufeff"))
		if g != want[i] {
			return false
		}
	}
	return true
}

func volumeRow(rec []string) (Volume, error) {
	if len(rec) != len(VolumeHeader) {
		return Volume{}, fmt.Errorf("%d fields, want %d", len(rec), len(VolumeHeader))
	}
	var n [7]int64
	for i := range n {
		s := strings.TrimSpace(rec[i+1])
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return Volume{}, fmt.Errorf("%s %q is not a count", VolumeHeader[i+1], s)
		}
		n[i] = v
	}
	return Volume{Frames: n[1], Bytes: n[2], TxFrames: n[3], TxBytes: n[4], RxFrames: n[5], RxBytes: n[6]}, nil
}

// ReadVolumeDir reads the stats files of a folder as
// calculate_overall_stats.py does: every *-stats.csv file (not recursive),
// "-LAN-" in the name is LAN, "-WAN-" WAN, else the combined rows; the
// device key is the Device column with a capture number such as "-1" in
// its final parenthesis removed ("DLink (FR-1)" -> "DLink (FR)"). Files of
// the same key and scope are concatenated in file-name order (the seed
// kept only the last one read).
func ReadVolumeDir(dir string) ([]OverallInput, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), "-stats.csv") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no *-stats.csv files (the output of iotlens volume or the seed's generateStatsForIntervals.bash)", dir)
	}
	byKey := map[string]*OverallInput{}
	var order []string
	for _, name := range names {
		vf, err := readVolumeFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if len(vf.Rows) == 0 {
			continue
		}
		key := DeviceKey(vf.Device)
		in := byKey[key]
		if in == nil {
			in = &OverallInput{Key: key}
			byKey[key] = in
			order = append(order, key)
		}
		scope := scopeOfFile(name)
		in.Rows[scope] = append(in.Rows[scope], vf.Rows...)
	}
	out := make([]OverallInput, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

func readVolumeFile(path string) (*VolumeFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseVolumeCSV(f, path)
}

func scopeOfFile(name string) int {
	switch {
	case strings.Contains(name, "-LAN-"):
		return ScopeLAN
	case strings.Contains(name, "-WAN-"):
		return ScopeWAN
	}
	return ScopeAll
}

// DeviceKey drops a trailing "-N" capture number inside the final
// parenthesis of a Device label, so that the rows of "(FR-1)" and "(FR-2)"
// form one device "(FR)".
func DeviceKey(label string) string {
	if !strings.HasSuffix(label, ")") {
		return label
	}
	open := strings.LastIndexByte(label, '(')
	dash := strings.LastIndexByte(label, '-')
	if open < 0 || dash < open {
		return label
	}
	digits := label[dash+1 : len(label)-1]
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return label
	}
	return label[:dash] + ")"
}
